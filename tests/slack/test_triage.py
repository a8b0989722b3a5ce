"""The triage service on its own: language, repeats, de-duplication, feedback, kb stats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from bot.services import Services, build_services
from bot.store import MemoryStore
from bot.store.redis import RedisStore
from bot.triage import Outcome, Paste, Triage
from tests.shared_redis import SHARED_REDIS
from tests.slack import payloads as p


def _triage(knowledge_dir: Path, **settings: object) -> Triage:
    services: Services = build_services(
        Settings(knowledge_dir=str(knowledge_dir), **settings),  # type: ignore[arg-type]
        store=MemoryStore(),
    )
    return services.triage


def _paste(text: str, channel: str = "C1", ts: str = "1.1", **extra: object) -> Paste:
    return Paste(team_id="T1", channel_id=channel, ts=ts, text=text, user_id="U1", **extra)  # type: ignore[arg-type]


def test_language_prefers_a_question_then_the_locale_then_the_default(knowledge_dir: Path) -> None:
    """Russian question → ru; English paste from a ru-RU user → ru; unknown locale → default."""
    triage = _triage(knowledge_dir, default_language="ru")
    assert triage.decide(_paste(p.RUSSIAN_QUESTION, ts="1"), lambda user: "en-US").lang == "ru"
    assert triage.decide(_paste(p.FIREWALL_PASTE, "C2", "2"), lambda user: "ru-RU").lang == "ru"
    english = _triage(knowledge_dir)
    assert english.decide(_paste(p.FIREWALL_PASTE, "C3", "3"), lambda user: "de-DE").lang == "en"
    assert english.decide(_paste(p.FIREWALL_PASTE, "C4", "4"), None).lang == "en"


def test_locale_is_asked_once_per_user(knowledge_dir: Path) -> None:
    """The user's locale is looked up once, then served from the store."""
    triage = _triage(knowledge_dir)
    asked: list[str] = []

    def lookup(user: str) -> str:
        asked.append(user)
        return "ru-RU"

    for n in range(3):
        triage.decide(_paste(p.FIREWALL_PASTE, f"C{n}", str(n)), lookup)
    assert asked == ["U1"]


def test_failed_locale_lookup_falls_back_to_the_default(knowledge_dir: Path) -> None:
    """If Slack cannot tell the locale, the default language is used and nothing breaks."""
    triage = _triage(knowledge_dir)

    def broken(user: str) -> str:
        raise ConnectionError("slack unreachable")

    assert triage.decide(_paste(p.FIREWALL_PASTE), broken).outcome is Outcome.ANSWER


def test_repeat_window_zero_always_answers_in_full(knowledge_dir: Path) -> None:
    """With ACRBOT_REPEAT_WINDOW=0 the same topic is answered in full every time."""
    triage = _triage(knowledge_dir, repeat_window_seconds=0)
    outcomes = [triage.decide(_paste(p.FIREWALL_PASTE, ts=str(n))).outcome for n in range(3)]
    assert outcomes == [Outcome.ANSWER] * 3


def test_repeat_points_to_the_first_thread(knowledge_dir: Path) -> None:
    """A second paste of the same topic in the channel points at the first paste's thread."""
    triage = _triage(knowledge_dir)
    triage.decide(_paste(p.FIREWALL_PASTE, ts="10.1"))
    again = triage.decide(_paste(p.FIREWALL_PASTE, ts="10.2"))
    assert again.outcome is Outcome.REPEAT and again.earlier_thread == "10.1"


def test_a_reply_that_could_not_be_posted_can_be_retried(knowledge_dir: Path) -> None:
    """After a failed post the claims are released, so Slack's retry gets the answer."""
    triage = _triage(knowledge_dir)
    paste = _paste(p.FIREWALL_PASTE, event_id="Ev1")
    first = triage.decide(paste)
    assert triage.decide(paste).outcome is Outcome.DUPLICATE
    triage.release(paste, first)
    assert triage.decide(paste).outcome is Outcome.ANSWER


def test_pending_interaction_is_used_once(knowledge_dir: Path) -> None:
    """A saved "Post in thread" token gives its data back once only."""
    triage = _triage(knowledge_dir)
    token = triage.save_pending({"channel": "C1", "thread_ts": "1.1"})
    assert triage.take_pending(token) == {"channel": "C1", "thread_ts": "1.1"}
    assert triage.take_pending(token) is None
    assert triage.take_pending("made-up") is None


def test_kb_stats_prints_helped_and_not_it_per_topic(
    knowledge_dir: Path,
    redis_prefix: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`acrbot kb stats` lists the feedback the buttons collected in Redis, per topic."""
    store = RedisStore(SHARED_REDIS, redis_prefix)
    services = build_services(Settings(knowledge_dir=str(knowledge_dir)), store=store)
    triage = services.triage
    assert triage.record_feedback(p.FIREWALL_TOPIC, "helped", "U1", "1.1")
    assert triage.record_feedback(p.FIREWALL_TOPIC, "helped", "U2", "1.1")
    assert not triage.record_feedback(p.FIREWALL_TOPIC, "helped", "U2", "1.1")
    assert triage.record_feedback(p.FIREWALL_TOPIC, "not_it", "U3", "1.1")
    assert not triage.record_feedback("no-such-topic", "helped", "U4", "1.1")
    monkeypatch.setenv("REDIS_URL", SHARED_REDIS)
    monkeypatch.setenv("ACRBOT_REDIS_PREFIX", redis_prefix)
    assert main(["kb", "stats"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["topic", "helped", "not", "it"]
    assert table[1].split() == [p.FIREWALL_TOPIC, "2", "1"]
    assert main(["kb", "stats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == [{"topic": p.FIREWALL_TOPIC, "helped": 2, "not_it": 1}]
