"""The real `acrbot serve` (HTTP mode, waitress) under the loads the probes found it failing:
huge bodies, a slow Slack, SIGTERM with work in flight. Counts and times are asserted.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.jobs import QUEUE
from bot.store.redis import RedisStore
from tests.azure.conftest import AzureWorld, arm, ca, identity, loopback_guard, registry, world
from tests.fakes.local_bot import local_bot
from tests.fakes.running_bot import HUGE_MARK, post_raw, post_signed, send_huge, start_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix
from tests.slack import payloads as p

# the Azure fakes (over TLS, nothing leaves 127.0.0.1) for the test that needs them
__all__ = ["arm", "ca", "identity", "loopback_guard", "registry", "world"]

MB = 1_000_000


def test_huge_unsigned_bodies_are_413_at_once_cost_no_memory_and_leave_no_trace(
    knowledge_dir: Path,
) -> None:
    """20 MB unsigned: 413 within 3 s, the bot's peak RSS stays under 250 MB, nothing of the
    body in the log; four such uploads at once do not keep a real paste from its answer."""
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge_dir)
        try:
            assert bot.port is not None
            status, seconds = send_huge(bot.port, 20 * MB)
            assert (status, seconds < 3) == (413, True)
            status, seconds = send_huge(bot.port, 20 * MB, chunked=True)
            assert (status, seconds < 3) == (413, True)
            channel = p.new_channel()
            body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=channel))
            with ThreadPoolExecutor(5) as pool:
                uploads = [pool.submit(send_huge, bot.port, 20 * MB) for _ in range(4)]
                started = time.monotonic()
                assert post_signed(bot.events_url, body, "application/json")[0] == 200
                slack.wait_for("chat.postMessage", channel=channel, timeout=3)
                answered_in = time.monotonic() - started
                assert [u.result()[0] for u in uploads] == [413] * 4
            assert answered_in < 3
            assert bot.peak_rss_mb() < 250
        finally:
            assert bot.stop() == 0
        # waitress refuses them from the headers: nothing of them reaches a log line
        assert not any(HUGE_MARK in line for line in bot.output)


def test_acks_do_not_wait_behind_60_pastes_and_an_8_second_slack(knowledge_dir: Path) -> None:
    """60 pastes whose answers wait on an 8 s-slow Slack: `/acr usage` and a button are still
    acknowledged (200) within 3 s — they never wait for a worker."""
    with FakeSlackAPI() as slack:
        slack.delay["chat.postMessage"] = 8.0
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge_dir)
        try:
            for _ in range(60):
                body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=p.new_channel()))
                assert post_signed(bot.events_url, body, "application/json")[0] == 200
            slack.wait_for("chat.postMessage", count=16, timeout=5)  # every worker is waiting
            hook = slack.hook_url()
            started = time.monotonic()
            form = p.command_form("usage contosoprod", response_url=hook)
            status, _ = post_signed(bot.events_url, form, "application/x-www-form-urlencoded")
            command_ack = time.monotonic() - started
            click = p.helped_click(slack.hook_url())
            started = time.monotonic()
            clicked, _ = post_signed(
                bot.events_url, p.interaction_form(click), "application/x-www-form-urlencoded"
            )
            button_ack = time.monotonic() - started
            assert (status, clicked) == (200, 200)
            assert command_ack < 3 and button_ack < 3
        finally:
            bot.process.kill()
            bot.process.wait(10)


def test_sigterm_with_work_in_flight_exits_in_time_and_loses_nothing(
    knowledge_dir: Path,
) -> None:
    """80 pastes acknowledged, each answer taking Slack a second, four workers: SIGTERM with
    most of them still to do. The bot exits 0 within 25 s (the chart gives 30) with every
    paste answered or left in the shared queue; a second replica answers the rest. Each
    paste is answered exactly once."""
    prefix = new_prefix("test-resilience")
    with FakeSlackAPI() as slack:
        slack.delay["chat.postMessage"] = 1.0
        bot = start_bot(
            slack,
            mode="http",
            knowledge_dir=knowledge_dir,
            redis_url=SHARED_REDIS,
            redis_prefix=prefix,
            extra={"ACRBOT_WORKERS": "4"},
        )
        channels = []
        for _ in range(80):
            channel = p.new_channel()
            body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=channel))
            assert post_signed(bot.events_url, body, "application/json")[0] == 200
            channels.append(channel)
        started = time.monotonic()
        assert bot.stop() == 0
        assert time.monotonic() - started < 25
        (gave_back,) = bot.events("serve.gave_back")
        left = RedisStore(SHARED_REDIS, prefix)
        assert left.queue_length(QUEUE) == gave_back["jobs"] > 0
        left.close()
        answered = {c for c in channels if slack.accepted("chat.postMessage", channel=c)}
        # the posts on their way at the deadline were given back too, and recorded as sent
        assert len(answered) + gave_back["jobs"] >= 80

        slack.delay.clear()
        other = local_bot(slack, knowledge_dir=knowledge_dir, redis_prefix=prefix)
        try:
            other.clock.advance(10)  # past the settling time the stopping replica asked for
            while other.services.jobs.sweep():
                other.idle()
            other.idle()
            counts = [len(slack.accepted("chat.postMessage", channel=c)) for c in channels]
            assert counts == [1] * 80
            assert other.services.store.queue_length(QUEUE) == 0
        finally:
            other.close()
    delete_prefix(prefix)


def test_unsigned_requests_never_log_their_body(knowledge_dir: Path) -> None:
    """A small unsigned request carrying a verification token and a response_url: 401, and
    neither appears in the log (Bolt logged the whole body)."""
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge_dir)
        try:
            marker = HUGE_MARK
            body = f"token={marker}&response_url=https%3A%2F%2Fhooks.slack.com%2F{marker}"
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            assert post_raw(bot.events_url, body, headers)[0] == 401
            bot.wait_log("http.refused")
        finally:
            assert bot.stop() == 0
        assert not any(marker in line for line in bot.output)


def test_sigterm_is_not_held_by_an_azure_call_that_hangs(
    knowledge_dir: Path, world: AzureWorld
) -> None:
    """An `/acr usage` waiting on an ARM that does not answer (a 120 s time limit allowed):
    SIGTERM still ends the process at the end of the drain, not when Azure gives up (a 120 s
    Retry-After held it 118 s before); the command is left in the shared queue."""
    prefix = new_prefix("test-resilience")
    world.arm.delay = 120
    with FakeSlackAPI() as slack:
        env = world.env(ACRBOT_AZURE_TIMEOUT="120", ACRBOT_DRAIN_SECONDS="4")
        bot = start_bot(
            slack,
            mode="http",
            knowledge_dir=knowledge_dir,
            redis_url=SHARED_REDIS,
            redis_prefix=prefix,
            extra=env,
        )
        form = p.command_form("usage contosoprod", response_url=slack.hook_url())
        assert post_signed(bot.events_url, form, "application/x-www-form-urlencoded")[0] == 200
        bot.wait_log("command", command="usage")
        time.sleep(0.5)  # on its way to ARM, which keeps it waiting
        started = time.monotonic()
        assert bot.stop() == 0
        assert time.monotonic() - started < 8
        assert bot.events("serve.gave_back")[0]["jobs"] == 1
    world.arm.delay = 0
    delete_prefix(prefix)
