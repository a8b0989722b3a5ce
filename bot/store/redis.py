"""Redis-backed store shared by every replica, with an in-process stand-in while Redis is away.

While Redis cannot be reached the store answers from a MemoryStore (``degraded`` is true, the
``acrbot_store_degraded`` gauge is 1 and one log line says so). A daemon thread keeps pinging;
the first successful ping switches back to Redis and says so in the log.

Claims and finished jobs this process took are also remembered here for as long as they last
(a bounded set), so a Slack retry of an event this process answered is refused by it during
an outage, after it, and after a Redis restart that lost its data. Jobs queued during an outage
stay in the stand-in and this process works them off; a job that lives in Redis but was
finished or rescheduled during the outage is finished in Redis once it answers again, so no
other replica runs it a second time.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.observe.liveness import HEALTH
from bot.observe.logging import event
from bot.observe.metrics import STORE_DEGRADED
from bot.store.base import Leased
from bot.store.memory import MemoryStore

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors that mean "Redis is not reachable right now" (as opposed to a bug in a command).
_UNREACHABLE: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)
RECENT_LIMIT = 50_000  # claims remembered by this process (about 10 MB at most)

# Queue layout (one hash tag, so a Redis Cluster keeps a queue's keys on one slot):
#   <prefix>q:{<queue>}            sorted set: job id → due at, or leased until (seconds)
#   <prefix>q:{<queue>}:jobs       hash: job id → payload
#   <prefix>q:{<queue>}:tries      hash: job id → times leased
#   <prefix>q:{<queue>}:done:<id>  finished recently (enqueue refuses the id)
_ENQUEUE = """
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"""
_LEASE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
local out = {}
for _, id in ipairs(ids) do
  local payload = redis.call('HGET', KEYS[2], id)
  if payload then
    redis.call('ZADD', KEYS[1], ARGV[2], id)
    local tries = redis.call('HINCRBY', KEYS[3], id, 1)
    table.insert(out, id)
    table.insert(out, payload)
    table.insert(out, tries)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
"""
_RESCHEDULE = """
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1
"""


class _Recent:
    """Keys this process claimed (with their owner) until they expire; bounded, oldest out."""

    def __init__(self, limit: int = RECENT_LIMIT) -> None:
        self.limit = limit
        self._items: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[1] <= time.monotonic():
                del self._items[key]
                return None
            return item[0]

    def put(self, key: str, owner: str, ttl: float) -> None:
        with self._lock:
            self._items[key] = (owner, time.monotonic() + ttl)
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)


