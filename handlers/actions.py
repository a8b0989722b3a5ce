"""Buttons: feedback, runner-up topics, FAQ show/share, "Post in thread", run a bot command."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.commands import parse
from bot.errors import BotError
from bot.knowledge import Entry
from bot.matching import Decision, Match
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render import blocks as render
from bot.services import Services
from bot.triage import Triage
from handlers import commands
from handlers.context import SLACK_FAILURES, CommandContext, action_value, interaction_ids
from handlers.messages import locale_lookup

log = logging.getLogger(__name__)


def _json_value(body: dict[str, Any]) -> dict[str, Any]:
    try:
        data = json.loads(action_value(body))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _thread_of(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return container.get("thread_ts") or message.get("thread_ts") or message.get("ts")


def register(app: App, services: Services) -> None:
    triage = services.triage
    _register_feedback(app, triage)
    _register_topics(app, triage)
    _register_post(app, triage)
    _register_suggestion(app, triage)
    _register_run(app, triage)


def _lang_of(triage: Triage, data: dict[str, Any], user: str, client: WebClient) -> str:
    lang = data.get("l")
    if lang in ("en", "ru"):
        return str(lang)
    return triage.command_language("", user, locale_lookup(client))


def _register_feedback(app: App, triage: Triage) -> None:
    kb = triage.services.kb

    def feedback(
        body: dict[str, Any], client: WebClient, verdict: str
    ) -> tuple[dict[str, Any], str, bool]:
        """Count one person's verdict on one answer; the button's data, language, counted."""
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, _, _ = interaction_ids(body)
        lang = _lang_of(triage, data, user, client)
        message_ts = str((body.get("message") or {}).get("ts") or _thread_of(body) or "")
        counted = triage.record_feedback(str(data.get("t")), verdict, user, message_ts)
        return data, lang, counted

    @app.action(render.HELPED)
    def on_helped(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        _, lang, counted = feedback(body, client, "helped")
        text = render.words(lang)["thanks" if counted else "already"]
        respond(text=text, response_type="ephemeral", replace_original=False)

    @app.action(render.NOT_IT)
    def on_not_it(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        data, lang, _ = feedback(body, client, "not_it")
        alternatives = [str(t) for t in data.get("a") or [] if isinstance(t, str)]
        blocks = render.alternatives_blocks(kb, alternatives, lang, _thread_of(body))
        respond(
            text=render.words(lang)["which"],
            blocks=blocks,
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action(re.compile(f"^{render.PICK_TOPIC}_\\d+$"))
    def on_pick(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, channel, _ = interaction_ids(body)
        entry = kb.get(str(data.get("t")))
        lang = _lang_of(triage, data, user, client)
        thread = str(data.get("th") or "") or None
        if entry is None or not channel:
            respond(text=render.words(lang)["gone"], response_type="ephemeral")
            return
        if not triage.claim_pick(channel, thread, entry.id):
            respond(delete_original=True)
            return
        try:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread,
                text=entry.title[lang],
                blocks=render.picked_blocks(entry, lang),
            )
        except SLACK_FAILURES as exc:
            _post_failed(respond, lang, exc)
            return
        respond(delete_original=True)


def _register_topics(app: App, triage: Triage) -> None:
    kb = triage.services.kb

    def clicked_topic(
        body: dict[str, Any], respond: Respond, client: WebClient
    ) -> tuple[Entry, str, str] | None:
        """The topic a Show/Share button names, or None after saying it is gone."""
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, _, _ = interaction_ids(body)
        lang = _lang_of(triage, data, user, client)
        entry = kb.get(str(data.get("t")))
        if entry is None:
            respond(text=render.words(lang)["gone"], response_type="ephemeral")
            return None
        return entry, lang, user

    @app.action(render.FAQ_SHOW)
    def on_show(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        found = clicked_topic(body, respond, client)
        if found is None:
            return
        entry, lang, _ = found
        respond(
            text=entry.title[lang],
            blocks=render.shared_topic_blocks(entry, lang),
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action(render.SHARE)
    def on_share(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        found = clicked_topic(body, respond, client)
        if found is None:
            return
        entry, lang, user = found
        blocks = [*render.topic_blocks(entry, lang), render.context(f"<@{user}>")]
        respond(
            text=entry.title[lang],
            blocks=blocks,
            response_type="in_channel",
            replace_original=False,
        )


def _register_post(app: App, triage: Triage) -> None:
    kb = triage.services.kb
    services = triage.services

    @app.action(render.POST_IN_THREAD)
    def on_post(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        user, _, _ = interaction_ids(body)
        pending = triage.take_pending(action_value(body))
        if pending is None:
            lang = triage.command_language("", user, locale_lookup(client))
            respond(text=render.words(lang)["gone"], response_type="ephemeral")
            return
        lang = pending.get("lang", services.default_language)
        match = triage.rematch(pending.get("text", ""))
        if match.topic is None:
            respond(text=render.words(lang)["gone"], response_type="ephemeral")
            return
        try:
            client.chat_postMessage(
                channel=pending["channel"],
                thread_ts=pending["thread_ts"],
                text=kb[match.topic].title[lang],
                blocks=render.answer_blocks(kb, match, lang),
            )
        except SLACK_FAILURES as exc:
            _post_failed(respond, lang, exc)
            return
        respond(text=render.words(lang)["posted"], replace_original=True)


def _register_suggestion(app: App, triage: Triage) -> None:
    kb = triage.services.kb

    @app.action(render.SUGGEST_POST)
    def on_suggest_post(
        ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, channel, _ = interaction_ids(body)
        lang = _lang_of(triage, data, user, client)
        entry = kb.get(str(data.get("t")))
        thread = str(data.get("th") or "") or None
        if entry is None or not channel or not thread:
            respond(text=render.words(lang)["gone"], response_type="ephemeral")
            return
        if not triage.claim_pick(channel, thread, entry.id):
            respond(delete_original=True)  # someone already posted it: nothing to add
            return
        match = Match(
            topic=entry.id,
            score=0.0,
            language=lang,
            registry=str(data.get("r") or "") or None,
            decision=Decision.ANSWER,
        )
        try:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread,
                text=entry.title[lang],
                blocks=render.answer_blocks(kb, match, lang),
            )
        except SLACK_FAILURES as exc:
            triage.release_pick(channel, thread, entry.id)
            _post_failed(respond, lang, exc)
            return
        event(log, "triage.suggestion_posted", topic=entry.id, channel=channel)
        respond(delete_original=True)

    @app.action(render.SUGGEST_NOT_IT)
    def on_suggest_not_it(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, _, _ = interaction_ids(body)
        topic = str(data.get("t"))
        triage.record_feedback(topic, "not_it", user, f"suggestion:{data.get('th')}")
        respond(delete_original=True)


def _register_run(app: App, triage: Triage) -> None:
    services = triage.services

    @app.action(render.RUN_COMMAND)
    def on_run(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        data = _json_value(body)
        user, channel, team = interaction_ids(body)
        lang = triage.command_language("", user, locale_lookup(client))
        name = str(data.get("command") or "")
        registry = str(data.get("registry") or "")
        try:
            parsed = parse(f"{name} {registry}")
        except BotError as exc:
            respond(text=exc.user_message, response_type="ephemeral", replace_original=False)
            return
        if parsed.name != name:  # an unknown name parses as help: not a runnable button
            respond(
                text=render.words(lang)["not_available"].format(command=name or "?"),
                response_type="ephemeral",
                replace_original=False,
            )
            return
        event(log, "command", command=parsed.name, user=user, via="button")
        commands.run(
            CommandContext(
                services=services,
                command=parsed,
                user_id=user,
                channel_id=channel,
                team_id=team,
                lang=lang,
                respond=_private(respond),
                client=client,
                trigger_id=body.get("trigger_id"),
                response_url=body.get("response_url"),
            )
        )


def _private(respond: Respond) -> Any:
    """A respond that never replaces the triage answer the button sits on."""

    def send(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("replace_original", False)
        return respond(*args, **kwargs)

    return send


def _post_failed(respond: Respond, lang: str, exc: Exception) -> None:
    error = exc.response.get("error") if isinstance(exc, SlackApiError) else "unreachable"
    event(log, "post_failed", logging.WARNING, error=error)
    key = "not_in_channel" if error in ("not_in_channel", "channel_not_found") else "internal"
    respond(
        text=render.words(lang)[key].format(ref=error),
        response_type="ephemeral",
        replace_original=False,
    )
