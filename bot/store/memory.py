"""In-process store: correct for a single process, shared by its threads."""

from __future__ import annotations

import fnmatch
import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass

from bot.store.base import Leased

PURGE_EVERY = 1000  # writes between two sweeps of expired values


@dataclass
class _Job:
    score: float  # due at, or leased until
    payload: str
    attempts: int


class MemoryStore:
    """Thread-safe dict with expiry; the semantics mirror the Redis store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, tuple[str, float | None]] = {}
        self._hashes: dict[str, dict[str, int]] = {}
        self._logs: dict[str, deque[tuple[str, dict[str, str]]]] = {}
        self._queues: dict[str, dict[str, _Job]] = {}
        self._seq = itertools.count(1)
        self._writes = 0

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

    def _put(self, key: str, value: str, expires: float | None) -> None:
        """Store a value; now and then drop the expired ones nobody reads again (claims and
        finished jobs), so a long-lived process does not grow with them."""
        self._values[key] = (value, expires)
        self._writes += 1
        if self._writes % PURGE_EVERY == 0:
            now = time.monotonic()
            for name in [k for k, (_, until) in self._values.items() if until and until <= now]:
                del self._values[name]

    def claim(self, key: str, ttl: float, owner: str | None = None) -> bool:
        now = time.monotonic()
        with self._lock:
            holder = self._live(key, now)
            if holder is not None:
                return owner is not None and holder == owner
            self._put(key, owner or "1", now + ttl)
            return True

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._live(key, time.monotonic())

    def set(self, key: str, value: str, ttl: float | None = None) -> None:
        expires = time.monotonic() + ttl if ttl else None
        with self._lock:
            self._put(key, value, expires)

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

    # -- the work queue ------------------------------------------------------------------

    @staticmethod
    def _done_key(queue: str, job_id: str) -> str:
        return f"q:{queue}:done:{job_id}"

    def enqueue(
        self, queue: str, job_id: str, payload: str, *, due: float, leased_until: float | None
    ) -> bool:
        with self._lock:
            jobs = self._queues.setdefault(queue, {})
            if job_id in jobs or self._live(self._done_key(queue, job_id), time.monotonic()):
                return False
            if leased_until is None:
                jobs[job_id] = _Job(due, payload, 0)
            else:
                jobs[job_id] = _Job(leased_until, payload, 1)
            return True

    def lease(self, queue: str, now: float, until: float, count: int) -> list[Leased]:
        with self._lock:
            jobs = self._queues.get(queue, {})
            due = sorted((job.score, job_id) for job_id, job in jobs.items() if job.score <= now)
            taken = []
            for _, job_id in due[: max(0, count)]:
                job = jobs[job_id]
                job.score = until
                job.attempts += 1
                taken.append(Leased(job_id, job.payload, job.attempts))
            return taken

    def extend(self, queue: str, job_ids: list[str], until: float) -> None:
        with self._lock:
            jobs = self._queues.get(queue, {})
            for job_id in job_ids:
                if job_id in jobs:
                    jobs[job_id].score = until

    def reschedule(self, queue: str, job_id: str, payload: str, due: float) -> bool:
        with self._lock:
            job = self._queues.get(queue, {}).get(job_id)
            if job is None:
                return False
            job.score, job.payload = due, payload
            return True

    def finish(self, queue: str, job_id: str, keep: float) -> None:
        with self._lock:
            self._queues.get(queue, {}).pop(job_id, None)
            if keep > 0:
                self._put(self._done_key(queue, job_id), "1", time.monotonic() + keep)

    def queue_length(self, queue: str) -> int:
        with self._lock:
            return len(self._queues.get(queue, {}))

    def holds_job(self, queue: str, job_id: str) -> bool:
        """True while this store has the job (the Redis store asks its stand-in)."""
        with self._lock:
            return job_id in self._queues.get(queue, {})

    def ping(self) -> bool:
        return True

    def close(self) -> None:
        return None
