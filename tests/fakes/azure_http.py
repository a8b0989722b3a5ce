"""A tiny threaded HTTP(S) server for the Azure fakes, bound to 127.0.0.1 on an ephemeral port.

TLS uses a trustme CA; the handshake runs in the worker thread so that many clients connecting
at once are not serialised behind one accept loop.
"""

from __future__ import annotations

import json
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import trustme

from tests.reference import REPO

__all__ = ["REPO", "FakeServer", "Reply", "Request", "TestCA", "free_port"]


class TestCA:
    """A throwaway certificate authority and one server certificate for 127.0.0.1/localhost."""

    __test__ = False

    def __init__(self, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> None:
        self.ca = trustme.CA()
        self.cert = self.ca.issue_cert(*hosts)
        self._dir = tempfile.TemporaryDirectory(prefix="acrbot-ca-")
        self.ca_pem = Path(self._dir.name) / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_pem))
        self.cert_pem = Path(self._dir.name) / "server.pem"
        self.cert.private_key_and_cert_chain_pem.write_to_path(str(self.cert_pem))

    def server_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.cert.configure_cert(ctx)
        return ctx

    def close(self) -> None:
        self._dir.cleanup()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8", "replace")))


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list → JSON, bytes → raw, None → empty
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Reply]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512

    def __init__(self, handler: Handler, context: ssl.SSLContext | None) -> None:
        self.app = handler
        self.context = context
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.context is not None:
            try:
                request.settimeout(10)
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        return None  # clients that hang up early are normal in timeout tests


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # the headers and the body go out in two writes: without TCP_NODELAY the second waits for
    # the client's delayed ACK, 40 ms on Linux, on every answer of a kept-alive connection
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        try:
            reply = self.server.app(request)
        except Exception as exc:  # a bug in a fake must show up as a 500 with a reason
            reply = Reply(500, {"error": {"code": "FakeBug", "message": repr(exc)}})
        if isinstance(reply.body, bytes):
            payload = reply.body
        elif reply.body is None:
            payload = b""
        else:
            payload = json.dumps(reply.body).encode()
        try:
            self.send_response(reply.status)
            if reply.body is not None and not isinstance(reply.body, bytes):
                self.send_header("Content-Type", "application/json")
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            return

    do_GET = _serve
    do_POST = _serve
    do_PUT = _serve
    do_PATCH = _serve
    do_DELETE = _serve


class FakeServer:
    """Runs a handler on its own thread; ``url`` is https://127.0.0.1:<port> when TLS is on."""

    def __init__(self, handler: Handler, ca: TestCA | None = None, host: str = "127.0.0.1"):
        self._server = _Server(handler, ca.server_context() if ca else None)
        self.port: int = self._server.server_address[1]
        scheme = "https" if ca else "http"
        self.url = f"{scheme}://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port
