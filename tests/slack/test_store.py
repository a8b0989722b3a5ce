"""The Redis store: shared between replicas, degrades to the process and recovers by itself."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest
from prometheus_client import REGISTRY

from bot.config import Settings
from bot.store import MemoryStore, connect
from bot.store.redis import RedisStore
from tests.shared_redis import SHARED_REDIS
from tests.slack.redis_server import PrivateRedis


def _eventually(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _gauge() -> float | None:
    return REGISTRY.get_sample_value("acrbot_store_degraded")


def test_claim_is_won_by_exactly_one_replica(redis_prefix: str) -> None:
    """Two stores on one Redis (two replicas): a key is claimed by one of them only."""
    first, second = RedisStore(SHARED_REDIS, redis_prefix), RedisStore(SHARED_REDIS, redis_prefix)
    results: list[bool] = []
    lock = threading.Lock()

    def grab(store: RedisStore) -> None:
        won = store.claim("event:Ev1", 60)
        with lock:
            results.append(won)

    threads = [threading.Thread(target=grab, args=(s,)) for s in (first, second) * 8]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 1
    assert not first.degraded and not second.degraded


def test_claim_expires_after_its_ttl(redis_prefix: str) -> None:
    """A claim can be taken again once its expiry has passed."""
    store = RedisStore(SHARED_REDIS, redis_prefix)
    assert store.claim("event:short", 0.2)
    assert not store.claim("event:short", 0.2)
    assert _eventually(lambda: store.claim("event:short", 0.2), timeout=5)


def test_take_hands_a_pending_value_to_one_caller(redis_prefix: str) -> None:
    """A pending interaction is read-and-deleted atomically: one click of many gets it."""
    store = RedisStore(SHARED_REDIS, redis_prefix)
    store.set("pending:tok", '{"registry": "contoso"}', ttl=60)
    got: list[str | None] = []
    threads = [
        threading.Thread(target=lambda: got.append(store.take("pending:tok"))) for _ in range(10)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [g for g in got if g is not None] == ['{"registry": "contoso"}']
    assert store.get("pending:tok") is None


def test_values_counters_keys_and_logs_round_trip(redis_prefix: str) -> None:
    """Values, per-topic counters, key listing (without prefix) and logs behave like memory."""
    for store in (RedisStore(SHARED_REDIS, redis_prefix), MemoryStore()):
        store.set("locale:U1", "ru-RU", ttl=60)
        store.set("plain", "x")
        assert store.get("locale:U1") == "ru-RU"
        assert store.delete("plain") and not store.delete("plain")
        store.incr("feedback:topic-a", "helped")
        store.incr("feedback:topic-a", "helped")
        assert store.incr("feedback:topic-a", "not_it", 3) == 3
        assert store.counters("feedback:topic-a") == {"helped": 2, "not_it": 3}
        assert store.counters("feedback:none") == {}
        assert store.keys("feedback:*") == ["feedback:topic-a"]
        for n in range(5):
            store.append_log("audit", {"n": str(n)})
        entries = store.read_log("audit", count=3)
        assert [fields["n"] for _, fields in entries] == ["2", "3", "4"]


def test_prefixes_keep_deployments_apart(redis_prefix: str) -> None:
    """A store with another prefix sees none of this one's keys."""
    mine = RedisStore(SHARED_REDIS, redis_prefix + "a:")
    other = RedisStore(SHARED_REDIS, redis_prefix + "b:")
    assert mine.claim("event:E", 60)
    assert other.claim("event:E", 60)
    assert other.keys("*") == ["event:E"]


def test_redis_down_at_start_up_serves_degraded_and_recovers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Redis absent at start: the store still claims in-process, then uses Redis once it is up."""
    server = PrivateRedis()
    try:
        with caplog.at_level(logging.INFO):
            store = RedisStore(server.url, "t:", retry_interval=0.1)
        assert store.degraded
        assert _gauge() == 1.0
        assert "store.degraded" in caplog.messages
        assert store.claim("event:E1", 60)
        assert not store.claim("event:E1", 60)
        server.start()
        assert _eventually(lambda: not store.degraded)
        assert _gauge() == 0.0
        assert store.claim("event:E2", 60)
        assert RedisStore(server.url, "t:").get("event:E2") == "1"
        # the claim taken while degraded is still honoured by this process after recovery
        assert not store.claim("event:E1", 60)
        store.close()
    finally:
        server.cleanup()


def test_redis_stopped_and_restarted_at_runtime(private_redis: PrivateRedis) -> None:
    """Redis going away mid-run degrades without errors; it comes back without a restart."""
    store = RedisStore(private_redis.url, "t:", retry_interval=0.1)
    assert store.claim("event:before", 60)
    private_redis.stop()
    assert store.claim("event:during", 60)  # answered by the process, no exception
    assert store.degraded
    assert not store.ping()
    store.incr("feedback:x", "helped")
    private_redis.start()
    assert _eventually(lambda: not store.degraded)
    assert store.claim("event:after", 60)
    assert not RedisStore(private_redis.url, "t:").claim("event:after", 60)
    store.close()


def test_connect_without_redis_url_uses_memory_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """No REDIS_URL: an in-process store, and a log line saying it serves one process."""
    with caplog.at_level(logging.INFO):
        store = connect(Settings())
    assert store.kind == "memory"
    details = [str(getattr(r, "fields", {}).get("detail")) for r in caplog.records]
    assert any("REDIS_URL is not set" in d for d in details)


def test_connect_with_redis_url_uses_redis_under_the_prefix(redis_prefix: str) -> None:
    """REDIS_URL set: a Redis store whose keys carry the configured prefix."""
    store = connect(Settings(redis_url=SHARED_REDIS, redis_prefix=redis_prefix))
    assert store.kind == "redis" and not store.degraded
    store.set("k", "v")
    direct = RedisStore(SHARED_REDIS, redis_prefix)
    assert direct.get("k") == "v"
