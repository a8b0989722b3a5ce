"""The message shortcut "Triage this message": a private answer, with "Post in thread"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render import blocks as render
from bot.services import Services
from handlers.messages import locale_lookup

log = logging.getLogger(__name__)

CALLBACK_ID = "triage_message"


def register(app: App, services: Services) -> None:
    triage = services.triage
    kb = services.kb

    @app.shortcut(CALLBACK_ID)
    def on_triage(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="shortcut").inc()
        message = body.get("message") or {}
        text = str(message.get("text") or "")
        user = str((body.get("user") or {}).get("id") or "")
        channel = str((body.get("channel") or {}).get("id") or "")
        match = triage.on_demand(text)
        lang = triage.language(text, match.question, user, locale_lookup(client))
        event(log, "triage.shortcut", topic=match.topic, channel=channel)
        token = ""
        if match.topic is not None:
            ts = str(message.get("ts") or body.get("message_ts") or "")
            token = triage.save_pending(
                {
                    "channel": channel,
                    "thread_ts": str(message.get("thread_ts") or ts),
                    "text": text,
                    "lang": lang,
                }
            )
        respond(
            text=render.answer_fallback(kb, match, lang),
            blocks=render.shortcut_blocks(kb, match, lang, token),
            response_type="ephemeral",
        )
