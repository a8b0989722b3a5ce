"""Buttons: feedback, runner-up topics, FAQ show/share, "Post in thread", the private suggestion,
run a bot command, confirm or keep a cancel-runs, and "Explain" on a health line.

Every listener acknowledges first and hands its work to the job pool (``hand_off``); the work
functions below take the services and answer through the interaction's response_url.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.azure.pending import PendingCancel
from bot.commands import BY_NAME, Request, parse
from bot.commands.confirmations import confirm_cancel, keep_runs
from bot.commands.runner import answer
from bot.errors import BotError
from bot.knowledge import Entry
from bot.learning import Lesson
from bot.matching import Decision, Match, detect_language
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.pasted import Pasted
from bot.render import azure_blocks, azure_text
from bot.render import blocks as render
from bot.render.blocks import notice
from bot.render.text import answer_text
from bot.render.words import localise, words
from bot.services import Services
from handlers.context import (
    SLACK_FAILURES,
    ProgressNotes,
    action_value,
    hand_off,
    interaction_ids,
    json_value,
    locale_lookup,
    post_failed,
    private,
    services_of,
    slack_caller,
    thread_of,
)

log = logging.getLogger(__name__)

Body = dict[str, Any]
Work = Callable[[Services, Body, Respond, WebClient], None]


def register(app: App) -> None:
    for action_id, work in _BUTTONS.items():
        app.action(action_id)(_listener(work))
    app.options(render.TEACH_SEARCH)(on_topic_options)


def _later(ack: Ack, context: BoltContext, work: Any, body: Body, respond: Respond) -> None:
    """Count the click, hand ``work(services, body, respond, client)`` over, acknowledge."""
    EVENTS_RECEIVED.labels(kind="action").inc()
    hand_off(context, work.__name__, work, body, respond, context.client, respond=respond, ack=ack)


def _listener(work: Work) -> Callable[[Ack, Body, Respond, BoltContext], None]:
    """The listener of one button: ``work`` handed over after the acknowledgement."""

    # Bolt passes arguments by parameter name: these four names are the ones it knows
    def listener(ack: Ack, body: Body, respond: Respond, context: BoltContext) -> None:
        _later(ack, context, work, body, respond)

    listener.__name__ = listener.__qualname__ = f"on_{work.__name__}"
    return listener


def on_topic_options(ack: Ack, body: Body, context: BoltContext) -> None:
    """The topic search after "Not it": options are answered inside the acknowledgement, so
    they are computed here (a search is a few milliseconds of local work)."""
    services = services_of(context)
    query = str(body.get("value") or "")[:200]
    lang = "ru" if detect_language(query) == "ru" else services.default_language
    options = [
        {
            "text": {
                "type": "plain_text",
                "text": render.cut(services.kb[c.topic].title[lang], 75),
            },
            "value": c.topic,
        }
        for c in services.matcher.search(query, limit=10)
        if services.kb.get(c.topic)
    ]
    ack(options=options)


# --- the work ---------------------------------------------------------------------------------
def _lang_of(services: Services, data: dict[str, Any], user: str, client: WebClient) -> str:
    lang = data.get("l")
    if lang in ("en", "ru"):
        return str(lang)
    return services.triage.command_language("", user, locale_lookup(client))


def _feedback(
    services: Services, body: Body, client: WebClient, verdict: str
) -> tuple[dict[str, Any], str, bool]:
    """Count one person's verdict on one answer; the button's data, language, counted."""
    data = json_value(body)
    user, _, _ = interaction_ids(body)
    lang = _lang_of(services, data, user, client)
    message_ts = str((body.get("message") or {}).get("ts") or thread_of(body) or "")
    counted = services.triage.record_feedback(str(data.get("t")), verdict, user, message_ts)
    return data, lang, counted


def helped(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    _, lang, counted = _feedback(services, body, client, "helped")
    text = words(lang)["thanks" if counted else "already"]
    respond(text=text, response_type="ephemeral", replace_original=False)


def not_it(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    data, lang, _ = _feedback(services, body, client, "not_it")
    alternatives = [str(t) for t in data.get("a") or [] if isinstance(t, str)]
    source = str(data.get("s") or "") or None
    blocks = render.alternatives_blocks(
        services.kb, alternatives, lang, thread_of(body), source=source
    )
    respond(
        text=words(lang)["which"],
        blocks=blocks,
        response_type="ephemeral",
        replace_original=False,
    )


def pick(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """A runner-up chosen after "Not it": posted in the thread once, whoever clicks."""
    data = json_value(body)
    _post_chosen(services, body, respond, client, data, topic=str(data.get("t")))


def teach_search(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """A topic found with the search after "Not it": posted and learned like a runner-up."""
    action = (body.get("actions") or [{}])[0]
    topic = str((action.get("selected_option") or {}).get("value") or "")
    _post_chosen(services, body, respond, client, _block_state(action), topic=topic)


def teach_silent(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """ "None of these": nothing is posted; text like this paste gets no answer from now on."""
    data = json_value(body)
    user, _, _ = interaction_ids(body)
    lang = _lang_of(services, data, user, client)
    lesson = _teach(services, body, client, data, None)
    note = words(lang)["learned_silent"] if lesson else words(lang)["gone"]
    respond(text=note, replace_original=True, response_type="ephemeral")


def _block_state(action: dict[str, Any]) -> dict[str, Any]:
    """What the "Not it" offer packed into its block id (language, thread, source)."""
    block_id = str(action.get("block_id") or "")
    if not block_id.startswith(render.TEACH_BLOCK):
        return {}
    try:
        data = json.loads(block_id[len(render.TEACH_BLOCK) :])
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _teach(
    services: Services, body: Body, client: WebClient, data: dict[str, Any], topic: str | None
) -> Lesson | None:
    """Learn from this person's choice about the paste the bot answered, if it is known."""
    user, channel, _ = interaction_ids(body)
    source = str(data.get("s") or "")
    lessons = services.triage.lessons
    text = lessons.source(channel, source) if channel and source else None
    if text is None:
        return None
    approve = services.access.is_admin(slack_caller(services, client, user, channel))
    try:
        return lessons.teach_text(text, topic, by=user, channel=channel, approve=approve)
    except ValueError:
        return None


