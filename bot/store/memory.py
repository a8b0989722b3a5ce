"""In-process store: correct for a single process, shared by its threads."""

from __future__ import annotations

import fnmatch
import itertools
import threading
import time
from collections import deque


class MemoryStore:
    """Thread-safe dict with expiry; the semantics mirror the Redis store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float | None]] = {}
        self._hashes: dict[str, dict[str, int]] = {}
        self._logs: dict[str, deque[tuple[str, dict[str, str]]]] = {}
        self._seq = itertools.count(1)

    @property
    def kind(self) -> str:
        return "memory"

    @property
    def degraded(self) -> bool:
        return False

    def _live(self, key: str, now: float) -> str | None:
        item = self._values.get(key)
        if item is None:
            return None
        value, expires = item
        if expires is not None and expires <= now:
            del self._values[key]
            return None
        return value

    def claim(self, key: str, ttl: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if self._live(key, now) is not None:
                return False
            self._values[key] = ("1", now + ttl)
            return True

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key, time.monotonic())

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        expires = time.monotonic() + ttl if ttl else None
        with self._lock:
            self._values[key] = (value, expires)

    def delete(self, key: str) -> bool:
        with self._lock:
            found = self._live(key, time.monotonic()) is not None
            self._values.pop(key, None)
            self._hashes.pop(key, None)
            return found

    def take(self, key: str) -> str | None:
        with self._lock:
            value = self._live(key, time.monotonic())
            self._values.pop(key, None)
            return value

    def incr(self, key: str, field: str, amount: int = 1) -> int:
        with self._lock:
            counters = self._hashes.setdefault(key, {})
            counters[field] = counters.get(field, 0) + amount
            return counters[field]

    def counters(self, key: str) -> dict[str, int]:
        with self._lock:
            return dict(self._hashes.get(key, {}))

    def keys(self, pattern: str) -> list[str]:
        now = time.monotonic()
        with self._lock:
            names = [k for k in list(self._values) if self._live(k, now) is not None]
            names += list(self._hashes) + list(self._logs)
        return sorted({k for k in names if fnmatch.fnmatchcase(k, pattern)})

    def append_log(self, stream: str, fields: dict[str, str], maxlen: int = 10000) -> str:
        entry_id = f"{int(time.time() * 1000)}-{next(self._seq)}"
        with self._lock:
            log = self._logs.setdefault(stream, deque(maxlen=maxlen))
            log.append((entry_id, dict(fields)))
        return entry_id

    def read_log(self, stream: str, count: int = 100) -> list[tuple[str, dict[str, str]]]:
        with self._lock:
            return list(self._logs.get(stream, ()))[-count:]

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        return None
