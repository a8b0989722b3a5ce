"""The store's work queue and owned claims, against the real Redis and the in-process store.

Both implementations keep the same promises: a job id is taken once, a leased job is nobody
else's until its lease runs out (a replica that died leaves it to the next), a finished id is
refused for a while (Slack's retries), and a claim held by a job is still the job's own when
the job is done again.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest
import redis

from bot.store import MemoryStore, Store
from bot.store.redis import RedisStore
from tests.shared_redis import SHARED_REDIS, prefix_keys
from tests.slack.redis_server import PrivateRedis

Q = "work"
NOW = 1_800_000_000.0


@pytest.fixture(params=["redis", "memory"])
def stores(request: pytest.FixtureRequest, redis_prefix: str) -> Iterator[Callable[[], Store]]:
    """A factory of stores sharing one backend (each one a replica)."""
    if request.param == "memory":
        shared = MemoryStore()
        yield lambda: shared
        return
    made: list[RedisStore] = []

    def make() -> Store:
        store = RedisStore(SHARED_REDIS, redis_prefix)
        made.append(store)
        return store

    yield make
    for store in made:
        store.close()


def test_a_job_id_is_taken_once_and_refused_for_a_while_after_it_finished(
    stores: Callable[[], Store],
) -> None:
    first, second = stores(), stores()
    assert first.enqueue(Q, "event:Ev1", "a", due=NOW, leased_until=NOW + 60)
    assert not second.enqueue(Q, "event:Ev1", "b", due=NOW, leased_until=None)
    first.finish(Q, "event:Ev1", keep=60)
    assert not second.enqueue(Q, "event:Ev1", "c", due=NOW, leased_until=None)
    assert first.queue_length(Q) == 0
    assert first.enqueue(Q, "event:Ev2", "d", due=NOW, leased_until=None)
    assert second.queue_length(Q) == 1


def test_a_leased_job_is_nobody_elses_until_its_lease_runs_out(
    stores: Callable[[], Store],
) -> None:
    """Replica A takes a job and dies: B cannot have it during A's lease, then gets it once."""
    a, b = stores(), stores()
    assert a.enqueue(Q, "event:Ev1", "paste", due=NOW, leased_until=NOW + 60)
    assert b.lease(Q, NOW + 30, NOW + 90, 10) == []
    (taken,) = b.lease(Q, NOW + 61, NOW + 121, 10)
    assert (taken.job_id, taken.payload, taken.attempt) == ("event:Ev1", "paste", 2)
    assert a.lease(Q, NOW + 62, NOW + 122, 10) == []


def test_extend_keeps_a_lease_and_reschedule_brings_a_job_back_later(
    stores: Callable[[], Store],
) -> None:
    a, b = stores(), stores()
    a.enqueue(Q, "j1", "first", due=NOW, leased_until=NOW + 60)
    a.extend(Q, ["j1", "gone"], NOW + 200)
    assert b.lease(Q, NOW + 100, NOW + 160, 10) == []
    assert a.reschedule(Q, "j1", "second", NOW + 300)
    assert b.lease(Q, NOW + 250, NOW + 310, 10) == []
    (taken,) = b.lease(Q, NOW + 300, NOW + 360, 10)
    assert taken.payload == "second"
    b.finish(Q, "j1", keep=0)
    assert not a.reschedule(Q, "j1", "third", NOW)
    assert a.queue_length(Q) == 0


