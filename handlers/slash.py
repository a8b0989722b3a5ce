"""`/acr`: acknowledge at once; instant commands (help, faq) answer inside the acknowledgement,
every other command is handed to the job pool and answers through the response_url (a full
pool answers "busy, try again" in the acknowledgement instead).

The command is parsed against the command table (``bot.commands``); the table entry says
whether it is instant, what it may do and how it is rendered. Bad input is answered in the
acknowledgement with its usage line.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.commands import BY_NAME, Invocation, Request, parse
from bot.commands.grammar import MAX_TEXT
from bot.commands.runner import answer
from bot.errors import BadInput
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render.words import localise
from bot.services import Services
from handlers.context import (
    SLACK_FAILURES,
    ProgressNotes,
    hand_off,
    locale_lookup,
    services_of,
    slack_caller,
)

log = logging.getLogger(__name__)

COMMAND = "/acr"


def register(app: App) -> None:
    app.command(COMMAND)(on_acr)


def on_acr(
    ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext
) -> None:
    services = services_of(context)
    EVENTS_RECEIVED.labels(kind="command").inc()
    text = str(command.get("text") or "")
    user = str(command.get("user_id") or "")
    # before the acknowledgement only the locale this process already knows is used (and
    # no more of the text than a command can have: longer text is refused by the parser)
    lang = services.triage.command_language(text[:MAX_TEXT], user, None)
    try:
        invocation = parse(text, lang)
    except BadInput as exc:
        ack(text=localise(exc.user_message, lang))
        return
    spec = BY_NAME[invocation.name]
    if spec.instant:
        # local and fast, so the answer travels in the acknowledgement itself; frequent and
        # harmless, so its log line stays out of the acknowledgement's way
        event(log, "command", logging.DEBUG, command=spec.name, user=user)
        reply = answer(spec, _request(services, invocation, command, client, lang))
        ack(text=reply.text(), blocks=reply.blocks())
        # learn the caller's locale after answering, so the next answer uses it
        services.triage.learn_locale_later(user, locale_lookup(client), services.jobs.submit)
        return
    hand_off(
        context, spec.name, run_command, invocation, command, client, respond, ack=ack, lang=lang
    )


def run_command(
    services: Services,
    invocation: Invocation,
    command: dict[str, Any],
    client: WebClient,
    respond: Respond,
) -> None:
    """After the acknowledgement: the caller's language, the command, the private answer."""
    text = str(command.get("text") or "")
    user = str(command.get("user_id") or "")
    lang = services.triage.command_language(text[:MAX_TEXT], user, locale_lookup(client))
    spec = BY_NAME[invocation.name]
    event(log, "command", command=spec.name, user=user)
    request = _request(services, invocation, command, client, lang)
    notes = ProgressNotes(respond, services.clock)
    reply = answer(spec, replace(request, progress=notes))
    try:
        respond(text=reply.text(), blocks=reply.blocks(), response_type="ephemeral")
    except SLACK_FAILURES as exc:
        event(log, "command.respond_failed", logging.WARNING, command=spec.name, error=str(exc))


def _request(
    services: Services,
    invocation: Invocation,
    command: dict[str, Any],
    client: WebClient,
    lang: str,
) -> Request:
    user = str(command.get("user_id") or "")
    channel = str(command.get("channel_id") or "")
    return Request(services, invocation, slack_caller(services, client, user, channel), lang)
