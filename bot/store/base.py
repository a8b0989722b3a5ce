"""The one interface for shared state. Implementations: memory (one process) and Redis.

Every key is given without the deployment prefix; implementations add it. Values are strings
(callers serialise JSON themselves) so both implementations behave identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Leased:
    """A job taken from a queue: it is this caller's until the lease runs out (then anyone's)."""

    job_id: str
    payload: str
    attempt: int  # 1 for the first lease of the job, 2 for the next, ...


@runtime_checkable
class Store(Protocol):
    """Shared state for de-duplication, confirmations, caches, feedback and audit."""

    @property
    def kind(self) -> str:
        """'redis' or 'memory'."""

    @property
    def degraded(self) -> bool:
        """True while the shared backend is unreachable and a fallback is serving."""

    def claim(self, key: str, ttl: float, owner: str | None = None) -> bool:
        """Atomically create ``key`` if absent (SET NX EX). True when this caller won.

        With ``owner``, the key holds that name and the claim is also True when the same owner
        already holds it: a job run again (by this replica or another) keeps its own claims.
        """

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl: float | None = None) -> None: ...

    def delete(self, key: str) -> bool: ...

    def take(self, key: str) -> str | None:
        """Atomically read and delete (GETDEL): at most one caller ever gets the value."""

    def incr(self, key: str, field: str, amount: int = 1) -> int:
        """Increment a counter in a hash (HINCRBY)."""

    def counters(self, key: str) -> dict[str, int]:
        """All counters of a hash (HGETALL)."""

    def keys(self, pattern: str) -> list[str]:
        """Keys matching a glob pattern, without the prefix (for stats, not hot paths)."""

    def append_log(self, stream: str, fields: dict[str, str], maxlen: int = 10000) -> str:
        """Append an entry to an append-only log (XADD with approximate MAXLEN); return its id."""

    def read_log(self, stream: str, count: int = 100) -> list[tuple[str, dict[str, str]]]:
        """The newest ``count`` entries, oldest first."""

    # -- a work queue with leases ---------------------------------------------------------
    # Jobs are due at a time; leasing one makes it invisible to everyone else until the lease
    # runs out, so work a replica took and never finished (it died) becomes due again by
    # itself. ``now``, ``due`` and ``until`` are seconds on the callers' shared clock.

    def enqueue(
        self, queue: str, job_id: str, payload: str, *, due: float, leased_until: float | None
    ) -> bool:
        """Add a job unless one with this id is queued or finished recently (then False).

        With ``leased_until`` the job is leased to the caller at once (its first attempt).
        """

    def lease(self, queue: str, now: float, until: float, count: int) -> list[Leased]:
        """Up to ``count`` jobs due by ``now``, each leased until ``until``."""

    def extend(self, queue: str, job_ids: list[str], until: float) -> None:
        """Keep the leases of jobs still being worked on (jobs no longer queued are skipped)."""

    def reschedule(self, queue: str, job_id: str, payload: str, due: float) -> bool:
        """Replace a queued job's payload and make it due at ``due``; False when it is gone."""

    def finish(self, queue: str, job_id: str, keep: float) -> None:
        """Remove a job; its id is refused by ``enqueue`` for ``keep`` seconds."""

    def queue_length(self, queue: str) -> int:
        """Jobs queued, leased or waiting for a retry."""

    def ping(self) -> bool:
        """True when the backend answers now."""

    def close(self) -> None: ...
