"""Acknowledged work is never lost, and never done twice.

The bot's app runs in this process (``tests/fakes/local_bot.py``) on the real Redis (or the
in-process store), against the fake Slack Web API, which can be down for a while. Time is a
clock the test moves on; ``sweep`` is what the bot's background thread does every second.
Counts are of what Slack accepted (answered 200): what people would see.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from bot.jobs import QUEUE, job_payload
from bot.store import MemoryStore, Store
from bot.store.redis import RedisStore
from handlers.replies import REQUEST
from tests.fakes.clock import FakeClock
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix
from tests.slack import payloads as p

PASTES = 40


def _bot(
    slack: FakeSlackAPI,
    knowledge: Path,
    store: Store,
    prefix: str,
    clock: FakeClock | None = None,
    **extra: str,
) -> LocalBot:
    env = {"ACRBOT_REDIS_PREFIX": prefix, "ACRBOT_REPEAT_WINDOW": "0", **extra}
    return local_bot(slack, store=store, knowledge_dir=knowledge, extra=env, clock=clock)


@pytest.fixture(params=["redis", "memory"])
def bot(request: pytest.FixtureRequest, knowledge_dir: Path) -> Iterator[LocalBot]:
    """The app on Redis, or alone with the in-process store (the same promise, one process)."""
    prefix = new_prefix("test-resilience")
    store: Store = RedisStore(SHARED_REDIS, prefix) if request.param == "redis" else MemoryStore()
    with FakeSlackAPI() as slack:
        local = _bot(slack, knowledge_dir, store, prefix)
        yield local
        local.close()
    delete_prefix(prefix)


def run_for(bot: LocalBot, seconds: int, *, at: dict[int, object] | None = None) -> None:
    """Let ``seconds`` pass on the bot's clock, a second at a time, doing what its background
    thread does each second; ``at[t]()`` runs at second ``t`` (Slack coming back, …)."""
    for second in range(1, seconds + 1):
        bot.clock.advance(1)
        action = (at or {}).get(second)
        if callable(action):
            action()
        while bot.services.jobs.sweep():
            bot.idle()
        bot.idle()


def send_pastes(bot: LocalBot, count: int) -> list[tuple[str, dict[str, object]]]:
    sent = []
    for _ in range(count):
        channel = p.new_channel()
        body = p.message_event(p.FIREWALL_PASTE, channel=channel)
        assert bot.event(body) == 200
        sent.append((channel, body))
    bot.idle()
    return sent


def answered_once(bot: LocalBot, channels: list[str]) -> dict[str, int]:
    """How many answers Slack accepted per channel, for the channels that did not get one."""
    counts = {c: len(bot.slack.accepted("chat.postMessage", channel=c)) for c in channels}
    return {c: n for c, n in counts.items() if n != 1}


@pytest.mark.parametrize(
    ("failure", "seconds"),
    [
        ({"status": 500, "error": "internal_error"}, 10),
        ({"status": 429, "error": "ratelimited", "retry_after": 8}, 8),
        ({"status": 0}, 5),
    ],
    ids=["500s for 10 s", "429 Retry-After 8 s", "connections dropped for 5 s"],
)
def test_slack_failing_for_a_while_loses_no_paste_and_answers_each_once(
    bot: LocalBot, failure: dict[str, object], seconds: int
) -> None:
    """40 pastes while Slack fails (no redelivery from Slack: each was acknowledged): once
    Slack is back, all 40 are answered, each exactly once, and Slack's retries of the same
    events change nothing."""
    slack = bot.slack
    slack.go_down("chat.postMessage", **failure)  # type: ignore[arg-type]
    sent = send_pastes(bot, PASTES)
    channels = [c for c, _ in sent]
    assert slack.accepted("chat.postMessage") == []
    assert len(bot.events("reply.kept")) == PASTES
    run_for(bot, seconds - 1)
    assert slack.accepted("chat.postMessage") == []
    if failure["status"] == 429:
        # nothing is tried again before Slack's Retry-After
        assert len(slack.find("chat.postMessage")) == PASTES
    run_for(bot, 90, at={1: lambda: slack.come_back("chat.postMessage")})
    assert answered_once(bot, channels) == {}
    for _, body in sent:  # Slack's own retries arrive late: dropped
        assert bot.event(body, retry=1) == 200
    run_for(bot, 5)
    assert answered_once(bot, channels) == {}
    assert len(slack.accepted("chat.postMessage")) == PASTES
    assert bot.services.store.queue_length(QUEUE) == 0


def test_a_reply_is_tried_for_the_whole_window_then_given_up_loudly(bot: LocalBot) -> None:
    """Slack down for good: the reply is tried again for ACRBOT_REPLY_RETRY_SECONDS (30 min
    by default, at least 15), spaced out, then abandoned with an error line."""
    bot.slack.go_down("chat.postMessage", status=503, error="service_unavailable")
    ((channel, _),) = send_pastes(bot, 1)
    run_for(bot, 15 * 60)
    tries = bot.slack.find("chat.postMessage", channel=channel)
    assert 10 <= len(tries) <= 40  # backing off: not once a second
    assert not bot.events("job.abandoned")
    run_for(bot, 16 * 60)
    (abandoned,) = bot.events("job.abandoned")
    assert abandoned["kept"] == 1 and abandoned["seconds"] >= 1800
    assert bot.services.store.queue_length(QUEUE) == 0


def test_an_answer_to_a_click_is_kept_when_the_response_url_fails(bot: LocalBot) -> None:
    """A button's answer goes through its response_url; Slack failing there keeps it too."""
    hook = bot.slack.hook_url()
    click = p.helped_click(hook)
    bot.slack.go_down("hook", status=502)
    assert bot.click(click) == 200
    bot.idle()
    run_for(bot, 3, at={2: lambda: bot.slack.come_back("hook")})
    run_for(bot, 10)
    (answer,) = bot.slack.accepted("hook", hook=bot.slack.hook_path(hook))
    assert "Thanks" in answer.params["text"]


