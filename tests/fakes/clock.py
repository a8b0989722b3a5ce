"""A clock a test moves on by hand, instead of sleeping until a deadline passes."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """Callable like ``time.time`` / ``time.monotonic``; starts at the real time."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
