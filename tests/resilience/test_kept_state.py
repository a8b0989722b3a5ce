"""What the bot keeps in the store, around Redis outages: a Slack retry of an event this
replica answered is not answered again — during an outage, nor after a Redis restart that
lost every key — and "Post in thread" keeps no pasted text (what the paste named, to fill the
answer, rides in the button of the private answer).
"""

from __future__ import annotations

import time
from pathlib import Path

import redis

from bot.store.redis import RedisStore
from tests.fakes.local_bot import local_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix
from tests.slack import payloads as p
from tests.slack.redis_server import PrivateRedis


def test_retries_of_answered_events_stay_answered_through_outages_and_restarts(
    private_redis: PrivateRedis, knowledge_dir: Path
) -> None:
    """Three pastes answered; Slack retries them while Redis is down, then again after Redis
    came back empty: no second answer. A new paste during the outage is answered once."""
    with FakeSlackAPI() as slack:
        store = RedisStore(private_redis.url, "t:", retry_interval=0.05)
        bot = local_bot(slack, store=store, knowledge_dir=knowledge_dir)
        try:
            sent = [p.message_event(p.FIREWALL_PASTE, channel=p.new_channel()) for _ in range(3)]
            for body in sent:
                assert bot.event(body) == 200
            bot.idle()
            private_redis.stop()
            for body in sent:
                assert bot.event(body, retry=1) == 200
            fresh = p.message_event(p.FIREWALL_PASTE, channel=p.new_channel())
            assert bot.event(fresh) == 200
            bot.idle()
            assert store.degraded
            private_redis.start()  # no data: it kept nothing on disk
            deadline = time.monotonic() + 10
            while store.degraded and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not store.degraded
            for body in [*sent, fresh]:
                assert bot.event(body, retry=2) == 200
            bot.idle()
            for body in [*sent, fresh]:
                channel = body["event"]["channel"]
                assert len(slack.accepted("chat.postMessage", channel=channel)) == 1
        finally:
            bot.close()


def test_post_in_thread_keeps_where_and_what_topic_never_the_message(
    knowledge_dir: Path,
) -> None:
    prefix = new_prefix("test-resilience")
    with FakeSlackAPI() as slack:
        bot = local_bot(slack, knowledge_dir=knowledge_dir, redis_prefix=prefix)
        try:
            channel, ts = p.new_channel(), p.new_ts()
            secret = "my-colleague-said-so-42"
            text = f"{p.FIREWALL_PASTE}\n{secret}"
            hook = slack.hook_url()
            assert bot.click(p.shortcut(text, channel=channel, message_ts=ts, response_url=hook))
            private = bot.hook(hook)
            client = redis.Redis.from_url(SHARED_REDIS, decode_responses=True)
            kept = [str(client.get(k)) for k in client.scan_iter(match=prefix + "pending:*")]
            client.close()
            assert len(kept) == 1 and p.FIREWALL_TOPIC in kept[0]
            assert secret not in kept[0] and "203.0.113.7" not in kept[0]
            post = next(b for b in private.buttons() if b["action_id"] == "post_in_thread")
            click = p.click(
                post, channel=channel, message_ts="1", thread_ts=None, response_url=slack.hook_url()
            )
            assert bot.click(click) == 200
            bot.idle()
            (posted,) = slack.accepted("chat.postMessage", channel=channel)
            assert posted.params["thread_ts"] == ts
            # what the paste named rode in the private answer's button, not in the store
            assert "contosoprod" in posted.block_text()
            assert "--ip-address 203.0.113.7" in posted.block_text()
        finally:
            bot.close()
    delete_prefix(prefix)