def test_work_of_a_replica_that_died_is_done_by_another_once(knowledge_dir: Path) -> None:
    """Replica A acknowledged two pastes and a command and died: a paste and the command before
    it did anything, a paste after its answer was posted but before it could say so. Once A's
    lease runs out, replica B answers the first paste and the command, and does not answer the
    second paste again."""
    prefix = new_prefix("test-resilience")
    with FakeSlackAPI() as slack:
        clock = FakeClock()
        a = _bot(slack, knowledge_dir, RedisStore(SHARED_REDIS, prefix), prefix, clock)
        b = _bot(slack, knowledge_dir, RedisStore(SHARED_REDIS, prefix), prefix, clock)
        try:
            lost = p.message_event(p.FIREWALL_PASTE, channel=p.new_channel())
            now = clock()
            job = "event:" + str(lost["event_id"])
            payload = job_payload(REQUEST, {"body": lost}, now)
            # what A's acknowledgements left behind, A dying right after them
            assert a.services.store.enqueue(QUEUE, job, payload, due=now, leased_until=now + 60)
            hook = slack.hook_url()
            command = dict(parse_qsl(p.command_form("runs contosoprod", response_url=hook)))
            payload = job_payload(REQUEST, {"body": command}, now)
            assert a.services.store.enqueue(
                QUEUE, "request:1", payload, due=now, leased_until=now + 60
            )

            # the second paste: A posts its answer, then is stopped before it settles the job
            slack.delay["chat.postMessage"] = 1.0
            posted = p.message_event(p.FIREWALL_PASTE, channel=p.new_channel())
            assert a.event(posted) == 200
            slack.wait_for("chat.postMessage", channel=posted["event"]["channel"])
            assert a.services.jobs.stop(timeout=0.05) == 1  # given back: due at once
            slack.delay.clear()
            a.idle(timeout=5)

            b.services.jobs.sweep()
            b.idle()
            assert slack.accepted("chat.postMessage", channel=lost["event"]["channel"]) == []
            clock.advance(61)
            assert b.services.jobs.sweep() == 2
            b.idle()
            assert len(slack.accepted("chat.postMessage", channel=lost["event"]["channel"])) == 1
            (answer,) = slack.accepted("hook", hook=slack.hook_path(hook))
            assert answer.params["response_type"] == "ephemeral" and answer.params["text"]
            assert len(slack.find("chat.postMessage", channel=posted["event"]["channel"])) == 1
            assert b.services.store.queue_length(QUEUE) == 0
        finally:
            b.close()
            a.close()
    delete_prefix(prefix)


def test_a_full_pool_says_busy_to_commands_and_keeps_pastes_for_later(
    knowledge_dir: Path,
) -> None:
    """One worker, no waiting room, Slack slow: `/acr runs` hears "busy" in its
    acknowledgement at once; a paste is kept in the queue and answered when there is room."""
    prefix = new_prefix("test-resilience")
    with FakeSlackAPI() as slack:
        bot = _bot(
            slack,
            knowledge_dir,
            RedisStore(SHARED_REDIS, prefix),
            prefix,
            None,
            ACRBOT_WORKERS="1",
            ACRBOT_QUEUE_LIMIT="0",
        )
        try:
            slack.delay["chat.postMessage"] = 1.5
            first = p.message_event(p.FIREWALL_PASTE, channel=p.new_channel())
            assert bot.event(first) == 200  # takes the only worker
            second = p.message_event(p.FIREWALL_PASTE, channel=p.new_channel())
            assert bot.event(second) == 200
            assert bot.events("job.deferred")
            hook = slack.hook_url()
            answer = bot.command(p.command_form("runs contosoprod", response_url=hook))
            assert answer.status == 200 and "busy" in str(answer.body)
            bot.idle()
            slack.delay.clear()
            assert bot.services.jobs.sweep() == 1
            bot.idle()
            for body in (first, second):
                channel = body["event"]["channel"]  # type: ignore[index]
                assert len(slack.accepted("chat.postMessage", channel=channel)) == 1
            assert slack.find("hook", hook=slack.hook_path(hook)) == []
        finally:
            bot.close()
    delete_prefix(prefix)