class RedisStore:
    """The Store protocol over Redis; keys are stored under ``prefix``."""

    def __init__(
        self,
        url: str,
        prefix: str = "acrbot:",
        *,
        timeout: float = 1.0,
        retry_interval: float = 1.0,
        client: redis.Redis | None = None,
    ) -> None:
        self.prefix = prefix
        self.retry_interval = retry_interval
        # One immediate retry re-opens a pooled connection that a Redis restart has broken;
        # no backoff, so an outage costs one failed round trip instead of seconds of sleeping.
        self._redis: redis.Redis = client or redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 1),
            health_check_interval=30,
        )
        self._fallback = MemoryStore()
        self._recent = _Recent()
        self._unsettled: dict[tuple[str, str], float] = {}  # (queue, job) → keep, for Redis
        self._enqueue = self._redis.register_script(_ENQUEUE)
        self._lease = self._redis.register_script(_LEASE)
        self._reschedule = self._redis.register_script(_RESCHEDULE)
        self._lock = threading.Lock()
        self._degraded = False
        self._closed = threading.Event()
        self._watcher: threading.Thread | None = None
        STORE_DEGRADED.set(0)
        self.ping()  # unreachable at start-up: start degraded and keep retrying

    # -- state ------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return "redis"

    @property
    def degraded(self) -> bool:
        return self._degraded

    def _mark_down(self, error: BaseException | None) -> None:
        with self._lock:
            if self._degraded or self._closed.is_set():
                return
            self._degraded = True
            STORE_DEGRADED.set(1)
            HEALTH.store_degraded = True
            event(
                log,
                "store.degraded",
                logging.WARNING,
                backend="redis",
                error=type(error).__name__ if error else "unreachable",
                detail="Redis is unreachable; serving state from this process until it returns",
            )
            self._watcher = threading.Thread(
                target=self._watch, name="redis-store-reconnect", daemon=True
            )
            self._watcher.start()

    def _mark_up(self) -> None:
        with self._lock:
            if not self._degraded:
                return
            self._degraded = False
            STORE_DEGRADED.set(0)
            HEALTH.store_degraded = False
            unsettled, self._unsettled = self._unsettled, {}
        event(log, "store.recovered", backend="redis")
        for (queue, job_id), keep in unsettled.items():
            # settled in the stand-in while Redis was away: no replica may lease it again
            with contextlib.suppress(*_UNREACHABLE):
                self._finish_in_redis(queue, job_id, keep)

    def _watch(self) -> None:
        """Ping until Redis answers again, then switch back to it."""
        while not self._closed.wait(self.retry_interval):
            try:
                self._redis.ping()
            except _UNREACHABLE:
                continue
            self._mark_up()
            return

    def _run(self, operation: Callable[[], T], fallback: Callable[[], T]) -> T:
        """Do ``operation`` on Redis, or ``fallback`` in-process while Redis is unreachable."""
        if self._degraded:
            return fallback()
        try:
            return operation()
        except _UNREACHABLE as exc:
            self._mark_down(exc)
            return fallback()

    def _key(self, key: str) -> str:
        return self.prefix + key

    # -- Store protocol ---------------------------------------------------------------

    def claim(self, key: str, ttl: float, owner: str | None = None) -> bool:
        # a claim this process took still counts: during an outage, after one, and after a
        # Redis restart that lost it
        held = self._recent.get(key)
        if held is not None:
            return owner is not None and held == owner
        value = owner or "1"

        def on_redis() -> bool:
            if self._redis.set(self._key(key), value, nx=True, px=_ms(ttl)):
                return True
            return owner is not None and self._redis.get(self._key(key)) == owner

        won = self._run(on_redis, lambda: self._fallback.claim(key, ttl, owner))
        if won:
            self._recent.put(key, value, ttl)
        return won

    def get(self, key: str) -> str | None:
        return self._run(
            lambda: cast("str | None", self._redis.get(self._key(key))),
            lambda: self._fallback.get(key),
        )

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        def on_redis() -> None:
            self._redis.set(self._key(key), value, px=_ms(ttl) if ttl else None)

        self._run(on_redis, lambda: self._fallback.set(key, value, ttl))

    def delete(self, key: str) -> bool:
        self._recent.drop(key)
        return self._run(
            lambda: bool(self._redis.delete(self._key(key))),
            lambda: self._fallback.delete(key),
        )

    def take(self, key: str) -> str | None:
        self._recent.drop(key)
        return self._run(
            lambda: cast("str | None", self._redis.getdel(self._key(key))),
            lambda: self._fallback.take(key),
        )

    def incr(self, key: str, field: str, amount: int = 1) -> int:
        return self._run(
            lambda: int(cast(Any, self._redis.hincrby(self._key(key), field, amount))),
            lambda: self._fallback.incr(key, field, amount),
        )

    def counters(self, key: str) -> dict[str, int]:
        def on_redis() -> dict[str, int]:
            raw = cast("dict[str, str]", self._redis.hgetall(self._key(key)))
            return {name: int(value) for name, value in raw.items()}

        return self._run(on_redis, lambda: self._fallback.counters(key))

    def keys(self, pattern: str) -> list[str]:
        def on_redis() -> list[str]:
            cut = len(self.prefix)
            found = self._redis.scan_iter(match=_escape_glob(self.prefix) + pattern, count=500)
            return sorted({str(name)[cut:] for name in found})

        return self._run(on_redis, lambda: self._fallback.keys(pattern))

    def append_log(self, stream: str, fields: dict[str, str], maxlen: int = 10000) -> str:
        def on_redis() -> str:
            entry = self._redis.xadd(
                self._key(stream),
                cast("dict[Any, Any]", fields),
                maxlen=maxlen,
                approximate=True,
            )
            return str(entry)

        return self._run(on_redis, lambda: self._fallback.append_log(stream, fields, maxlen))

    def read_log(self, stream: str, count: int = 100) -> list[tuple[str, dict[str, str]]]:
        def on_redis() -> list[tuple[str, dict[str, str]]]:
            rows = cast(
                "list[tuple[str, dict[str, str]]]",
                self._redis.xrevrange(self._key(stream), count=count),
            )
            return [(str(entry), dict(values)) for entry, values in reversed(rows)]

        return self._run(on_redis, lambda: self._fallback.read_log(stream, count))

    # -- the work queue ------------------------------------------------------------------

    def _queue_keys(self, queue: str) -> list[str]:
        base = f"{self.prefix}q:{{{queue}}}"
        return [base, base + ":jobs", base + ":tries"]

    def _done_key(self, queue: str, job_id: str) -> str:
        return f"{self.prefix}q:{{{queue}}}:done:{job_id}"

    def enqueue(
        self, queue: str, job_id: str, payload: str, *, due: float, leased_until: float | None
    ) -> bool:
        done = self._done_key(queue, job_id)
        if self._recent.get(done) is not None or self._fallback.holds_job(queue, job_id):
            return False
        score, tries = (due, 0) if leased_until is None else (leased_until, 1)

        def on_redis() -> bool:
            keys = [*self._queue_keys(queue), done]
            return bool(self._enqueue(keys=keys, args=[job_id, payload, score, tries]))

        def in_process() -> bool:
            return self._fallback.enqueue(
                queue, job_id, payload, due=due, leased_until=leased_until
            )

        return self._run(on_redis, in_process)

    def lease(self, queue: str, now: float, until: float, count: int) -> list[Leased]:
        # jobs queued during an outage are worked off by this process first
        taken = self._fallback.lease(queue, now, until, count)
        if count - len(taken) <= 0:
            return taken

        def on_redis() -> list[Leased]:
            raw = cast(
                "list[Any]",
                self._lease(keys=self._queue_keys(queue), args=[now, until, count - len(taken)]),
            )
            return [
                Leased(str(raw[i]), str(raw[i + 1]), int(raw[i + 2])) for i in range(0, len(raw), 3)
            ]

        return taken + self._run(on_redis, list)

    def extend(self, queue: str, job_ids: list[str], until: float) -> None:
        local = [j for j in job_ids if self._fallback.holds_job(queue, j)]
        self._fallback.extend(queue, local, until)
        shared = [j for j in job_ids if j not in local]
        if not shared:
            return

        def on_redis() -> None:
            self._redis.zadd(self._queue_keys(queue)[0], dict.fromkeys(shared, until), xx=True)

        self._run(on_redis, lambda: None)

    def reschedule(self, queue: str, job_id: str, payload: str, due: float) -> bool:
        if self._fallback.holds_job(queue, job_id):
            return self._fallback.reschedule(queue, job_id, payload, due)

        def on_redis() -> bool:
            keys = self._queue_keys(queue)
            return bool(self._reschedule(keys=keys, args=[job_id, payload, due]))

        def in_process() -> bool:
            # Redis holds the job but is away: this process keeps it, and finishes the Redis
            # copy once Redis answers again
            with self._lock:
                self._unsettled[(queue, job_id)] = 0.0
            return self._fallback.enqueue(queue, job_id, payload, due=due, leased_until=None)

        return self._run(on_redis, in_process)

    def finish(self, queue: str, job_id: str, keep: float) -> None:
        if keep > 0:
            self._recent.put(self._done_key(queue, job_id), "1", keep)
        if self._fallback.holds_job(queue, job_id):
            self._fallback.finish(queue, job_id, keep)
            return

        def in_process() -> None:
            with self._lock:
                self._unsettled[(queue, job_id)] = keep

        self._run(lambda: self._finish_in_redis(queue, job_id, keep), in_process)

    def _finish_in_redis(self, queue: str, job_id: str, keep: float) -> None:
        zset, jobs, tries = self._queue_keys(queue)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(zset, job_id)
            pipe.hdel(jobs, job_id)
            pipe.hdel(tries, job_id)
            if keep > 0:
                pipe.set(self._done_key(queue, job_id), "1", px=_ms(keep))
            pipe.execute()

    def queue_length(self, queue: str) -> int:
        local = self._fallback.queue_length(queue)

        def on_redis() -> int:
            return int(cast(Any, self._redis.zcard(self._queue_keys(queue)[0])))

        return local + self._run(on_redis, lambda: 0)

    def ping(self) -> bool:
        """Ask Redis now; a failure marks the store degraded, a success recovers it."""
        try:
            self._redis.ping()
        except _UNREACHABLE as exc:
            if not self._closed.is_set():
                self._mark_down(exc)
            return False
        self._mark_up()
        return True

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(*_UNREACHABLE):
            self._redis.close()


def _ms(seconds: float | None) -> int | None:
    if seconds is None:
        return None
    return max(1, int(seconds * 1000))


def _escape_glob(text: str) -> str:
    """Escape glob metacharacters so a prefix such as ``test[1]:`` matches itself only."""
    return "".join("\\" + c if c in "*?[]\\" else c for c in text)
