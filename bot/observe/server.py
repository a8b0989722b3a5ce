"""The operations port: /healthz (liveness), /readyz (readiness) and /metrics (Prometheus).

It runs on its own thread and its own port (ACRBOT_METRICS_PORT, default 9090) in both Socket
Mode and HTTP mode, so a probe still gets an answer while Slack traffic is slow.

    server = start_ops_server(settings.metrics_port, HEALTH, ready=lambda: ...)
    ...
    server.close()
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest

import bot.observe.metrics  # noqa: F401 - importing registers the bot's metrics for /metrics
from bot.observe.liveness import DEFAULT_SOCKET_DOWN_THRESHOLD, HealthState
from bot.observe.logging import event

log = logging.getLogger(__name__)

ReadyCheck = Callable[[], bool]


class OpsServer:
    """A running ops server; ``port`` is the bound port (useful when asked for port 0)."""

    def __init__(self, httpd: ThreadingHTTPServer, thread: threading.Thread) -> None:
        self._httpd = httpd
        self._thread = thread
        self.host = str(httpd.server_address[0])
        self.port = int(httpd.server_address[1])

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def close(self) -> None:
        """Stop answering and release the port; safe to call twice."""
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()


def start_ops_server(
    port: int,
    health: HealthState,
    ready: ReadyCheck,
    host: str = "0.0.0.0",  # noqa: S104 - probes and Prometheus reach the pod from outside
) -> OpsServer:
    """Serve /healthz, /readyz and /metrics on ``host:port`` from a daemon thread."""
    if health.socket_down_threshold is None:
        health.socket_down_threshold = _threshold_from_environment()
    handler = _make_handler(health, ready)
    httpd = ThreadingHTTPServer((host, port), handler)
    httpd.daemon_threads = True
    # a short poll keeps close() (on SIGTERM) quick; the loop only wakes to check for it
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="acrbot-ops", daemon=True
    )
    thread.start()
    server = OpsServer(httpd, thread)
    event(log, "ops_server.started", host=server.host, port=server.port)
    return server


def _threshold_from_environment() -> float:
    """ACRBOT_SOCKET_DOWN_THRESHOLD as validated by Settings, or the default when unusable."""
    from bot.config import Settings
    from bot.errors import ConfigError

    try:
        return float(Settings.from_env().socket_down_threshold_seconds)
    except ConfigError:
        return DEFAULT_SOCKET_DOWN_THRESHOLD


def readiness(health: HealthState, ready: ReadyCheck) -> tuple[bool, dict[str, Any]]:
    """Ask the readiness callable; an exception counts as not ready, with its type as reason."""
    body: dict[str, Any] = {
        "slack_auth_ok": health.slack_auth_ok,
        "store_degraded": health.store_degraded,
    }
    try:
        ok = bool(ready())
    except Exception as exc:  # a failing check must answer 503, not kill the server
        ok = False
        body["error"] = type(exc).__name__
    body["status"] = "ready" if ok else "not ready"
    return ok, body


def _make_handler(health: HealthState, ready: ReadyCheck) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "acrbot-ops"
        sys_version = ""

        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                verdict = health.liveness()
                body = {
                    "status": "ok" if verdict.ok else "failing",
                    "reasons": list(verdict.reasons),
                    **verdict.details,
                }
                self._send_json(200 if verdict.ok else 503, body)
            elif path == "/readyz":
                ok, body = readiness(health, ready)
                self._send_json(200 if ok else 503, body)
            elif path == "/metrics":
                self._send(200, CONTENT_TYPE_LATEST, generate_latest(REGISTRY))
            else:
                self._send_json(404, {"error": "not found", "paths": _PATHS})

        def do_HEAD(self) -> None:
            self.do_GET()

        def _send_json(self, status: int, body: dict[str, Any]) -> None:
            self._send(status, "application/json", json.dumps(body).encode() + b"\n")

        def _send(self, status: int, content_type: str, payload: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Probes hit these paths every few seconds: keep them out of the logs."""

    return Handler


_PATHS = ["/healthz", "/readyz", "/metrics"]
