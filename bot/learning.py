"""What the team taught the bot: corrections that become examples every replica uses.

A *lesson* is a paste's normalised text (variable parts masked, secrets removed — never the
raw paste) with the topic people said is right, or ``None`` for "this should stay silent";
who taught it, when and where; how often it applied; whether an admin approved it.

Lessons live in the store (Redis: shared by every replica), one key each, plus a version
counter. Each process keeps a copy and compares the version at most once a second, so a
lesson taught on one replica applies on all of them within seconds, without a restart.

How far a lesson reaches is guarded against one person's mistake or mischief:
- at once, a lesson applies to *near-identical* text only (the same error with another
  registry, address, time or request id normalises to the same text);
- to merely similar text only once a second person taught the same, or an admin approved;
- an unapproved lesson never overrides an exact knowledge-base signature of another topic.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime

from rapidfuzz import fuzz, process

from bot.matching import Decision, Match, Matcher
from bot.observe.logging import event
from bot.observe.logging import scrub as scrub_log
from bot.store import Store

log = logging.getLogger(__name__)

KEY_PREFIX = "learned:"
META = "learned-meta"  # counters: version (bumped on every change)
USES = "learned-uses"  # counters: uses per lesson id
NEAR = 96.0  # similarity (0–100) of normalised texts that counts as the same paste
SIMILAR = 90.0  # word-set similarity a confirmed or approved lesson needs to apply
MIN_SIMILAR_TEXT = 24  # a shorter lesson is too little to recognise inside other text
CONFIRMATIONS = 2  # distinct people who taught the same lesson
POLL_SECONDS = 1.0
SOURCE_TTL = 7 * 86400.0  # how long a paste can still be taught about after the bot replied
MAX_TEXT = 4_000  # characters of normalised text kept per lesson

# Secrets people paste by accident. The log scrubber (bot.observe.logging.scrub) runs first
# (Authorization headers, URL credentials, Slack tokens, key=value secrets); these are what a
# lesson masks besides, on its lowercased, normalised text: JWTs in any case (the log
# scrubber's needs ``eyJ``), a secret-named value up to the next space, passwords after a flag,
# long keys. Every pattern is linear in the paste: a JWT starts only where a run of its
# characters starts, and long keys are whole runs (possessive, so a run is read once) judged
# by ``_key_like``.
LESSON_MASK = "<secret>"
_SECRETS = (
    re.compile(r"(?<![\w-])ey[a-z0-9_-]{10,}+\.[a-z0-9_-]{10,}+\.[a-z0-9_-]{10,}+", re.IGNORECASE),
    re.compile(r"((?:password|passwd|pwd|secret|token|key)[\"']?\s*[:=]\s*)\S+", re.IGNORECASE),
    re.compile(r"((?:^|\s)(?:-p|--password)\s+)\S+"),
)
_KEY_RUN = re.compile(r"[a-z0-9+/=_-]{24,}+", re.IGNORECASE)
_RUN_EDGES = "+/=-"  # a key is the run between its first and last word character


def _key_like(found: re.Match[str]) -> str:
    """A long run of key characters with a letter and a digit is a key; its leading and
    trailing ``+/=-`` (base64 padding, a flag's dashes) stay as they were."""
    run = found.group(0)
    key = run.strip(_RUN_EDGES)
    if len(key) < 24 or not any(c.isdigit() for c in key) or not any(c.isalpha() for c in key):
        return run
    start = run.index(key)
    return f"{run[:start]}{LESSON_MASK}{run[start + len(key) :]}"


@dataclass(frozen=True)
class Lesson:
    id: str
    topic: str | None  # None: this text should get no answer
    text: str
    by: str
    at: str
    channel: str | None = None
    approved: bool = False
    confirmed_by: tuple[str, ...] = ()  # everyone who taught it, the first included
    uses: int = 0

    @property
    def trusted(self) -> bool:
        return self.approved or len(set(self.confirmed_by)) >= CONFIRMATIONS

    def to_json(self) -> dict[str, object]:
        """The `acrbot kb learned --json` row (a contract: keep the keys)."""
        return {
            "id": self.id,
            "topic": self.topic,
            "text": self.text,
            "by": self.by,
            "at": self.at,
            "uses": self.uses,
            "approved": self.approved,
        }


def scrub(text: str) -> str:
    """The text with anything that looks like a credential replaced."""
    text = scrub_log(text, mask=LESSON_MASK)
    for pattern in _SECRETS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + LESSON_MASK, text)
    return _KEY_RUN.sub(_key_like, text)


