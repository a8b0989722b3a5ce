"""A fake Slack Web API on 127.0.0.1 that records every call the bot makes.

It answers from the recorded responses in ``tests/data/slack/web_api`` and
also receives ``response_url`` posts (paths under ``/hooks/``), so a test can assert exactly
what Slack would have received: the method, the channel, the thread, the blocks.

    with FakeSlackAPI() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        slack.wait_for("chat.postMessage", channel="C1")

Failures can be injected per method: ``slack.fail_next("chat.postMessage", status=429,
retry_after=1)`` answers the next call with Slack's ``ratelimited`` response.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import yaml

from tests.reference import REPO, slack_example

BOT_TOKEN = "xoxb-test-0000000000-acrbot"
APP_TOKEN = "xapp-1-A0ACRBOT01-0000-test"

# The bot-token scope each Web API method needs, as Slack's method reference states it
# (None: no scope). The fake refuses a call whose scope the app's manifest does not grant,
# as Slack does, and a method missing here fails loudly: add its scope when the bot starts
# calling it.
METHOD_SCOPES: dict[str, str | None] = {
    "auth.test": None,
    "apps.connections.open": None,  # the app-level token's connections:write, not a bot scope
    "chat.postMessage": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.update": "chat:write",
    "chat.getPermalink": None,
    "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
}
# The scope an Events API subscription needs.
EVENT_SCOPES: dict[str, str] = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
}


def manifest_scopes() -> frozenset[str]:
    """The bot scopes the app's manifest asks for (what an installed bot token carries)."""
    manifest = yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))
    return frozenset(manifest["oauth_config"]["scopes"]["bot"])


