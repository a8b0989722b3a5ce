"""Several replicas on one Redis, and Redis going away: exactly one reply, replies continue.

The replicas are real `acrbot serve` processes (HTTP and Socket Mode); Redis going away is
tested on the app in this process, with a private redis-server that is stopped and started.
"""

from __future__ import annotations

import json
import random
import threading
import time
from pathlib import Path

from bot.store.redis import RedisStore
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.running_bot import BotProcess, post_signed, start_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.socket_mode import FakeSocketMode, events_envelope
from tests.shared_redis import SHARED_REDIS
from tests.slack import payloads as p
from tests.slack.redis_server import PrivateRedis

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PASTES = 6


def _paste_bodies() -> list[dict[str, object]]:
    """Pastes in distinct channels: one answer each (no repeat window in play)."""
    return [p.message_event(p.FIREWALL_PASTE, channel=p.new_channel()) for _ in range(PASTES)]


def assert_one_reply_each(slack: FakeSlackAPI, bodies: list[dict[str, object]]) -> None:
    """Every paste got its reply, and once things are quiet, no paste got a second one."""
    channels = [body["event"]["channel"] for body in bodies]  # type: ignore[index]
    for channel in channels:
        slack.wait_for("chat.postMessage", channel=channel)
    slack.settle(quiet=1.0)
    for channel in channels:
        assert len(slack.find("chat.postMessage", channel=channel)) == 1


def test_two_http_replicas_four_deliveries_each_one_reply(
    knowledge_dir: Path, redis_prefix: str
) -> None:
    """Two HTTP replicas on one Redis; each event four times across both: one reply each."""
    bots: list[BotProcess] = []
    with FakeSlackAPI() as slack:
        try:
            for _ in range(2):
                bots.append(
                    start_bot(
                        slack,
                        redis_url=SHARED_REDIS,
                        redis_prefix=redis_prefix,
                        knowledge_dir=knowledge_dir,
                    )
                )
            bodies = _paste_bodies()
            deliveries = [(body, n, bots[n % 2]) for body in bodies for n in range(4)]
            random.Random(7).shuffle(deliveries)
            statuses: list[int] = []

            def deliver(body: dict[str, object], retry: int, bot: BotProcess) -> None:
                headers = {"X-Slack-Retry-Num": str(retry)} if retry else None
                status, _ = post_signed(bot.events_url, json.dumps(body), JSON, headers=headers)
                statuses.append(status)

            threads = [threading.Thread(target=deliver, args=d) for d in deliveries]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert statuses == [200] * len(deliveries)
            assert_one_reply_each(slack, bodies)
        finally:
            for bot in bots:
                bot.stop()


def test_two_socket_replicas_four_deliveries_each_one_reply(
    knowledge_dir: Path, redis_prefix: str
) -> None:
    """Two Socket Mode connections on one Redis; envelopes spread over both: one reply each."""
    bots: list[BotProcess] = []
    with FakeSlackAPI() as slack, FakeSocketMode() as socket:
        slack.socket_url = socket.url
        try:
            for n in range(2):
                bots.append(
                    start_bot(
                        slack,
                        mode="socket",
                        redis_url=SHARED_REDIS,
                        redis_prefix=redis_prefix,
                        knowledge_dir=knowledge_dir,
                    )
                )
                socket.wait_connections(n + 1)
            bodies = _paste_bodies()
            sent = []
            for body in bodies:
                for attempt in range(4):
                    sent.append(socket.send(events_envelope(body, attempt), connection=attempt))
            for envelope_id in sent:
                socket.wait_ack(envelope_id)
            assert_one_reply_each(slack, bodies)
        finally:
            for bot in bots:
                bot.stop()


def _answered(bot: LocalBot) -> bool:
    """A fresh paste gets its reply in the thread."""
    channel = p.new_channel()
    assert bot.event(p.message_event(p.FIREWALL_PASTE, channel=channel)) == 200
    bot.idle()
    return len(bot.slack.find("chat.postMessage", channel=channel)) == 1


def _help_footer(bot: LocalBot) -> str:
    response = bot.command(p.command_form("help", response_url=bot.slack.hook_url()))
    assert response.status == 200
    return str(json.loads(response.body)["blocks"][-1]["elements"][0]["text"])


def test_redis_stopped_and_restarted_replies_continue(
    knowledge_dir: Path, private_redis: PrivateRedis
) -> None:
    """Redis stops mid-run: answers continue, /acr help says degraded; it recovers by itself."""
    with FakeSlackAPI() as slack:
        store = RedisStore(private_redis.url, "t:", retry_interval=0.1)
        bot = local_bot(slack, store=store, knowledge_dir=knowledge_dir)
        try:
            assert _answered(bot)
            assert "Redis" not in _help_footer(bot)
            private_redis.stop()
            assert _answered(bot)
            assert store.degraded and bot.events("store.degraded")
            assert "Redis" in _help_footer(bot)
            private_redis.start()
            deadline = time.monotonic() + 30
            while store.degraded and time.monotonic() < deadline:
                time.sleep(0.05)
            assert bot.events("store.recovered")
            assert _answered(bot)
            assert "Redis" not in _help_footer(bot)
        finally:
            bot.close()


def test_redis_down_at_start_up_still_serves(knowledge_dir: Path) -> None:
    """With Redis unreachable at start the bot starts degraded, answers, and says so in the log."""
    server = PrivateRedis()  # never started: nothing listens on its socket
    with FakeSlackAPI() as slack:
        bot = local_bot(slack, store=RedisStore(server.url, "t:"), knowledge_dir=knowledge_dir)
        try:
            assert bot.services.store.degraded
            assert _answered(bot)
        finally:
            bot.close()
            server.cleanup()
