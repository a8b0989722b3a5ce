"""The bot's Bolt app in this process, driven the way Slack drives it: the fast test layer.

    with FakeSlackAPI() as slack:
        bot = local_bot(slack, store=RedisStore(SHARED_REDIS, prefix))
        bot.event(payloads.message_event(PASTE, channel="C1"))   # signed, through app.dispatch
        bot.idle()                                               # the handed-off work is done
        slack.find("chat.postMessage", channel="C1")

The app is built by ``bot.slack_app.build_app``, exactly as ``acrbot serve`` builds it: same
listeners, same middleware, a real ``WebClient`` pointed at the fake Slack Web API. Requests
go through ``app.dispatch(BoltRequest(...))`` — signed with the signing secret in HTTP mode,
as Socket Mode payloads otherwise — or, for tests of the HTTP front itself, through the WSGI
application waitress serves. Listeners hand their work to the services' job pool; ``idle``
waits for it (no sleeping, no "quiet for half a second"). Log events are collected, so a
test can check what the bot logged.

Only what needs a real process — start-up, signals, Socket Mode over a WebSocket, several
replicas — is tested with ``tests/fakes/running_bot.py``.
"""

from __future__ import annotations

import io
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse

from bot.config import Settings
from bot.services import Services
from bot.slack_app import EVENTS_PATH, build_app, http_front
from bot.store import MemoryStore, Store
from bot.store.redis import RedisStore
from tests.fakes.clock import FakeClock
from tests.fakes.running_bot import SIGNING_SECRET, sign
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, Call, FakeSlackAPI
from tests.shared_redis import SHARED_REDIS

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


class EventLog(logging.Handler):
    """Collects the bot's structured log events (``event(log, name, **fields)``)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[dict[str, Any]] = []
        self._records_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            with self._records_lock:
                self.records.append({"event": record.getMessage(), **fields})

    def find(self, name: str, **fields: Any) -> list[dict[str, Any]]:
        with self._records_lock:
            return [
                r
                for r in self.records
                if r["event"] == name and all(r.get(k) == v for k, v in fields.items())
            ]


@dataclass
class LocalBot:
    slack: FakeSlackAPI
    services: Services
    app: App
    mode: str
    clock: FakeClock
    log: EventLog = field(default_factory=EventLog)

    # -- requests -------------------------------------------------------------------------

    def dispatch(
        self,
        body: str | dict[str, Any],
        content_type: str = JSON,
        *,
        headers: Mapping[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
        secret: str = SIGNING_SECRET,
        signed_body: str | None = None,
    ) -> BoltResponse:
        """One request through ``app.dispatch``, as the HTTP or Socket Mode adapter makes it."""
        if self.mode == "socket":
            assert isinstance(body, dict), "Socket Mode delivers JSON payloads"
            return self.app.dispatch(BoltRequest(body=body, mode="socket_mode"))
        raw = body if isinstance(body, str) else json.dumps(body)
        all_headers: dict[str, str] = {"content-type": content_type}
        if signed:
            all_headers.update(sign(raw if signed_body is None else signed_body, timestamp, secret))
        all_headers.update(headers or {})
        request = BoltRequest(
            body=raw, headers={k.lower(): [v] for k, v in all_headers.items()}, mode="http"
        )
        return self.app.dispatch(request)

    def post(self, body: str | bytes, headers: Mapping[str, str]) -> tuple[int, str]:
        """One request through the WSGI application waitress serves (the whole HTTP front)."""
        raw = body.encode("utf-8") if isinstance(body, str) else body
        environ: dict[str, Any] = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": EVENTS_PATH,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "3000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "CONTENT_LENGTH": str(len(raw)),
            "wsgi.input": io.BytesIO(raw),
            "wsgi.url_scheme": "http",
        }
        for key, value in headers.items():
            name = key.upper().replace("-", "_")
            if name == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            else:
                environ[f"HTTP_{name}"] = value
        status: list[str] = []

        def start_response(line: str, response_headers: Any, exc_info: Any = None) -> Any:
            status.append(line)
            return lambda data: None

        chunks = http_front(self.app, SIGNING_SECRET)(environ, start_response)
        answer = b"".join(chunks).decode("utf-8")
        return int(status[0].split()[0]), answer

    def event(self, payload: dict[str, Any], retry: int = 0) -> int:
        """An Events API delivery (``retry`` > 0: Slack's redelivery of the same event)."""
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.dispatch(payload, headers=headers if retry else None).status

    def command(self, form: str) -> BoltResponse:
        """A slash command (the form body Slack posts)."""
        if self.mode == "socket":
            from urllib.parse import parse_qsl

            return self.dispatch(dict(parse_qsl(form, keep_blank_values=True)))
        return self.dispatch(form, FORM)

    def click(self, payload: dict[str, Any]) -> int:
        """An interaction (button, shortcut) as Slack posts it."""
        if self.mode == "socket":
            return self.dispatch(payload).status
        from urllib.parse import urlencode

        return self.dispatch(urlencode({"payload": json.dumps(payload)}), FORM).status

    # -- what happened --------------------------------------------------------------------

    def idle(self, timeout: float = 30.0) -> None:
        """Wait until every piece of work the listeners handed off has finished."""
        assert self.services.jobs.wait_idle(timeout), "handed-off work did not finish"

    def events(self, name: str, **fields: Any) -> list[dict[str, Any]]:
        return self.log.find(name, **fields)

    def hook(self, url: str) -> Call:
        """What the bot posted to the response_url ``url`` (after the work is done)."""
        self.idle()
        found = self.slack.find("hook", hook=self.slack.hook_path(url))
        assert found, f"nothing was posted to {url}"
        return found[0]

    def close(self) -> None:
        self.services.jobs.drain()
        self.services.store.close()
        logging.getLogger().removeHandler(self.log)


def ack_call(response: BoltResponse) -> Call:
    """The answer carried by an acknowledgement, shaped like a response_url post."""
    body = response.body or ""
    try:
        answer = json.loads(body) if body else {}
    except json.JSONDecodeError:  # a text-only ack is the bare text
        answer = {"text": body}
    if isinstance(answer, dict):
        answer.setdefault("response_type", "ephemeral")  # Slack's default for command replies
    return Call("ack", answer if isinstance(answer, dict) else {"text": body}, {})


def local_bot(
    slack: FakeSlackAPI,
    *,
    mode: str = "http",
    store: Store | None = None,
    knowledge_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
    clock: FakeClock | None = None,
    redis_prefix: str | None = None,
) -> LocalBot:
    """The bot's app in this process, wired to ``slack`` (its auth.test is called now); with
    ``redis_prefix``, on the shared test Redis under that prefix (a replica)."""
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
        "ACRBOT_MODE": mode,
        "ACRBOT_DEFAULT_LANGUAGE": "en",
    }
    if mode == "http":
        env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
    else:
        env["SLACK_APP_TOKEN"] = APP_TOKEN
    if knowledge_dir is not None:
        env["ACRBOT_KNOWLEDGE_DIR"] = str(knowledge_dir)
    if redis_prefix is not None:
        env["ACRBOT_REDIS_PREFIX"] = redis_prefix
        store = RedisStore(SHARED_REDIS, redis_prefix)
    env.update(extra or {})
    settings = Settings.from_env(env)
    clock = clock or FakeClock()
    services = Services(settings, store or MemoryStore(), clock=clock)
    services.warm()
    log = EventLog()
    root = logging.getLogger()
    root.addHandler(log)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    app = build_app(settings, services)
    return LocalBot(slack, services, app, mode, clock, log)
