"""Liveness and readiness state, updated by the Slack runner and read by /healthz, /readyz."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass
class HealthState:
    """Thread-safe facts about the process; the HTTP endpoints turn them into status codes."""

    socket_mode: bool = False
    slack_auth_ok: bool = False
    store_ready: bool = True
    _socket_down_since: float | None = field(default=None, repr=False)
    _last_heartbeat: float = field(default_factory=time.monotonic, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def socket_connected(self) -> None:
        with self._lock:
            self._socket_down_since = None

    def socket_disconnected(self) -> None:
        with self._lock:
            if self._socket_down_since is None:
                self._socket_down_since = time.monotonic()

    def socket_down_for(self) -> float:
        with self._lock:
            since = self._socket_down_since
        return 0.0 if since is None else time.monotonic() - since

    def heartbeat(self) -> None:
        with self._lock:
            self._last_heartbeat = time.monotonic()

    def heartbeat_age(self) -> float:
        with self._lock:
            return time.monotonic() - self._last_heartbeat


HEALTH = HealthState()
