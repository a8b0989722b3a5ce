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
services' job pool as a durable job (``bot.jobs``, ``handlers/replies.py``): work acknowledged
to Slack is done by this replica, or by another one if this one dies or stops first. On
SIGTERM ``stop`` finishes the jobs it holds within ``ACRBOT_DRAIN_SECONDS`` and gives the rest
back to the queue. HTTP mode serves Bolt's WSGI adapter with waitress at /slack/events, behind
the gate of ``bot.http_gate`` (bounded, signed, well-formed requests only).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltError
from slack_bolt.middleware import Middleware
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.config import Settings
from bot.http_gate import MAX_BODY, gate
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
# Parts of ACRBOT_DRAIN_SECONDS: the requests already read are answered within the first;
# the last lets posts already on their way to Slack return after the rest was given back.
ACK_DRAIN_SECONDS = 5.0
SETTLE_SECONDS = 5.0


def web_client(settings: Settings) -> Any:
    """The Web API client (``handlers.replies.DurableClient``), SLACK_API_URL honoured."""
    from handlers.replies import web_client as durable_client

    base_url = settings.slack_api_url or DEFAULT_API_URL
    if not base_url.endswith("/"):
        base_url += "/"
    return durable_client(settings.slack_bot_token, base_url)


def build_app(settings: Settings, services: Services) -> App:
    """The Bolt app with every listener registered. Calls auth.test (raises on a bad token)."""
    from handlers import register_all
    from handlers.context import BODY, SERVICES
    from handlers.replies import attach

    http = settings.mode == "http"
    client = web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret if http else "socket-mode-not-used",
        request_verification_enabled=http,
        # listeners acknowledge in the request's thread and hand their work to the job pool
        process_before_response=True,
        # no OAuth flow: a single-workspace app with a bot token
        oauth_settings=None,
        installation_store=None,
    )

    app.use(_AttachServices(services, SERVICES, BODY, client))
    register_all(app)
    attach(app, services, client)
    if settings.audit_channel:

        def post(channel: str, text: str) -> None:
            client.chat_postMessage(channel=channel, text=text)

        services.audit.poster = post
    return app


class _AttachServices(Middleware):
    """Puts the process's services and the request's body in its context, where listeners
    find them, and makes its ``client`` and ``respond`` durable (``handlers.replies``): the
    app's one client instead of Bolt's copy per request, ``DurableRespond`` for respond.

    A Middleware object rather than a function: Bolt calls it directly, without building
    keyword arguments for it on every request (the acknowledgement is on the hot path).
    """

    def __init__(self, services: Services, key: str, body_key: str, client: Any) -> None:
        from handlers.replies import DurableRespond

        self.services = services
        self.key = key
        self.body_key = body_key
        self.client = client
        self.durable = DurableRespond

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context = req.context
        context[self.key] = self.services
        context[self.body_key] = req.body
        context["client"] = self.client
        if context.response_url:
            respond = context.respond  # Bolt builds it on first use
            if isinstance(respond, Respond):
                context["respond"] = self.durable(respond, self.client)
        return next()


def http_front(app: App, signing_secret: str) -> Any:
    """The WSGI application HTTP mode serves: Bolt's adapter behind the gate."""
    return gate(SlackRequestHandler(app, path=EVENTS_PATH), signing_secret, path=EVENTS_PATH)


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
        self.services.jobs.run_background()  # due jobs in (kept replies, other replicas' work)
        if self.settings.mode == "http":
            self._start_http()
        else:
            self._start_socket()
        self._monitor = threading.Thread(target=self._watch, name="acrbot-monitor", daemon=True)
        self._monitor.start()

    def _start_http(self) -> None:
        from waitress.server import create_server

        wsgi = http_front(self.app, self.settings.slack_signing_secret or "")
        self._http = create_server(
            wsgi,
            host=self.settings.host,
            port=self.settings.port,
            threads=HTTP_THREADS,
            ident="acrbot",
            clear_untrusted_proxy_headers=True,
            # refused from the Content-Length before the body is read (waitress: >= limit)
            max_request_body_size=MAX_BODY + 1,
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
        """Every second: Socket Mode connection state, and whether the worker pool moves.

        The pool beats while a worker is free or something finished lately; every worker
        busy and nothing finished for a minute means stuck, and /healthz says so.
        """
        jobs = self.services.jobs
        while not self._stopping.wait(1.0):
            if self._socket is not None:
                if self._socket.client.is_connected():
                    HEALTH.socket_connected()
                else:
                    HEALTH.socket_disconnected()
            if jobs.moving():
                HEALTH.heartbeat()

    def _stop_http(self) -> None:
        """Stop accepting, answer the requests already read, send the answers, then close.

        Closing waitress at once would close its wake-up pipe under requests still being
        answered, and their acknowledgements would fail to write.
        """
        from waitress import wasyncore

        server = self._http
        deadline = time.monotonic() + ACK_DRAIN_SECONDS
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
        """Ready once Slack accepted the token, until SIGTERM. A Redis outage does not make a
        replica unready: it still acknowledges, triages and answers (de-duplicating within
        the process), while a Service without ready replicas would answer nothing at all.
        The outage shows in /readyz and /metrics (store_degraded) and in `/acr help`; the
        probe's ping keeps that current while no request touches the store."""
        self.services.store.ping()
        return HEALTH.slack_auth_ok and not self._stopping.is_set()

    def stop(self) -> None:
        """Stop taking requests; finish the jobs held here within ACRBOT_DRAIN_SECONDS, give
        the rest back to the queue (another replica does them); release everything."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        began = time.monotonic()
        event(log, "serve.stopping", mode=self.settings.mode)
        if self._socket is not None:
            # envelopes not acknowledged yet are delivered again by Slack to another connection
            self._socket.close()  # type: ignore[no-untyped-call]
        if self._http is not None:
            self._stop_http()
        # the last part of the drain lets posts on their way come back (recorded as sent)
        settle = min(SETTLE_SECONDS, self.settings.drain_seconds / 4)
        left = max(0.5, self.settings.drain_seconds - settle - (time.monotonic() - began))
        given_back = self.services.jobs.stop(left, settle)
        if given_back:
            shared = self.services.store.kind == "redis"
            event(
                log,
                "serve.gave_back" if shared else "serve.unfinished",
                logging.WARNING if shared else logging.ERROR,
                jobs=given_back,
                detail="left in the queue for another replica"
                if shared
                else "no shared store: this work ends with the process",
            )
        self.services.store.close()
        event(log, "serve.stopped", mode=self.settings.mode)
