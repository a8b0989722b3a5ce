"""The one interface for shared state. Implementations: memory (one process) and Redis.

Every key is given without the deployment prefix; implementations add it. Values are strings
(callers serialise JSON themselves) so both implementations behave identically.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class Store(Protocol):
    """Shared state for de-duplication, confirmations, caches, feedback and audit."""

    @property
    def kind(self) -> str:
        """'redis' or 'memory'."""

    @property
    def degraded(self) -> bool:
        """True while the shared backend is unreachable and a fallback is serving."""

    def claim(self, key: str, ttl: float) -> bool:
        """Atomically create ``key`` if absent (SET NX EX). True when this caller won."""

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

    def ping(self) -> bool:
        """True when the backend answers now."""

    def close(self) -> None: ...
