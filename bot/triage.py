"""What the bot does with a message: answer, stay silent, point to an earlier answer, or drop it.

This is the service behind the Slack message, mention and shortcut handlers. It knows nothing
about Slack: handlers give it a :class:`Paste` and a way to look up a user's locale, and get
a :class:`Decision` back to render.

De-duplication happens in two steps, both in the shared store so several replicas agree:
1. the event id is claimed (a Slack retry of the same event is dropped);
2. the message itself, ``(team, channel, ts)``, is claimed only when the bot is about to post,
   so the ``message`` and ``app_mention`` events of one paste produce a single reply, while a
   silent ``message`` event does not stop the mention from being answered.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.learning import Lessons
from bot.matching import Match, Matcher, detect_language
from bot.observe.logging import event
from bot.observe.metrics import FEEDBACK, TRIAGE_OUTCOME
from bot.store import Store

log = logging.getLogger(__name__)

EVENT_TTL = 900.0  # Slack retries an event for about 6 minutes
MESSAGE_TTL = 900.0
LOCALE_TTL = 86400.0
LOCAL_LOCALE_TTL = 600.0  # the in-process copy; the store keeps the shared one for a day
LOCAL_LOCALES = 10000
VOTE_TTL = 30 * 86400.0
PENDING_TTL = 3600.0
PICK_TTL = 3600.0  # a runner-up posted from "Not it" is posted once, whoever clicks
VERDICTS = ("helped", "not_it")

LocaleLookup = Callable[[str], "str | None"]


def _short(locale: str) -> str | None:
    """'ru-RU' → 'ru'; a language the knowledge base does not have → None."""
    short = locale.split("-", maxsplit=1)[0].lower()
    return short if short in ("en", "ru") else None


class Outcome(StrEnum):
    ANSWER = "answer"  # a confident match: the full answer in the thread
    REPEAT = "repeat"  # the same topic was answered in this channel recently: link to it
    SUGGEST = "suggest"  # a likely topic, offered privately to the person who pasted
    NO_ANSWER = "no_answer"  # asked directly (DM or mention) but nothing matched confidently
    SILENT = "silent"  # nothing confident in a channel: say nothing
    DUPLICATE = "duplicate"  # a retry, a second replica, or the other event of the same paste


@dataclass(frozen=True)
class Paste:
    """A message that reached the bot, with only the facts triage needs."""

    team_id: str
    channel_id: str
    ts: str
    text: str
    user_id: str | None = None
    thread_ts: str | None = None
    direct: bool = False  # a direct message to the bot
    mention: bool = False  # the bot was mentioned
    event_id: str | None = None

    @property
    def reply_thread(self) -> str:
        return self.thread_ts or self.ts


@dataclass(frozen=True)
class Decision:
    outcome: Outcome
    lang: str
    thread_ts: str
    match: Match | None = None
    earlier_thread: str | None = None  # for REPEAT: the thread holding the earlier answer

    @property
    def posts(self) -> bool:
        return self.outcome in (Outcome.ANSWER, Outcome.REPEAT, Outcome.NO_ANSWER)

    @property
    def suggests(self) -> bool:
        return self.outcome is Outcome.SUGGEST


@dataclass(frozen=True)
class TopicFeedback:
    topic: str
    helped: int
    not_it: int


def feedback_counts(store: Store) -> list[TopicFeedback]:
    """Helped / not-it counts per topic from the store, most voted first."""
    rows = []
    for key in store.keys("feedback:*"):
        counts = store.counters(key)
        topic = key.split(":", 1)[1]
        rows.append(TopicFeedback(topic, counts.get("helped", 0), counts.get("not_it", 0)))
    return sorted(rows, key=lambda r: (-(r.helped + r.not_it), r.topic))


class Triage:
    """Built once per process (``Services.triage``), so its locale cache is shared."""

    def __init__(
        self, settings: Settings, kb: KnowledgeBase, matcher: Matcher, store: Store
    ) -> None:
        self.settings = settings
        self.kb = kb
        self.store = store
        self.matcher = matcher
        self.lessons = Lessons(store, matcher)  # what the team taught, shared by every replica
        self.default_language = settings.default_language
        # locales seen recently by this process: saves a store round trip on hot paths
        self._locales: dict[str, tuple[str, float]] = {}
        self._learning: set[str] = set()  # users whose background lookup is under way
        self._learning_lock = threading.Lock()

    # -- language -------------------------------------------------------------------------

    def language(
        self, text: str, question: bool, user_id: str | None, locale_of: LocaleLookup | None
    ) -> str:
        """The text's language for a question; else the user's Slack locale; else the default."""
        if question:
            return detect_language(text, self.default_language)
        from_locale = self.user_language(user_id, locale_of)
        return from_locale or self.default_language

    def command_language(
        self, text: str, user_id: str | None, locale_of: LocaleLookup | None
    ) -> str:
        """For /acr: Russian words mean Russian; otherwise the locale, then the default."""
        if text and detect_language(text, "en") == "ru":
            return "ru"
        return self.user_language(user_id, locale_of) or self.default_language

    def learn_locale_later(
        self, user_id: str | None, locale_of: LocaleLookup, submit: Callable[..., bool]
    ) -> None:
        """Look the user's locale up in the background, so their next answer can use it.

        ``submit(name, work, *args)`` runs the lookup elsewhere (``Jobs.submit``). One lookup
        per user at a time, and none while this process holds a fresh copy: fifty quick
        commands from one person must not become fifty users.info calls.
        """
        if not user_id:
            return
        known = self._locales.get(user_id)
        if known is not None and known[1] > time.monotonic():
            return
        with self._learning_lock:
            if user_id in self._learning:
                return
            self._learning.add(user_id)
        if not submit("locale", self._learn_locale, user_id, locale_of):
            with self._learning_lock:  # the pool is full: try again with the next command
                self._learning.discard(user_id)

    def _learn_locale(self, user_id: str, locale_of: LocaleLookup) -> None:
        try:
            self.user_language(user_id, locale_of)
        finally:
            with self._learning_lock:
                self._learning.discard(user_id)

    def user_language(self, user_id: str | None, locale_of: LocaleLookup | None) -> str | None:
        """'ru' or 'en' from the user's cached Slack locale; None when unknown or another one."""
        if not user_id:
            return None
        now = time.monotonic()
        known = self._locales.get(user_id)
        if known is not None and known[1] > now:
            return _short(known[0])
        key = f"locale:{user_id}"
        locale = self.store.get(key)
        if locale is None and locale_of is not None:
            try:
                found = locale_of(user_id)
            except Exception as exc:  # the lookup is Slack's users.info; any failure = unknown
                event(log, "triage.locale_failed", logging.WARNING, error=type(exc).__name__)
                return None
            locale = found or ""
            self.store.set(key, locale, ttl=LOCALE_TTL)
        if locale is None:
            return None
        if len(self._locales) > LOCAL_LOCALES:
            self._locales.clear()
        self._locales[user_id] = (locale, now + LOCAL_LOCALE_TTL)
        return _short(locale)

    # -- messages -------------------------------------------------------------------------

    def claim_event(self, event_id: str | None, owner: str | None = None) -> bool:
        """True for the first delivery of an event across every replica; False for repeats
        (a job done again by ``owner``, the job's id, is no repeat)."""
        if not event_id:
            return True
        return self.store.claim(self._event_key(event_id), EVENT_TTL, owner)

    def decide(
        self, paste: Paste, locale_of: LocaleLookup | None = None, owner: str | None = None
    ) -> Decision:
        """The whole decision for one paste; claims in the store make it happen once.

        ``owner`` (the job's id) holds the claims, so the same job done again by another
        replica decides the same way instead of taking its own paste for a duplicate.
        """
        thread = paste.reply_thread
        if not self.claim_event(paste.event_id, owner):
            return Decision(Outcome.DUPLICATE, self.default_language, thread)
        match = self.lessons.apply(paste.text, self.matcher.match(paste.text))
        asked = paste.direct or paste.mention
        # a likely topic is offered to the person who pasted only; nobody else is bothered
        suggest = match.suggestion is not None and paste.user_id is not None and not asked
        if match.topic is None and not asked and not suggest:
            TRIAGE_OUTCOME.labels(topic="none").inc()
            return Decision(Outcome.SILENT, self.default_language, thread, match)
        if not self.store.claim(self._message_key(paste), MESSAGE_TTL, owner):
            return Decision(Outcome.DUPLICATE, self.default_language, thread, match)
        lang = self.language(paste.text, match.question, paste.user_id, locale_of)
        if suggest:
            TRIAGE_OUTCOME.labels(topic="suggested").inc()
            self.lessons.remember(paste.channel_id, paste.ts, paste.text)
            return Decision(Outcome.SUGGEST, lang, thread, match)
        TRIAGE_OUTCOME.labels(topic=match.topic or "none").inc()
        if match.topic is None:
            return Decision(Outcome.NO_ANSWER, lang, thread, match)
        window = self.settings.repeat_window_seconds
        if window > 0:
            key = self._repeat_key(paste, match.topic)
            earlier = self.store.get(key)
            if earlier and earlier != thread:
                return Decision(Outcome.REPEAT, lang, thread, match, earlier_thread=earlier)
            self.store.set(key, thread, ttl=window)
        self.lessons.remember(paste.channel_id, paste.ts, paste.text)
        return Decision(Outcome.ANSWER, lang, thread, match)

    def release(self, paste: Paste, decision: Decision) -> None:
        """Undo the claims of a paste whose reply could not be posted, so a retry may answer."""
        if paste.event_id:
            self.store.delete(self._event_key(paste.event_id))
        self.store.delete(self._message_key(paste))
        if decision.outcome is Outcome.ANSWER and decision.match and decision.match.topic:
            key = self._repeat_key(paste, decision.match.topic)
            if self.store.get(key) == decision.thread_ts:
                self.store.delete(key)

    def claim_pick(self, channel: str, thread: str | None, topic: str) -> bool:
        """True for the first "Not it" pick of ``topic`` in this thread, across replicas."""
        return self.store.claim(f"picked:{channel}:{thread}:{topic}", PICK_TTL)

    def release_pick(self, channel: str, thread: str | None, topic: str) -> None:
        """Undo a pick whose post failed, so the next click can post it."""
        self.store.delete(f"picked:{channel}:{thread}:{topic}")

    @staticmethod
    def _event_key(event_id: str) -> str:
        return f"event:{event_id}"

    @staticmethod
    def _message_key(paste: Paste) -> str:
        return f"message:{paste.team_id}:{paste.channel_id}:{paste.ts}"

    @staticmethod
    def _repeat_key(paste: Paste, topic: str) -> str:
        return f"repeat:{paste.channel_id}:{topic}"

    def on_demand(self, text: str) -> Match:
        """Triage for the message shortcut: a lower bar than the silent channel triage."""
        match = self.rematch(text)
        TRIAGE_OUTCOME.labels(topic=match.topic or "none").inc()
        return match

    def rematch(self, text: str) -> Match:
        """The shortcut's match again (for "Post in thread"), without counting it twice."""
        # asked for on purpose: what would only be suggested in a channel is answered here
        match = self.matcher.match(text, on_demand=True)
        return self.lessons.apply(text, match)

    # -- feedback -------------------------------------------------------------------------

    def record_feedback(self, topic: str, verdict: str, user_id: str, message_ts: str) -> bool:
        """Count one verdict per person per answer; False when this person already voted."""
        if verdict not in VERDICTS or self.kb.get(topic) is None:
            return False
        if not self.store.claim(f"vote:{message_ts}:{user_id}", VOTE_TTL):
            return False
        self.store.incr(f"feedback:{topic}", verdict)
        FEEDBACK.labels(topic=topic, verdict=verdict).inc()
        event(log, "feedback", topic=topic, verdict=verdict)
        return True

    # -- pending interactions ----------------------------------------------------------------

    def save_pending(self, data: dict[str, str], ttl: float = PENDING_TTL) -> str:
        """Keep what a later click needs; the returned token goes into the button value."""
        token = secrets.token_urlsafe(12)
        self.store.set(f"pending:{token}", json.dumps(data), ttl=ttl)
        return token

    def take_pending(self, token: str) -> dict[str, str] | None:
        """The saved data, once: a second click (on any replica) gets None."""
        raw = self.store.take(f"pending:{token}")
        if raw is None:
            return None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            return None
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None
