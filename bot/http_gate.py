"""The HTTP door's gate: only bounded, signed, well-formed requests reach Bolt.

Bolt parses a body before it checks the signature, answers 500 to bodies it cannot parse and
logs the whole body of a request whose signature fails; waitress alone accepts a gigabyte.
The gate stands in front of it (a WSGI middleware, no Slack library needed):

- a body over ``MAX_BODY`` → 413, from the Content-Length, before the body is read (waitress
  also refuses it while reading the headers; a chunked body is cut at the limit);
- unsigned, wrongly signed, or more than five minutes off the clock → 401;
- signed but malformed → 400: not UTF-8, not JSON, not a JSON object, a ``payload=`` that is
  not a JSON object, nesting too deep to parse, an ``event`` that is not an object;
- Slack's ``app_rate_limited`` notice → 200 (logged): it needs an answer, not a listener.

No log line of the gate carries the body: only its length and why it was refused.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from bot.observe.logging import event

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes; Slack's own requests are a few kilobytes
MAX_SKEW = 300  # seconds a signed timestamp may be off the clock (Slack's advice)

Wsgi = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Clock = Callable[[], float]


def _answer(start_response: Callable[..., Any], status: str, body: bytes) -> list[bytes]:
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def signed(secret: str, timestamp: str, signature: str, body: bytes, now: float) -> bool:
    """Slack's v0 signature over ``v0:<timestamp>:<body>``, within ``MAX_SKEW`` of ``now``."""
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW:
        return False
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def malformed(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """Why a signed body cannot be a Slack request (None when it can), and the ``type`` of a
    well-formed JSON body (None for a form), so that the body is parsed once."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8", None
    as_json = content_type.startswith("application/json") or text.lstrip().startswith("{")
    try:
        if as_json:
            data = json.loads(text)
        else:
            form = dict(parse_qsl(text, keep_blank_values=True))
            if "payload" not in form:
                return None, None  # a slash command's form
            data = json.loads(form["payload"])
    except RecursionError:
        return "nested too deeply", None
    except ValueError:
        return "not JSON", None
    if not isinstance(data, dict):
        return "not a JSON object", None
    if "event" in data and not (
        isinstance(data["event"], dict) and isinstance(data["event"].get("type"), str)
    ):
        return "its event is not an object with a type", None
    return None, str(data.get("type")) if as_json else None


def _read(environ: dict[str, Any], limit: int) -> bytes | None:
    """The body, at most ``limit`` bytes; None when it is longer."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    raw = environ.get("CONTENT_LENGTH") or ""
    if raw.isdigit():
        length = int(raw)
        if length > limit:
            return None
        body = stream.read(length) if length else b""
        return bytes(body)
    body = bytes(stream.read(limit + 1))  # chunked: read one byte past the limit to tell
    return None if len(body) > limit else body


def gate(
    inner: Wsgi,
    signing_secret: str,
    *,
    path: str,
    max_body: int = MAX_BODY,
    clock: Clock = time.time,
) -> Wsgi:
    """``inner`` behind the checks above, for POSTs to ``path``; anything else passes."""

    def refuse(start: Callable[..., Any], status: str, reason: str, length: int) -> list[bytes]:
        event(log, "http.refused", status=int(status[:3]), reason=reason, length=length)
        return _answer(start, status, json.dumps({"error": reason}).encode())

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != path:
            return inner(environ, start_response)
        body = _read(environ, max_body)
        if body is None:
            declared = str(environ.get("CONTENT_LENGTH") or "0")
            length = int(declared) if declared.isdigit() else max_body + 1
            return refuse(start_response, "413 Payload Too Large", "body too large", length)
        timestamp = str(environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or "").strip()
        signature = str(environ.get("HTTP_X_SLACK_SIGNATURE") or "")
        if not signed(signing_secret, timestamp, signature, body, clock()):
            return refuse(start_response, "401 Unauthorized", "invalid request", len(body))
        content_type = str(environ.get("CONTENT_TYPE") or "").lower()
        problem, kind = malformed(body, content_type)
        if problem is not None:
            return refuse(start_response, "400 Bad Request", f"body {problem}", len(body))
        if body[:1] == b"{" and kind == "app_rate_limited":
            # Slack stopped sending events for a minute; it wants a 200, nothing else
            event(log, "slack.rate_limited", logging.WARNING)
            return _answer(start_response, "200 OK", b"{}")
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        return inner(environ, start_response)

    return wsgi