def lesson_text(matcher: Matcher, paste: str) -> str:
    """What a lesson keeps of a paste: its normalised, scrubbed lines, in order."""
    return scrub("\n".join(matcher.segments(paste)))[:MAX_TEXT]


def _best(
    text: str, lessons: list[Lesson], scorer: Callable[..., float], cutoff: float
) -> Lesson | None:
    if not lessons:
        return None
    found = process.extractOne(
        text, [lesson.text for lesson in lessons], scorer=scorer, score_cutoff=cutoff
    )
    return None if found is None else lessons[found[2]]


def lesson_id(topic: str | None, text: str) -> str:
    return hashlib.sha256(f"{topic or ''}\n{text}".encode()).hexdigest()[:12]


@dataclass
class _Copy:
    version: int = -1
    checked: float = 0.0
    lessons: list[Lesson] = field(default_factory=list)


class Lessons:
    """The lessons of one deployment (its store and key prefix)."""

    def __init__(
        self, store: Store, matcher: Matcher, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store = store
        self.matcher = matcher
        self.clock = clock
        self._copy = _Copy()
        self._lock = threading.Lock()
        if store.kind == "memory":
            event(
                log,
                "learning.memory",
                logging.WARNING,
                detail="taught examples live in this process only and are lost when it stops "
                "(set REDIS_URL to keep them and share them between replicas)",
            )

    # -- teaching -------------------------------------------------------------------------

    def remember(self, channel: str, ts: str, paste: str) -> None:
        """Keep what a later correction of the bot's reply to this paste would learn from: the
        masked text only, for a week."""
        text = lesson_text(self.matcher, paste)
        if text:
            self.store.set(f"lesson-source:{channel}:{ts}", text, ttl=SOURCE_TTL)

    def source(self, channel: str, ts: str) -> str | None:
        return self.store.get(f"lesson-source:{channel}:{ts}")

    def teach(
        self,
        paste: str,
        topic: str | None,
        by: str,
        channel: str | None = None,
        approve: bool = False,
    ) -> Lesson:
        """Store what this person said about this paste; the same lesson again confirms it."""
        return self.teach_text(lesson_text(self.matcher, paste), topic, by, channel, approve)

    def teach_text(
        self,
        text: str,
        topic: str | None,
        by: str,
        channel: str | None = None,
        approve: bool = False,
    ) -> Lesson:
        """Like ``teach``, for a text already reduced to what a lesson keeps."""
        if topic is not None and self.matcher.kb.get(topic) is None:
            raise ValueError(f"unknown topic {topic!r}")
        if not text:
            raise ValueError("nothing to learn from: the text has no words the bot reads")
        ident = lesson_id(topic, text)
        known = self.get(ident)
        if known is None:
            lesson = Lesson(
                id=ident,
                topic=topic,
                text=text,
                by=by,
                at=datetime.now(UTC).isoformat(timespec="seconds"),
                channel=channel,
                approved=approve,
                confirmed_by=(by,),
            )
        else:
            people = known.confirmed_by if by in known.confirmed_by else (*known.confirmed_by, by)
            lesson = replace(known, approved=known.approved or approve, confirmed_by=people)
        self._save(lesson)
        event(log, "learning.taught", id=ident, topic=topic, approved=lesson.approved)
        return lesson

    def blocked(self, lesson: Lesson) -> bool:
        """True when the knowledge base's own error text points elsewhere for this lesson's
        text, so it changes nothing until an admin approves it."""
        if lesson.approved:
            return False
        match = self.matcher.match(lesson.text)
        return bool(match.exact and match.best is not None and match.best.topic != lesson.topic)

    def approve(self, ident: str) -> Lesson | None:
        lesson = self.get(ident)
        if lesson is None:
            return None
        lesson = replace(lesson, approved=True)
        self._save(lesson)
        return lesson

    def forget(self, ident: str) -> bool:
        removed = self.store.delete(KEY_PREFIX + ident)
        if removed:
            self._changed()
        return removed

    def all(self) -> list[Lesson]:
        """Every lesson, newest first, with its use count."""
        uses = self.store.counters(USES)
        lessons = []
        for key in self.store.keys(KEY_PREFIX + "*"):
            lesson = self._read(key)
            if lesson is not None:
                lessons.append(replace(lesson, uses=uses.get(lesson.id, 0)))
        return sorted(lessons, key=lambda lesson: (lesson.at, lesson.id), reverse=True)

    def get(self, ident: str) -> Lesson | None:
        return self._read(KEY_PREFIX + ident)

    # -- matching -------------------------------------------------------------------------

    def apply(self, paste: str, match: Match) -> Match:
        """The match, changed by the lesson that applies to this paste, if any."""
        lessons = self._current()
        if not lessons:
            return match
        text = lesson_text(self.matcher, paste)
        if not text:
            return match
        lesson = self._closest(text, lessons, match)
        if lesson is None:
            return match
        self.store.incr(USES, lesson.id)
        if lesson.topic is None:
            return replace(
                match, topic=None, decision=Decision.SILENT, suggestion=None, taught=lesson.id
            )
        before = [match.best] if match.best and match.best.topic != lesson.topic else []
        others = [c for c in [*before, *match.alternatives] if c.topic != lesson.topic]
        return replace(
            match,
            topic=lesson.topic,
            alternatives=tuple(others[:3]),
            decision=Decision.ANSWER,
            suggestion=None,
            score=max(match.score, 100.0 * self.matcher.config.model.answer),
            taught=lesson.id,
            matched_on=None,
        )

    def _closest(self, text: str, lessons: list[Lesson], match: Match) -> Lesson | None:
        """The lesson for this text: a near-identical one of any standing, else a similar
        one that a second person confirmed or an admin approved."""
        lesson = _best(text, lessons, fuzz.ratio, NEAR)
        if lesson is None:
            trusted = [x for x in lessons if x.trusted and len(x.text) >= MIN_SIMILAR_TEXT]
            lesson = _best(text, trusted, fuzz.token_set_ratio, SIMILAR)
        if lesson is None:
            return None
        overrides_signature = (
            match.exact and match.best is not None and match.best.topic != lesson.topic
        )
        if overrides_signature and not lesson.approved:
            return None  # the knowledge base's own error text wins without an approval
        return lesson

    # -- store ----------------------------------------------------------------------------

    def _current(self) -> list[Lesson]:
        """This process's copy, refreshed when another replica changed the lessons."""
        now = self.clock()
        copy = self._copy
        if now - copy.checked < POLL_SECONDS:
            return copy.lessons
        with self._lock:
            version = self.store.counters(META).get("version", 0)
            if version != copy.version:
                self._copy = _Copy(version, now, [lsn for lsn in self.all() if lsn.text])
            else:
                copy.checked = now
            return self._copy.lessons

    def _save(self, lesson: Lesson) -> None:
        data = asdict(lesson)
        data.pop("uses")
        self.store.set(KEY_PREFIX + lesson.id, json.dumps(data, ensure_ascii=False))
        self._changed()

    def _changed(self) -> None:
        self.store.incr(META, "version")
        self._copy = _Copy()  # this process sees its own change at once

    def _read(self, key: str) -> Lesson | None:
        raw = self.store.get(key)
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            data["confirmed_by"] = tuple(data.get("confirmed_by") or ())
            return Lesson(**data)
        except (json.JSONDecodeError, TypeError):
            event(log, "learning.unreadable", logging.WARNING, key=key)
            return None
