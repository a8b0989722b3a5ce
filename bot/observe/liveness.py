"""Liveness and readiness state, updated by the Slack runner and read by /healthz, /readyz.

The runner reports facts (Socket Mode link up or down, a worker-pool heartbeat, Slack auth done);
:meth:`HealthState.liveness` turns them into a verdict with reasons an operator can read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_SOCKET_DOWN_THRESHOLD = 120.0
DEFAULT_STUCK_AFTER = 60.0


@dataclass(frozen=True)
class Verdict:
    """The answer of one health check: ``ok`` plus one short reason per failing check."""

    ok: bool
    reasons: tuple[str, ...] = ()
    details: dict[str, float | bool | None] = field(default_factory=dict)


@dataclass
class HealthState:
    """Thread-safe facts about the process; the HTTP endpoints turn them into status codes.

    ``socket_down_threshold`` is how long the Socket Mode link may stay down before liveness
    fails (None: taken from ACRBOT_SOCKET_DOWN_THRESHOLD when the ops server starts).
    ``stuck_after`` is how old the worker-pool heartbeat may get once heartbeats have started.
    """

    socket_mode: bool = False
    slack_auth_ok: bool = False
    store_degraded: bool = False  # Redis unreachable: shown by /readyz, which stays ready
    socket_down_threshold: float | None = None
    stuck_after: float = DEFAULT_STUCK_AFTER
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _socket_down_since: float | None = field(default=None, repr=False)
    _last_heartbeat: float = field(default=0.0, repr=False)
    _heartbeats_started: bool = field(default=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._last_heartbeat = self.clock()

    def socket_connected(self) -> None:
        with self._lock:
            self._socket_down_since = None

    def socket_disconnected(self) -> None:
        with self._lock:
            if self._socket_down_since is None:
                self._socket_down_since = self.clock()

    def socket_down_for(self) -> float:
        with self._lock:
            since = self._socket_down_since
        return 0.0 if since is None else self.clock() - since

    def heartbeat(self) -> None:
        with self._lock:
            self._last_heartbeat = self.clock()
            self._heartbeats_started = True

    def heartbeat_age(self) -> float:
        with self._lock:
            return self.clock() - self._last_heartbeat

    def liveness(self) -> Verdict:
        """Alive unless the Socket Mode link is down too long or the worker pool is stuck."""
        reasons: list[str] = []
        threshold = self.socket_down_threshold or DEFAULT_SOCKET_DOWN_THRESHOLD
        down_for = self.socket_down_for()
        if self.socket_mode and down_for > threshold:
            reasons.append(
                f"Socket Mode link down for {down_for:.0f}s (threshold {threshold:.0f}s)"
            )
        with self._lock:
            started = self._heartbeats_started
        age = self.heartbeat_age()
        if started and age > self.stuck_after:
            reasons.append(
                f"worker pool silent for {age:.0f}s (limit {self.stuck_after:.0f}s): stuck?"
            )
        return Verdict(
            ok=not reasons,
            reasons=tuple(reasons),
            details={
                "socket_mode": self.socket_mode,
                "socket_down_seconds": round(down_for, 1),
                "socket_down_threshold_seconds": threshold,
                "heartbeat_age_seconds": round(age, 1) if started else None,
            },
        )

    def reset(self) -> None:
        """Forget everything learnt so far (a new run in the same process, or a test)."""
        with self._lock:
            self.socket_mode = False
            self.slack_auth_ok = False
            self.store_degraded = False
            self._socket_down_since = None
            self._last_heartbeat = self.clock()
            self._heartbeats_started = False


HEALTH = HealthState()