def test_due_jobs_come_oldest_first_and_never_to_two_replicas(
    stores: Callable[[], Store],
) -> None:
    """200 due jobs, four replicas leasing at once: each job is taken exactly once."""
    replicas = [stores() for _ in range(4)]
    for n in range(200):
        replicas[0].enqueue(Q, f"j{n:03d}", str(n), due=NOW - 200 + n, leased_until=None)
    assert [j.job_id for j in replicas[1].lease(Q, NOW, NOW + 60, 3)] == ["j000", "j001", "j002"]
    taken: list[str] = []
    lock = threading.Lock()

    def take(store: Store) -> None:
        while True:
            jobs = store.lease(Q, NOW, NOW + 60, 7)
            if not jobs:
                return
            with lock:
                taken.extend(j.job_id for j in jobs)

    threads = [threading.Thread(target=take, args=(r,)) for r in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 197 and len(set(taken)) == 197


def test_a_claim_held_by_a_job_is_still_its_own_when_the_job_is_done_again(
    stores: Callable[[], Store],
) -> None:
    a, b = stores(), stores()
    assert a.claim("message:T1:C1:1.2", 60, owner="event:Ev1")
    assert b.claim("message:T1:C1:1.2", 60, owner="event:Ev1")  # the job, on another replica
    assert not b.claim("message:T1:C1:1.2", 60, owner="event:Ev2")  # the other event
    assert not b.claim("message:T1:C1:1.2", 60)


def test_a_replica_remembers_its_claims_and_finished_jobs_when_redis_loses_them(
    redis_prefix: str,
) -> None:
    """Redis restarted without its data: a Slack retry of an event this replica answered is
    still refused by it (the issue's 162 events answered twice)."""
    store = RedisStore(SHARED_REDIS, redis_prefix)
    try:
        assert store.claim("event:Ev1", 900)
        assert store.enqueue(Q, "event:Ev1", "p", due=NOW, leased_until=NOW + 60)
        store.finish(Q, "event:Ev1", keep=900)
        assert prefix_keys(redis_prefix)
        client = redis.Redis.from_url(SHARED_REDIS)
        for key in client.scan_iter(match=redis_prefix + "*"):
            client.delete(key)
        client.close()
        assert not store.claim("event:Ev1", 900)
        assert not store.enqueue(Q, "event:Ev1", "p", due=NOW, leased_until=NOW + 60)
        assert store.enqueue(Q, "event:Ev2", "p", due=NOW, leased_until=NOW + 60)
    finally:
        store.close()


def test_during_an_outage_a_replica_keeps_its_promises_and_settles_redis_afterwards() -> None:
    """Redis stops (its data kept) while it holds a job of this replica: a retry of an event
    answered before is refused, new work is queued in the process and worked off, and the
    held job, finished during the outage, is finished in Redis once it is back, so no other
    replica takes it again."""
    server = PrivateRedis(persist=True)
    server.start()
    a = RedisStore(server.url, "t:", retry_interval=0.05)
    other = RedisStore(server.url, "t:", retry_interval=0.05)
    try:
        assert a.claim("event:Ev0", 900)
        assert a.enqueue(Q, "event:Ev1", "held", due=NOW, leased_until=NOW + 60)
        server.stop()
        assert not a.claim("event:Ev0", 900)  # Slack's retry of an event answered before
        assert a.enqueue(Q, "event:Ev2", "new", due=NOW, leased_until=None)
        assert a.degraded
        assert [j.job_id for j in a.lease(Q, NOW, NOW + 60, 10)] == ["event:Ev2"]
        a.finish(Q, "event:Ev2", keep=900)
        a.finish(Q, "event:Ev1", keep=900)  # done while Redis is away
        server.start()
        deadline = time.monotonic() + 10
        while a.degraded and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not a.degraded
        assert other.queue_length(Q) == 0
        assert other.lease(Q, NOW + 120, NOW + 180, 10) == []
        assert not other.enqueue(Q, "event:Ev1", "again", due=NOW, leased_until=None)
        assert not a.enqueue(Q, "event:Ev2", "again", due=NOW, leased_until=None)
    finally:
        a.close()
        other.close()
        server.cleanup()


def test_the_in_process_store_does_not_grow_with_expired_claims() -> None:
    """A bot without Redis claims every event and finishes every job; a day of them must not
    stay in memory after they expired."""
    store = MemoryStore()
    tracemalloc.start()
    try:
        for n in range(50_000):
            store.claim(f"event:Ev{n:08d}", 0.001)
            store.finish(Q, f"event:Ev{n:08d}", keep=0.001)
        time.sleep(0.01)
        for n in range(2_000):
            store.claim(f"event:new{n}", 900)
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < 2_000_000