@dataclass(frozen=True)
class _Post:
    """Where and in which language a clicked topic's answer goes."""

    entry: Entry
    lang: str
    channel: str
    thread: str | None


def _post_target(
    services: Services,
    body: Body,
    respond: Respond,
    client: WebClient,
    data: dict[str, Any],
    *,
    topic: str,
    threaded: bool = False,
) -> _Post | None:
    """The answer's destination, or None after telling the clicker it is gone (the topic no
    longer exists, no channel, or no thread where one is needed)."""
    user, channel, _ = interaction_ids(body)
    lang = _lang_of(services, data, user, client)
    entry = services.kb.get(topic)
    thread = str(data.get("th") or "") or None
    if entry is None or not channel or (threaded and not thread):
        respond(text=words(lang)["gone"], response_type="ephemeral")
        return None
    return _Post(entry, lang, channel, thread)


def _post_chosen(
    services: Services,
    body: Body,
    respond: Respond,
    client: WebClient,
    data: dict[str, Any],
    *,
    topic: str,
) -> None:
    """Post the chosen topic's answer in the thread (once, whoever clicks) and learn from it."""
    target = _post_target(services, body, respond, client, data, topic=topic)
    if target is None:
        return
    entry, lang = target.entry, target.lang
    lesson = _teach(services, body, client, data, entry.id)
    if not _post_once(
        services, respond, client, target, blocks=lambda: render.picked_blocks(entry, lang)
    ):
        return
    if lesson is None:
        respond(delete_original=True)
        return
    note = words(lang)["learned_topic"].format(title=entry.title[lang])
    if services.triage.lessons.blocked(lesson):
        note = words(lang)["learned_blocked"].format(id=lesson.id)
    elif not lesson.trusted:
        note += words(lang)["learned_pending"]
    respond(text=note, replace_original=True, response_type="ephemeral")


def _post_once(
    services: Services,
    respond: Respond,
    client: WebClient,
    target: _Post,
    *,
    blocks: Callable[[], list[dict[str, Any]]],
) -> bool:
    """Post the target's answer in its thread unless someone already did (True when posted).

    Already posted: the clicked message is deleted. Slack refused the post: the claim is given
    back (the next click may post it) and the person is told.
    """
    triage = services.triage
    channel, thread, entry = target.channel, target.thread, target.entry
    if not triage.claim_pick(channel, thread, entry.id):
        respond(delete_original=True)
        return False
    try:
        client.chat_postMessage(
            channel=channel, thread_ts=thread, text=entry.title[target.lang], blocks=blocks()
        )
    except SLACK_FAILURES as exc:
        triage.release_pick(channel, thread, entry.id)
        post_failed(respond, target.lang, exc)
        return False
    return True


