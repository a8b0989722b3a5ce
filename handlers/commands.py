"""`/acr`: ack at once, parse with bot.commands.parse, run the subcommand, respond privately.

Subcommands are looked up in ``SUBCOMMANDS``; this module registers ``help`` and ``faq``,
handlers.azure adds the Azure ones. A runner gets a :class:`CommandContext` and answers with
``ctx.respond``. Bad input becomes its usage message; anything unexpected becomes a short
apology with a reference that is also in the log, never a stack trace in chat.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.commands import Command, parse
from bot.errors import BotError
from bot.observe.logging import event
from bot.observe.metrics import COMMAND_LATENCY, EVENTS_RECEIVED
from bot.render import blocks as render
from bot.render.text import faq_text, help_text
from bot.services import Services
from handlers.context import CommandContext
from handlers.messages import locale_lookup

log = logging.getLogger(__name__)

SlackCommandRunner = Callable[[CommandContext], None]


def run_help(ctx: CommandContext) -> None:
    command = ctx.command
    ctx.respond(
        text=help_text(ctx.lang, command.unknown, command.suggestion),
        blocks=render.help_blocks(
            ctx.lang, command.unknown, command.suggestion, degraded=ctx.services.store.degraded
        ),
        response_type="ephemeral",
    )


def run_faq(ctx: CommandContext) -> None:
    services = ctx.services
    words = ctx.command.words
    found = services.matcher.search(words)
    ctx.respond(
        text=faq_text(services.kb, words, found, ctx.lang),
        blocks=render.faq_blocks(services.kb, words, found, ctx.lang),
        response_type="ephemeral",
    )


SUBCOMMANDS: dict[str, SlackCommandRunner] = {"help": run_help, "faq": run_faq}


def run(ctx: CommandContext) -> None:
    """Run one parsed subcommand through the registry, turning errors into clear answers."""
    started = time.perf_counter()
    name = ctx.command.name
    runner = SUBCOMMANDS.get(name)
    try:
        if runner is None:
            ctx.respond(
                text=render.words(ctx.lang)["not_available"].format(command=name),
                response_type="ephemeral",
            )
            return
        runner(ctx)
    except BotError as exc:
        ctx.respond(text=exc.user_message, response_type="ephemeral")
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("command failed", extra={"fields": {"command": name, "ref": reference}})
        ctx.respond(
            text=render.words(ctx.lang)["internal"].format(ref=reference),
            response_type="ephemeral",
        )
    finally:
        COMMAND_LATENCY.labels(command=name).observe(time.perf_counter() - started)


# Answered inside the ack itself: local and fast (no network), so the user sees the answer
# at once and nothing is left to do after the 3-second window.
INSTANT = frozenset({"help", "faq"})


class AckOrRespond:
    """A respond callable whose first message travels in the ack; later ones via response_url."""

    def __init__(self, ack: Ack, respond: Respond) -> None:
        self._ack = ack
        self._respond = respond
        self.acked = False

    def __call__(self, text: str = "", blocks: Any = None, **kwargs: Any) -> None:
        if not self.acked:
            self.acked = True
            shared = kwargs.get("response_type") == "in_channel"
            self._ack(text=text, blocks=blocks, response_type="in_channel" if shared else None)
            return
        self._respond(text=text, blocks=blocks, **kwargs)

    def ensure_acked(self) -> None:
        if not self.acked:
            self.acked = True
            self._ack()


def register(app: App, services: Services) -> None:
    triage = services.triage

    @app.command("/acr")
    def on_acr(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        answer = AckOrRespond(ack, respond)
        try:
            EVENTS_RECEIVED.labels(kind="command").inc()
            text = str(command.get("text") or "")
            user_id = str(command.get("user_id") or "")
            try:
                parsed = parse(text)
            except BotError as exc:
                answer(text=exc.user_message, response_type="ephemeral")
                return
            if parsed.name not in INSTANT:
                answer.ensure_acked()
                lookup = locale_lookup(client)
            else:
                lookup = None  # before the ack only the cached locale is used
            lang = triage.command_language(text, user_id, lookup)
            # help and faq are frequent and harmless: keep their log line out of the ack path
            level = logging.DEBUG if parsed.name in INSTANT else logging.INFO
            event(log, "command", level, command=parsed.name, user=user_id)
            run(
                context_for(
                    services=services,
                    parsed=parsed,
                    payload=command,
                    lang=lang,
                    respond=answer,
                    client=client,
                )
            )
        finally:
            answer.ensure_acked()
        # learn the caller's locale after the ack, so the next answer uses it
        triage.user_language(user_id, locale_lookup(client))


def context_for(
    *,
    services: Services,
    parsed: Command,
    payload: dict[str, Any],
    lang: str,
    respond: Any,
    client: WebClient,
) -> CommandContext:
    """A CommandContext from a slash command payload (flat ids)."""
    return CommandContext(
        services=services,
        command=parsed,
        user_id=str(payload.get("user_id") or ""),
        channel_id=str(payload.get("channel_id") or ""),
        team_id=str(payload.get("team_id") or ""),
        lang=lang,
        respond=respond,
        client=client,
        trigger_id=payload.get("trigger_id"),
        response_url=payload.get("response_url"),
    )
