"""The message shortcut "Triage this message": a private answer, with "Post in thread"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.azure.names import find_image
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render import blocks as render
from bot.render.text import reading
from bot.services import Services
from handlers.context import hand_off, locale_lookup

log = logging.getLogger(__name__)

CALLBACK_ID = "triage_message"


def register(app: App) -> None:
    app.shortcut(CALLBACK_ID)(on_triage)


def on_triage(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    EVENTS_RECEIVED.labels(kind="shortcut").inc()
    hand_off(
        context,
        "shortcut",
        triage_message,
        body,
        respond,
        context.client,
        respond=respond,
        ack=ack,
    )


def triage_message(
    services: Services, body: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    """The closest answer, privately; "Post in thread" keeps what it needs to post it later:
    where, the topic and the registry in the store, what the paste named (values for the
    placeholders, an image) in the button of this private answer, never the message itself."""
    triage, kb = services.triage, services.kb
    message = body.get("message") or {}
    text = str(message.get("text") or "")
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    match = triage.on_demand(text)
    lang = triage.language(text, match.question, user, locale_lookup(client))
    event(log, "triage.shortcut", topic=match.topic, channel=channel)
    token = ""
    image = None
    if match.topic is not None:
        ts = str(message.get("ts") or body.get("message_ts") or "")
        token = triage.save_pending(
            {
                "channel": channel,
                "thread_ts": str(message.get("thread_ts") or ts),
                "lang": lang,
                **render.posted_match(match, reading(match, text)),
            }
        )
        image = find_image(text, match.registry) if match.registry else None
    respond(
        text=render.answer_fallback(kb, match, lang),
        blocks=render.shortcut_blocks(kb, match, lang, token, paste=text, image=image),
        response_type="ephemeral",
    )