def _clicked_topic(
    services: Services, body: Body, respond: Respond, client: WebClient
) -> tuple[Entry, str, str] | None:
    """The topic a Show/Share button names, or None after saying it is gone."""
    data = json_value(body)
    user, _, _ = interaction_ids(body)
    lang = _lang_of(services, data, user, client)
    entry = services.kb.get(str(data.get("t")))
    if entry is None:
        respond(text=words(lang)["gone"], response_type="ephemeral")
        return None
    return entry, lang, user


def show(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    found = _clicked_topic(services, body, respond, client)
    if found is None:
        return
    entry, lang, _ = found
    respond(
        text=entry.title[lang],
        blocks=render.shared_topic_blocks(entry, lang),
        response_type="ephemeral",
        replace_original=False,
    )


def share(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    found = _clicked_topic(services, body, respond, client)
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


def post_in_thread(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """The shortcut's "Post in thread": the answer it showed privately, posted once. The
    store kept the match without the message; the button holds what the paste named."""
    triage, kb = services.triage, services.kb
    user, _, _ = interaction_ids(body)
    token, named, image = render.posted_values(action_value(body))
    pending = triage.take_pending(token)
    if pending is None:
        lang = triage.command_language("", user, locale_lookup(client))
        respond(text=words(lang)["gone"], response_type="ephemeral")
        return
    lang = pending.get("lang", services.default_language)
    match = render.match_to_post(pending, lang)
    if match.topic is None or kb.get(match.topic) is None:
        respond(text=words(lang)["gone"], response_type="ephemeral")
        return
    pasted = Pasted(named, contains_signature=pending.get("in_paste") == "1")
    try:
        client.chat_postMessage(
            channel=pending["channel"],
            thread_ts=pending["thread_ts"],
            text=kb[match.topic].title[lang],
            blocks=render.answer_blocks(kb, match, lang, pasted=pasted, image=image),
        )
    except SLACK_FAILURES as exc:
        post_failed(respond, lang, exc)
        return
    respond(text=words(lang)["posted"], replace_original=True)


def suggest_post(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """The private "Is it …?" offer accepted: the answer goes into the thread, once."""
    data = json_value(body)
    topic = str(data.get("t"))
    target = _post_target(services, body, respond, client, data, topic=topic, threaded=True)
    if target is None:
        return
    match = Match(
        topic=target.entry.id,
        score=0.0,
        language=target.lang,
        registry=str(data.get("r") or "") or None,
        decision=Decision.ANSWER,
    )
    pasted = _named(data, match.registry)
    if not _post_once(
        services,
        respond,
        client,
        target,
        blocks=lambda: render.answer_blocks(services.kb, match, target.lang, pasted=pasted),
    ):
        return  # someone already posted it (nothing to add), or Slack refused the post
    event(log, "triage.suggestion_posted", topic=target.entry.id, channel=target.channel)
    _teach(services, body, client, data, target.entry.id)  # accepting the offer confirms it
    respond(delete_original=True)


def _named(data: dict[str, Any], registry: str | None) -> Pasted:
    """What the paste named, as the suggestion's button kept it (older buttons: the registry)."""
    kept = data.get("n")
    values = {}
    if isinstance(kept, dict):
        values = {str(k): v for k, v in kept.items() if isinstance(v, str) and v}
    if registry:
        values.setdefault("registry", registry)
    return Pasted(values)


def suggest_not_it(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    data = json_value(body)
    user, _, _ = interaction_ids(body)
    topic = str(data.get("t"))
    services.triage.record_feedback(topic, "not_it", user, f"suggestion:{data.get('th')}")
    respond(delete_original=True)


def run_command(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """A button that runs an /acr command (the triage answer's "Run check-health for …"):
    the answer is private, or goes into the thread when the button says so ("Check this
    image"), in the thread's language; refusals and errors always stay private."""
    data = json_value(body)
    user, channel, _ = interaction_ids(body)
    in_thread = render.posts_in_thread(data) and bool(channel)
    lang = str(data.get("l")) if in_thread and data.get("l") in ("en", "ru") else ""
    lang = lang or services.triage.command_language("", user, locale_lookup(client))
    answer_privately = private(respond)
    name = str(data.get("command") or "")
    try:
        invocation = parse(render.run_request(data), lang)
    except BotError as exc:
        answer_privately(text=localise(exc.user_message, lang), response_type="ephemeral")
        return
    if invocation.name != name:  # an unknown name parses as help: not a runnable button
        text = words(lang)["not_available"].format(command=name or "?")
        answer_privately(text=text, response_type="ephemeral")
        return
    event(log, "command", command=name, user=user, via="button")
    spec = BY_NAME[name]
    caller = slack_caller(services, client, user, channel)
    notes = ProgressNotes(answer_privately, services.clock)
    reply = answer(spec, Request(services, invocation, caller, lang, progress=notes))
    if in_thread and reply.ok:
        try:
            client.chat_postMessage(
                channel=channel,
                thread_ts=thread_of(body),
                text=reply.text(),
                blocks=[*reply.blocks(), render.context(f"<@{user}>")],
            )
        except SLACK_FAILURES as exc:
            post_failed(respond, lang, exc)
        return
    answer_privately(text=reply.text(), blocks=reply.blocks(), response_type="ephemeral")


class Progress:
    """Replaces the message with a running count, at most once a second, from worker threads.

    Calls happen inside the cancel workers, so all of them are over before the final result
    is posted: a late progress line can never overwrite the outcome.
    """

    def __init__(
        self, respond: Respond, registry: str, total: int, lang: str, every: float = 1.0
    ) -> None:
        self.respond = respond
        self.registry = registry
        self.total = total
        self.lang = lang
        self.every = every
        self.done = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, run_id: str, outcome: str, detail: str) -> None:
        with self.lock:
            self.done += 1
            now = time.monotonic()
            if now - self.last < self.every or self.done == self.total:
                return
            self.last = now
            text = words(self.lang)["cancel_progress"].format(
                registry=self.registry, done=self.done, total=self.total
            )
            self.respond(text=text, blocks=notice(text), replace_original=True)


def confirm(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """ "Cancel them": check the click like the command, then cancel, showing progress."""
    user, channel, _ = interaction_ids(body)
    lang = services.triage.command_language("", user, None)
    caller = slack_caller(services, client, user, channel)

    def starting(pending: PendingCancel) -> Progress:
        count = len(pending.run_ids)
        text = words(lang)["cancelling"].format(count=count, registry=pending.registry_name)
        respond(
            text=text,
            blocks=azure_blocks.cancelling_blocks(pending.registry_name, count, lang),
            replace_original=True,
        )
        return Progress(respond, pending.registry_name, count, lang)

    try:
        result = confirm_cancel(services, caller, action_value(body), starting)
    except BotError as exc:
        private(respond)(text=localise(exc.user_message, lang), response_type="ephemeral")
        return
    respond(
        text=azure_text.cancel_result_text(result, lang),
        blocks=azure_blocks.cancel_result_blocks(result, lang),
        replace_original=True,
    )


def keep(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """ "Keep them": the confirmation is discarded; nothing is cancelled."""
    user, channel, _ = interaction_ids(body)
    lang = services.triage.command_language("", user, None)
    try:
        registry = keep_runs(
            services, slack_caller(services, client, user, channel), action_value(body)
        )
    except BotError as exc:
        private(respond)(text=localise(exc.user_message, lang), response_type="ephemeral")
        return
    text = words(lang)["kept"].format(registry=registry)
    respond(text=text, blocks=notice(text), replace_original=True)


def explain(services: Services, body: Body, respond: Respond, client: WebClient) -> None:
    """ "Explain" on a health line: that line's knowledge topic, privately."""
    topic = action_value(body)
    user, _, _ = interaction_ids(body)
    lang = services.triage.command_language("", user, locale_lookup(client))
    entry = services.kb.get(topic)
    if entry is None:
        private(respond)(
            text=words(lang)["no_topic"].format(topic=topic), response_type="ephemeral"
        )
        return
    respond(
        text=answer_text(entry, lang),  # a health line's topic: no paste to fill it from
        blocks=render.topic_blocks(entry, lang),
        response_type="ephemeral",
        replace_original=False,
    )


# --- the buttons: action id (or pattern) → work -------------------------------------------------
_BUTTONS: dict[str | re.Pattern[str], Work] = {
    render.HELPED: helped,
    render.NOT_IT: not_it,
    re.compile(f"^{render.PICK_TOPIC}_\\d+$"): pick,
    render.FAQ_SHOW: show,
    render.SHARE: share,
    render.POST_IN_THREAD: post_in_thread,
    render.SUGGEST_POST: suggest_post,
    render.SUGGEST_NOT_IT: suggest_not_it,
    render.TEACH_SEARCH: teach_search,
    render.TEACH_SILENT: teach_silent,
    render.RUN_COMMAND: run_command,
    azure_blocks.CONFIRM_CANCEL: confirm,
    azure_blocks.ABORT_CANCEL: keep,
    re.compile(f"^{azure_blocks.HEALTH_TOPIC}_\\d+$"): explain,
}