@dataclass
class Call:
    """One request the bot sent: the Web API method (or hook path) and its parameters."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    answered: int | None = None  # the status sent back (0: the connection was dropped)

    @property
    def blocks(self) -> list[dict[str, Any]]:
        raw = self.params.get("blocks") or []
        return json.loads(raw) if isinstance(raw, str) else list(raw)

    def block_text(self) -> str:
        """Every text in the blocks, joined: handy for "the answer mentions X" assertions."""
        return "\n".join(_texts(self.blocks))

    def buttons(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for block in self.blocks:
            elements = block.get("elements", []) if block.get("type") == "actions" else []
            if block.get("accessory", {}).get("type") == "button":
                elements = [*elements, block["accessory"]]
            found += [e for e in elements if e.get("type") == "button"]
        return found


def _texts(node: Any) -> list[str]:
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        for value in node.values():
            if isinstance(value, dict | list):
                out += _texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


@dataclass
class _Failure:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # a bot posting from 32 listener threads under load connects faster than one accept loop
    # takes connections: the default backlog of 5 makes the kernel reset some of them
    request_queue_size = 256

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # a bot that exits while Slack is still answering hangs up: normal


class FakeSlackAPI:
    """The fake server; ``api_url`` is the WebClient base URL, ``hook_url()`` a response_url."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.locales: dict[str, str] = {}
        self.usergroups: dict[str, list[str]] = {}  # user-group id → member user ids
        self.socket_url: str | None = None
        self.delay: dict[str, float] = {}  # method → seconds to wait before answering
        self.scopes = manifest_scopes()  # what the bot token may do
        self._lock = threading.Condition()
        self._failures: dict[str, list[_Failure]] = {}
        self.outages: dict[str, _Failure] = {}  # method → the answer while Slack is down
        self._ts = itertools.count(1)
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeSlackAPI:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSlackAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def hook_url(self) -> str:
        """A fresh response_url pointing at this fake."""
        return f"http://127.0.0.1:{self.port}/hooks/{uuid.uuid4().hex}"

    # -- test controls --------------------------------------------------------------------

    def fail_next(
        self, method: str, status: int = 429, error: str = "ratelimited", retry_after: int = 1
    ) -> None:
        """Answer the next call of ``method`` with an error (429 carries Retry-After).

        Status 0 closes the connection with no answer at all, as when Slack is unreachable.
        """
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        with self._lock:
            self._failures.setdefault(method, []).append(
                _Failure(status, {"ok": False, "error": error}, headers)
            )

    def go_down(
        self, method: str, status: int = 500, error: str = "internal_error", retry_after: int = 1
    ) -> None:
        """Answer every call of ``method`` with this failure until ``come_back``."""
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        with self._lock:
            self.outages[method] = _Failure(status, {"ok": False, "error": error}, headers)

    def come_back(self, method: str) -> None:
        with self._lock:
            self.outages.pop(method, None)

    def accepted(self, method: str, **params: Any) -> list[Call]:
        """Calls of ``method`` that Slack answered 200 (what people would see)."""
        return [c for c in self.find(method, **params) if c.answered == 200]

    def find(self, method: str, **params: Any) -> list[Call]:
        """Calls of ``method`` (a Web API method, or "hook") whose params include ``params``."""
        with self._lock:
            return self._matching(method, params)

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, **params: Any
    ) -> list[Call]:
        """Wait until at least ``count`` matching calls arrived; return them (raise if not)."""
        with self._lock:
            if self._lock.wait_for(lambda: len(self._matching(method, params)) >= count, timeout):
                return self._matching(method, params)
            found = len(self._matching(method, params))
            seen = [(c.method, c.params.get("channel")) for c in self.calls]
            raise AssertionError(
                f"expected {count} x {method} {params}, got {found}; calls: {seen}"
            )

    @staticmethod
    def hook_path(url: str) -> str:
        """The path a post to the response_url ``url`` is recorded under (``params["hook"]``)."""
        return urlsplit(url).path

    def wait_hook(self, url: str, timeout: float = 10.0) -> Call:
        """The first post the bot made to the response_url ``url`` (from ``hook_url()``)."""
        return self.wait_for("hook", timeout=timeout, hook=self.hook_path(url))[0]

    def settle(self, quiet: float = 0.5, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for ``quiet`` seconds (late duplicates show up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                last = self.calls[-1].at if self.calls else 0.0
            if time.monotonic() - last >= quiet:
                return
            time.sleep(quiet / 5)

    # -- serving --------------------------------------------------------------------------

    def _matching(self, method: str, params: dict[str, Any]) -> list[Call]:
        """The calls of ``method`` whose params include ``params`` (the caller holds the lock)."""
        return [
            c
            for c in self.calls
            if c.method == method and all(c.params.get(k) == v for k, v in params.items())
        ]

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)
            self._lock.notify_all()

    def _take_failure(self, method: str) -> _Failure | None:
        with self._lock:
            down = self.outages.get(method)
            if down is not None:
                return down
            queue = self._failures.get(method)
            return queue.pop(0) if queue else None

    def _answered(self, call: Call, status: int) -> None:
        with self._lock:
            call.answered = status
            self._lock.notify_all()

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method not in METHOD_SCOPES:
            return {"ok": False, "error": "unknown_method", "detail": f"add {method} to the fake"}
        needed = METHOD_SCOPES[method]
        if needed is not None and needed not in self.scopes:
            return {"ok": False, "error": "missing_scope", "needed": needed}
        if method == "auth.test":
            return dict(slack_example("web_api/auth.test.bot.json"))
        if method == "apps.connections.open":
            url = self.socket_url or "ws://127.0.0.1:9/link/?ticket=none"
            return {"ok": True, "url": url}
        if method == "users.info":
            user = dict(slack_example("web_api/users.info.with_locale.json"))
            user["user"] = dict(user["user"], id=params.get("user", "U0ALICE001"))
            user["user"]["locale"] = self.locales.get(str(params.get("user")), "en-US")
            return user
        if method == "chat.postMessage":
            reply = dict(slack_example("web_api/chat.postMessage.thread_reply.json"))
            ts = f"1719000000.{next(self._ts):06d}"
            message = {
                "type": "message",
                "ts": ts,
                "text": params.get("text", ""),
                "blocks": params.get("blocks", []),
                "bot_id": "B0ACRBOT01",
                "user": "U0ACRBOT01",
            }
            if params.get("thread_ts"):
                message["thread_ts"] = params["thread_ts"]
            reply.update(channel=params.get("channel"), ts=ts, message=message)
            return reply
        if method == "usergroups.users.list":
            group = str(params.get("usergroup"))
            if group not in self.usergroups:
                return {"ok": False, "error": "no_such_subteam"}
            return {"ok": True, "users": list(self.usergroups[group])}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1719000000.{next(self._ts):06d}"}
        if method == "chat.getPermalink":
            channel = params.get("channel", "C0")
            ts = str(params.get("message_ts", "0")).replace(".", "")
            return {
                "ok": True,
                "channel": channel,
                "permalink": f"https://contoso-dev.slack.com/archives/{channel}/p{ts}",
            }
        return {"ok": True}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if self.path.startswith("/hooks/"):
                    method = "hook"
                else:
                    method = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
                params = _parse(raw, self.headers.get("Content-Type", ""))
                if method == "hook":
                    params["hook"] = self.path
                call = Call(method, params, {k.lower(): v for k, v in self.headers.items()})
                fake._record(call)
                pause = fake.delay.get(method)
                if pause:
                    time.sleep(pause)
                failure = fake._take_failure(method)
                if failure is not None and failure.status == 0:
                    fake._answered(call, 0)
                    self.close_connection = True
                    return
                if failure is not None:
                    fake._answered(call, failure.status)
                    self._send(failure.status, failure.body, failure.headers)
                    return
                fake._answered(call, 200)
                if method == "hook":
                    self._send(200, None, {})
                    return
                self._send(200, fake._answer(method, params), {})

            def _send(
                self, status: int, body: dict[str, Any] | None, headers: dict[str, str]
            ) -> None:
                data = b"ok" if body is None else json.dumps(body).encode("utf-8")
                self.send_response(status)
                ctype = "text/plain" if body is None else "application/json; charset=utf-8"
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler


def _parse(raw: str, content_type: str) -> dict[str, Any]:
    if "json" in content_type:
        try:
            value = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            return {"_raw": raw}
        return value if isinstance(value, dict) else {"_raw": value}
    return dict(parse_qsl(raw, keep_blank_values=True))
