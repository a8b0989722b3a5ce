"""Pastes in channels, threads and direct messages, and mentions: triage → thread reply.

The listeners only filter (bots, edits, deletions get nothing) and hand the paste to the job
pool; Bolt acknowledges the event as soon as they return. Triage (``bot.triage``) decides;
the reply is rendered here and posted in the paste's thread. Event types no listener wants
are acknowledged too (a 404 would only make Slack send them again).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.azure.names import find_image
from bot.jobs import current_job
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render import blocks as render
from bot.render.text import reading
from bot.render.words import words
from bot.services import Services
from bot.triage import Decision, Outcome, Paste
from handlers.context import SLACK_FAILURES, hand_off, locale_lookup

log = logging.getLogger(__name__)

# message subtypes that are a person writing something new; edits, deletions, joins, bot
# posts and the rest never get an answer
_ANSWERABLE_SUBTYPES = (None, "thread_broadcast", "file_share")


def register(app: App) -> None:
    app.event("app_mention")(on_mention)
    app.event("message")(on_message)
    app.event(re.compile(".*"))(on_other_event)  # last: only what no listener above took


def on_other_event(event: dict[str, Any]) -> None:
    EVENTS_RECEIVED.labels(kind="other").inc()


def on_mention(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    EVENTS_RECEIVED.labels(kind="app_mention").inc()
    paste = _paste(event, body, mention=True)
    if paste is not None:
        hand_off(context, "triage", answer, context.client, paste)


def on_message(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    EVENTS_RECEIVED.labels(kind="message").inc()
    if event.get("subtype") not in _ANSWERABLE_SUBTYPES:
        return
    if event.get("bot_id") or event.get("bot_profile"):
        return  # other bots (our own posts are dropped by Bolt already)
    bot_user = context.bot_user_id
    mentioned = bool(bot_user) and f"<@{bot_user}>" in str(event.get("text", ""))
    paste = _paste(event, body, mention=mentioned)
    if paste is not None:
        hand_off(context, "triage", answer, context.client, paste)


def _paste(event: dict[str, Any], body: dict[str, Any], mention: bool) -> Paste | None:
    text = event.get("text")
    channel = event.get("channel")
    ts = event.get("ts")
    if not isinstance(text, str) or not text.strip() or not channel or not ts:
        return None
    return Paste(
        team_id=str(body.get("team_id") or event.get("team") or ""),
        channel_id=str(channel),
        ts=str(ts),
        text=text,
        user_id=event.get("user"),
        thread_ts=event.get("thread_ts"),
        direct=event.get("channel_type") == "im",
        mention=mention,
        event_id=body.get("event_id"),
    )


def answer(services: Services, client: WebClient, paste: Paste) -> None:
    """Decide, then post the reply in the paste's thread (or nothing)."""
    triage = services.triage
    job = current_job()
    # claims held by this job's id: the job done again (another replica) keeps them
    decision = triage.decide(paste, locale_lookup(client), owner=job.job_id if job else None)
    event(
        log,
        "triage.decided",
        outcome=decision.outcome.value,
        topic=decision.match.topic if decision.match else None,
        channel=paste.channel_id,
        event_id=paste.event_id,
    )
    if decision.suggests:
        _suggest(services, client, paste, decision)
        return
    if not decision.posts:
        return
    blocks, text = _render(services, client, paste, decision)
    try:
        sent = client.chat_postMessage(
            channel=paste.channel_id, thread_ts=decision.thread_ts, text=text, blocks=blocks
        )
    except SLACK_FAILURES as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        event(log, "triage.post_failed", logging.ERROR, channel=paste.channel_id, error=error)
        triage.release(paste, decision)
        return
    # kept: Slack fails for now; the reply is posted later, by whichever replica is alive
    name = "triage.kept" if sent.get("kept") else "triage.posted"
    event(log, name, channel=paste.channel_id, outcome=decision.outcome.value)


def _suggest(services: Services, client: WebClient, paste: Paste, decision: Decision) -> None:
    """Offer the likely topic to the person who pasted, in the thread, visible to them only."""
    match = decision.match
    assert match is not None and match.suggestion is not None and paste.user_id is not None
    entry = services.kb[match.suggestion]
    try:
        client.chat_postEphemeral(
            channel=paste.channel_id,
            user=paste.user_id,
            thread_ts=decision.thread_ts,
            text=words(decision.lang)["is_it"].format(title=entry.title[decision.lang]),
            blocks=render.suggestion_blocks(
                entry,
                decision.lang,
                decision.thread_ts,
                match.registry,
                source=paste.ts,
                pasted=reading(match, paste.text),
            ),
        )
    except SLACK_FAILURES as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
        event(log, "triage.suggest_failed", logging.ERROR, channel=paste.channel_id, error=error)
        services.triage.release(paste, decision)
        return
    event(log, "triage.suggested", channel=paste.channel_id, topic=entry.id)


def _render(
    services: Services, client: WebClient, paste: Paste, decision: Decision
) -> tuple[list[dict[str, Any]], str]:
    kb = services.kb
    match = decision.match
    assert match is not None
    if decision.outcome is Outcome.NO_ANSWER:
        return render.no_answer_blocks(kb, match, decision.lang), render.answer_fallback(
            kb, match, decision.lang
        )
    assert match.topic is not None
    entry = kb[match.topic]
    if decision.outcome is Outcome.REPEAT:
        link = _permalink(client, paste.channel_id, decision.earlier_thread)
        return render.repeat_blocks(entry, decision.lang, link), entry.title[decision.lang]
    image = find_image(paste.text, match.registry) if match.registry else None
    blocks = render.answer_blocks(
        kb, match, decision.lang, source=paste.ts, paste=paste.text, image=image
    )
    return blocks, entry.title[decision.lang]


def _permalink(client: WebClient, channel: str, ts: str | None) -> str | None:
    if not ts:
        return None
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink")
    except SLACK_FAILURES:
        return None
    return str(link) if link else None
