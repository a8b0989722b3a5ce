"""Redis-backed store shared by every replica, with an in-process stand-in while Redis is away.

While Redis cannot be reached the store answers from a MemoryStore (``degraded`` is true, the
``acrbot_store_degraded`` gauge is 1 and one log line says so). A daemon thread keeps pinging;
the first successful ping switches back to Redis and says so in the log. Claims taken during an
outage are remembered by the stand-in, so a retry that arrives just after recovery is still
refused by this process.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.observe.logging import event
from bot.observe.metrics import STORE_DEGRADED
from bot.store.memory import MemoryStore

log = logging.getLogger(__name__)
T = TypeVar("T")

# Errors that mean "Redis is not reachable right now" (as opposed to a bug in a command).
_UNREACHABLE: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OSError,
)


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
            event(log, "store.recovered", backend="redis")

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

    def claim(self, key: str, ttl: float) -> bool:
        memory = self._fallback

        def on_redis() -> bool:
            won = bool(self._redis.set(self._key(key), "1", nx=True, px=_ms(ttl)))
            # a claim this process took during an outage still counts after recovery
            return won and memory.get(key) is None

        return self._run(on_redis, lambda: memory.claim(key, ttl))

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
        return self._run(
            lambda: bool(self._redis.delete(self._key(key))),
            lambda: self._fallback.delete(key),
        )

    def take(self, key: str) -> str | None:
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
