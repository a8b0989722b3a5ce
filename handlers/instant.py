"""`/acr help` and `/acr faq` over HTTP, answered without Bolt's dispatch.

For these two answers, which need no network at all, Bolt's machinery is most of the cost of
a request: it tries every listener's matcher, hands the listener to a worker thread and polls
every 10 ms for its acknowledgement. This WSGI layer sits in front of Bolt, checks the request
with slack_sdk's ``SignatureVerifier`` (the check Bolt itself makes, five-minute window
included), runs the same runner as ``handlers.commands`` and returns its answer as the HTTP
response. Anything else, and any request that fails the check, goes to Bolt untouched, so
refusals look the same whichever way a request came.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from concurrent.futures import Executor
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.commands import Command, parse
from bot.errors import BotError
from bot.observe.metrics import EVENTS_RECEIVED
from bot.services import Services
from handlers.commands import INSTANT, context_for, run
from handlers.messages import locale_lookup

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_MARKER = b"command=%2Facr"
MAX_BODY = 64 * 1024  # a slash command is a small form; anything bigger is not ours


class InstantCommands:
    """WSGI middleware: answers signed `/acr help|faq` itself, passes the rest to ``inner``."""

    def __init__(
        self,
        inner: WsgiApp,
        *,
        services: Services,
        client: WebClient,
        signing_secret: str,
        executor: Executor,
        path: str,
    ) -> None:
        self.inner = inner
        self.services = services
        self.client = client
        self.verifier = SignatureVerifier(signing_secret)
        self.executor = executor
        self.path = path
        self.triage = services.triage

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        answer = self._instant(environ)
        if answer is None:
            return self.inner(environ, start_response)
        payload = json.dumps(answer).encode("utf-8")
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/json;charset=utf-8"),
                ("Content-Length", str(len(payload))),
            ],
        )
        return [payload]

    def _instant(self, environ: dict[str, Any]) -> dict[str, Any] | None:
        """The answer to an instant command, or None to let Bolt handle the request."""
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != self.path:
            return None
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        if not 0 < length <= MAX_BODY:
            return None
        raw = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(raw)  # Bolt reads the same body if we pass
        if _MARKER not in raw:
            return None
        body = raw.decode("utf-8", errors="replace")
        form = dict(parse_qsl(body, keep_blank_values=True))
        if form.get("command") != "/acr":
            return None
        try:
            command = parse(form.get("text", ""))
        except BotError:
            return None  # Bolt's listener answers bad input with its usage line
        if command.name not in INSTANT:
            return None
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP", ""))
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE", ""))
        if not timestamp.isdigit() or not self.verifier.is_valid(body, timestamp, signature):
            return None  # Bolt refuses it with its usual 401
        return self._answer(command_form=form, command=command)

    def _answer(self, *, command_form: dict[str, str], command: Command) -> dict[str, Any]:
        EVENTS_RECEIVED.labels(kind="command").inc()
        user_id = command_form.get("user_id", "")
        text = command_form.get("text", "")
        lang = self.triage.command_language(text, user_id, None)  # cached locale only
        replies: list[dict[str, Any]] = []

        def respond(text: str = "", blocks: Any = None, **kwargs: Any) -> None:
            reply: dict[str, Any] = {"text": text}
            if blocks:
                reply["blocks"] = blocks
            if kwargs.get("response_type") == "in_channel":
                reply["response_type"] = "in_channel"
            replies.append(reply)

        run(
            context_for(
                services=self.services,
                parsed=command,
                payload=command_form,
                lang=lang,
                respond=respond,
                client=self.client,
            )
        )
        # learn the caller's locale after answering, so the next answer uses it
        self.triage.learn_locale_later(user_id, locale_lookup(self.client), self.executor)
        return replies[0] if replies else {"text": ""}
