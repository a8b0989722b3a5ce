"""Build the Bolt app from settings and services, and run it in Socket Mode or HTTP mode.

    bot = SlackBot(settings, services)   # calls auth.test: a bad token fails here, clearly
    bot.start()                          # connects (socket) or listens (http); returns
    ...
    bot.stop()                           # closes the connection, then drains listener work

This is the one module under ``bot/`` that imports Slack's libraries: it is the Slack door's
composition root (the app factory). Every request, whichever the mode, goes through Bolt's
dispatch — signature check, listener matching, acknowledgement — and nothing else.

Listeners run with ``process_before_response``: each one acknowledges in the request's own
thread (help and faq answer inside the acknowledgement) and hands the rest of its work to the
services' job pool, which ``stop`` drains: an event acknowledged to Slack is never lost on
SIGTERM. HTTP mode serves Bolt's WSGI adapter with waitress at /slack/events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.observe.liveness import HEALTH
from bot.observe.logging import event
from bot.observe.metrics import HTTP_QUEUE
from bot.services import Services

log = logging.getLogger(__name__)

# What building or starting the app raises when Slack refuses the token or cannot be reached.
START_FAILURES: tuple[type[Exception], ...] = (BoltError, SlackApiError, SlackClientError, OSError)

EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"
HTTP_THREADS = 16
# How often the Socket Mode client checks its link (and so how soon a dropped one is
# reopened): slack_sdk's own default, where Bolt's adapter would use 10 s.
SOCKET_PING_INTERVAL = 5.0
DRAIN_SECONDS = 30.0


def web_client(settings: Settings) -> WebClient:
    """The Web API client: SLACK_API_URL honoured; 429 waits Retry-After and tries again."""
    base_url = settings.slack_api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return WebClient(
        token=settings.slack_bot_token,
        base_url=base_url,
        timeout=15,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(settings: Settings, services: Services, client: WebClient | None = None) -> App:
    """The Bolt app with every listener registered. Calls auth.test (raises on a bad token)."""
    from handlers import register_all
    from handlers.context import SERVICES

    http = settings.mode == "http"
    client = client or web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret if http else "socket-mode-not-used",
        request_verification_enabled=http,
        # listeners acknowledge in the request's thread and hand their work to the job pool
        process_before_response=True,
        listener_executor=services.jobs.executor,
        # no OAuth flow: a single-workspace app with a bot token
        oauth_settings=None,
        installation_store=None,
    )

    app.use(_AttachServices(services, SERVICES))
    register_all(app)
    if settings.audit_channel:

        def post(channel: str, text: str) -> None:
            client.chat_postMessage(channel=channel, text=text)

        services.audit.poster = post
    return app


class _AttachServices(Middleware):
    """Puts the process's services in every request's context, where listeners find them.

    A Middleware object rather than a function: Bolt calls it directly, without building
    keyword arguments for it on every request (the acknowledgement is on the hot path).
    """

    def __init__(self, services: Services, key: str) -> None:
        self.services = services
        self.key = key

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        req.context[self.key] = self.services
        return next()


def refuse_garbled_timestamps(inner: Any) -> Any:
    """401 for a request whose X-Slack-Request-Timestamp is not a number.

    Bolt would answer 500 (its verifier raises on such a header); it is simply a request Slack
    did not sign, so it gets the same 401 as any other bad signature.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        stamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
        if stamp is not None and not str(stamp).strip().isdigit():
            body = b'{"error": "invalid request"}'
            start_response(
                "401 Unauthorized",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return inner(environ, start_response)

    return wsgi


def http_front(app: App) -> Any:
    """The WSGI application HTTP mode serves: Bolt's adapter behind the timestamp check."""
    return refuse_garbled_timestamps(SlackRequestHandler(app, path=EVENTS_PATH))


class SlackBot:
    """One running bot process: the Bolt app plus its Socket Mode or HTTP front."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self.settings = settings
        self.services = services
        services.warm()  # the knowledge index is built before the bot says it is ready
        self.app = build_app(settings, services)
        HEALTH.slack_auth_ok = True
        HEALTH.socket_mode = settings.mode != "http"
        self._stopping = threading.Event()
        self._socket: SocketModeHandler | None = None
        self._http: Any = None
        self._http_thread: threading.Thread | None = None
        self._monitor: threading.Thread | None = None

    @property
    def port(self) -> int | None:
        """The bound HTTP port (HTTP mode), also when PORT=0 asked for an ephemeral one."""
        return int(self._http.effective_port) if self._http is not None else None

    def start(self) -> None:
        if self.settings.mode == "http":
            self._start_http()
        else:
            self._start_socket()
        self._monitor = threading.Thread(target=self._watch, name="acrbot-monitor", daemon=True)
        self._monitor.start()

    def _start_http(self) -> None:
        from waitress.server import create_server

        wsgi = http_front(self.app)
        self._http = create_server(
            wsgi,
            host=self.settings.host,
            port=self.settings.port,
            threads=HTTP_THREADS,
            ident="acrbot",
            clear_untrusted_proxy_headers=True,
        )
        # waitress warns on every request while the queue is longer than the idle threads:
        # a log line per request under load. The depth is a gauge on /metrics instead.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        dispatcher = self._http.task_dispatcher
        HTTP_QUEUE.set_function(lambda: float(len(dispatcher.queue)))
        self._http_thread = threading.Thread(target=self._http.run, name="acrbot-http", daemon=True)
        self._http_thread.start()
        event(log, "serve.listening", mode="http", port=self.port, path=EVENTS_PATH)

    def _start_socket(self) -> None:
        self._socket = SocketModeHandler(
            self.app, app_token=self.settings.slack_app_token, ping_interval=SOCKET_PING_INTERVAL
        )
        self._socket.connect()  # type: ignore[no-untyped-call]
        event(log, "serve.connected", mode="socket")

    def _watch(self) -> None:
        """Every second: Socket Mode connection state and a heartbeat through the worker pool."""
        while not self._stopping.wait(1.0):
            if self._socket is not None:
                if self._socket.client.is_connected():
                    HEALTH.socket_connected()
                else:
                    HEALTH.socket_disconnected()
            if not self.services.jobs.submit("heartbeat", HEALTH.heartbeat):
                return  # the pool is shutting down

    def _stop_http(self) -> None:
        """Stop accepting, answer the requests already read, send the answers, then close.

        Closing waitress at once would close its wake-up pipe under requests still being
        answered, and their acknowledgements would fail to write.
        """
        from waitress import wasyncore

        server = self._http
        deadline = time.monotonic() + DRAIN_SECONDS
        server.accepting = False
        server.del_channel()  # the listening socket: no new connections from here on
        server.socket.close()
        dispatcher = server.task_dispatcher
        while dispatcher.queue and time.monotonic() < deadline:
            time.sleep(0.02)
        dispatcher.shutdown(cancel_pending=False, timeout=max(0.0, deadline - time.monotonic()))
        channels = list(server._map.values())
        while time.monotonic() < deadline and any(
            getattr(channel, "total_outbufs_len", 0) for channel in channels
        ):
            time.sleep(0.02)
        wasyncore.close_all(server._map, ignore_all=True)  # the loop ends with its map empty
        if self._http_thread is not None:
            self._http_thread.join(max(0.1, deadline - time.monotonic()))

    def ready(self) -> bool:
        return HEALTH.slack_auth_ok and self.services.store.ping()

    def stop(self) -> None:
        """Stop taking new work, finish what was acknowledged, release everything."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        event(log, "serve.stopping", mode=self.settings.mode)
        if self._socket is not None:
            # envelopes not acknowledged yet are delivered again by Slack to another connection
            self._socket.close()  # type: ignore[no-untyped-call]
        if self._http is not None:
            self._stop_http()
        self.services.jobs.drain()
        self.services.store.close()
        event(log, "serve.stopped", mode=self.settings.mode)
