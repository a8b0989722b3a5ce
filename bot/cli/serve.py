"""`acrbot serve`: connect to Slack (Socket Mode or HTTP), or open the console without tokens.

SIGTERM and SIGINT stop the bot cleanly: the Socket Mode connection is closed (or the HTTP
port), work already acknowledged to Slack is finished, then the process exits 0.
"""

from __future__ import annotations

import argparse
import errno
import gc
import logging
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.observe.liveness import HEALTH
from bot.observe.logging import configure_logging, event

if TYPE_CHECKING:
    from bot.observe.server import OpsServer
    from bot.slack_app import SlackBot

log = logging.getLogger("bot.serve")

NO_TOKENS = (
    "No Slack tokens: opening the local console. To connect to Slack set SLACK_BOT_TOKEN "
    "and SLACK_APP_TOKEN (Socket Mode), or ACRBOT_MODE=http with SLACK_BOT_TOKEN and "
    "SLACK_SIGNING_SECRET (and PORT, default 3000)."
)


NO_TOKENS_NO_TERMINAL = (
    "acrbot serve: no Slack tokens and no terminal to open the console on. Set SLACK_BOT_TOKEN "
    "and SLACK_APP_TOKEN (Socket Mode), or ACRBOT_MODE=http with SLACK_BOT_TOKEN and "
    "SLACK_SIGNING_SECRET."
)


def _stdin_is_null() -> bool:
    """True when standard input is /dev/null (a container or service with no terminal)."""
    try:
        info = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return True
    return stat.S_ISCHR(info.st_mode) and not sys.stdin.isatty()


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the Slack bot (the console when no tokens are set)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.has_slack_tokens:
        if _stdin_is_null():
            # a container started without tokens: say so and fail, rather than open a
            # console that reads nothing and exits 0 over and over
            print(NO_TOKENS_NO_TERMINAL, file=sys.stderr)
            return 2
        from bot import console
        from bot.services import build_services

        print(NO_TOKENS, file=sys.stderr)
        return console.run(build_services(settings))
    configure_logging(settings.log_format, settings.log_level)
    return serve(settings)


def serve(settings: Settings) -> int:
    from bot.services import build_services
    from bot.slack_app import START_FAILURES, SlackBot

    services = build_services(settings)
    try:
        bot = SlackBot(settings, services)
    except START_FAILURES as exc:
        reason = _slack_reason(exc)
        print(f"acrbot: cannot connect to Slack: {reason}", file=sys.stderr)
        event(log, "serve.auth_failed", logging.ERROR, reason=reason)
        services.store.close()
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        event(log, "serve.signal", signal=signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    ops: OpsServer | None = None
    try:
        ops = _start_ops_server(settings, bot.ready)
        _start_listening(settings, bot)
    except CannotListen as exc:
        print(f"acrbot: {exc}", file=sys.stderr)
        bot.stop()
        if ops is not None:
            ops.close()
        return 1
    # The knowledge index and the loaded libraries live as long as the process: keeping them
    # out of the collector's view makes full collections, and the pauses they add to a
    # request, short.
    gc.collect()
    gc.freeze()
    try:
        event(
            log,
            "serve.started",
            mode=settings.mode,
            port=bot.port,
            store=services.store.kind,
            degraded=services.store.degraded,
            topics=len(services.kb),
        )
        while not stop.wait(0.5):
            pass
    finally:
        bot.stop()
        if ops is not None:
            ops.close()
    _exit_unheld(0)
    return 0


def _exit_unheld(status: int) -> None:
    """Exit now if threads are still at work (an Azure call of a job already given back to
    the queue): waiting for them could outlast the pod's grace period, and what they do is
    another replica's now. The log is flushed first."""
    busy = [
        t
        for t in threading.enumerate()
        if t is not threading.main_thread() and not t.daemon and t.is_alive()
    ]
    if not busy:
        return
    event(log, "serve.exit", threads=len(busy))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


class CannotListen(Exception):
    """A port the bot must serve on cannot be bound; the message is the one line to print."""


_BIND_ERRORS = {
    errno.EADDRINUSE: "it is already in use; stop what uses it or set {variable} to a free port",
    errno.EACCES: "ports below 1024 need privileges; set {variable} to 1024 or above",
    errno.EADDRNOTAVAIL: "that address is not one of this machine's (ACRBOT_HOST)",
}


def _cannot_listen(exc: OSError, what: str, where: str, variable: str) -> CannotListen:
    reason = _BIND_ERRORS.get(exc.errno or 0, exc.strerror or str(exc))
    return CannotListen(
        f"cannot serve {what} on {where} ({variable}): {reason.format(variable=variable)}"
    )


def _start_ops_server(settings: Settings, ready: Callable[[], bool]) -> OpsServer:
    """/healthz, /readyz, /metrics: without them a pod would be restarted, so no port, no bot."""
    from bot.observe.server import start_ops_server

    try:
        server = start_ops_server(settings.metrics_port, HEALTH, ready=ready)
    except OSError as exc:
        what = "/healthz, /readyz and /metrics"
        where = f"port {settings.metrics_port}"
        raise _cannot_listen(exc, what, where, "ACRBOT_METRICS_PORT") from None
    event(log, "ops.listening", port=server.port)
    return server


def _start_listening(settings: Settings, bot: SlackBot) -> None:
    """Connect (Socket Mode) or bind PORT (HTTP mode)."""
    try:
        bot.start()
    except OSError as exc:
        if settings.mode != "http" or exc.errno not in _BIND_ERRORS:
            raise
        where = f"{settings.host}:{settings.port}"
        raise _cannot_listen(exc, "Slack's requests", where, "PORT") from None


def _slack_reason(exc: BaseException) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            return str(response.get("error") or exc)
        except AttributeError:
            pass
    text = str(exc)
    if "invalid_auth" in text:
        return "invalid_auth (check SLACK_BOT_TOKEN)"
    return text.splitlines()[0] if text else type(exc).__name__
