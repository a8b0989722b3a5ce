"""Structured logging: one JSON object per line on stderr (or text for humans), secrets scrubbed.

Standard output belongs to what the bot says (the console's answers, the CLI's results), so a
log line never lands in the conversation or in a tool's JSON.

Use ``event(logger, "triage.answered", topic=..., channel=...)`` for anything an operator may
search for; the fields become top-level JSON keys. ``log_context(team=..., user=...)`` adds ids to
every line logged inside it (per thread / task, through a context variable).

Every line goes through :func:`scrub` last, whatever produced it (our code, slack_sdk, azure,
a traceback): Slack tokens, signing secrets, passwords, URL credentials, JWTs and
Authorization header values are replaced by ``***``.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from typing import Any

MASK = "***"

# Each pattern keeps group "keep" (what identifies the secret) and replaces the rest with MASK.
# Every log line passes through all of them, pasted text included, so each one must take time
# linear in the line's length: no pattern starts with an unbounded run that a failed match
# would scan again from the next position (bounded runs, or a start that cannot sit inside
# the run it scans: tests/resilience/test_input_limits.py feeds them 50,000 adversarial chars).
_SECRET_PATTERNS = (
    # Slack tokens: bot/user/app-level/config/refresh tokens.
    re.compile(r"(?P<keep>\b(?:xox[abposre]|xapp|xoxe\.xox[bp])-)[A-Za-z0-9-]+"),
    # Authorization / Proxy-Authorization headers, as text, dict repr or JSON.
    re.compile(
        r"(?i)(?P<keep>authorization(?:\\{0,3}[\"'])?\s*[:=]\s*(?:\\{0,3}[\"'])?)"
        r"(?:bearer\s+|basic\s+)?[^\s\"'\\,}\]]+"
    ),
    # key=value or "key": "value" for anything named like a secret (the name may go on before
    # the word: slack_bot_token=…; what precedes the match stays as it is), also as JSON
    # inside JSON, where the quotes come escaped (\"token\": \"…\").
    re.compile(
        r"(?i)(?P<keep>(?:password|passwd|pwd|secret|token|ticket|api[_-]?key|signature)"
        r"(?:\\{0,3}[\"'])?\s*[:=]\s*(?:\\{0,3}[\"'])?)[^\s\"'\\,}&\]]+"
    ),
    # Credentials inside URLs: scheme://user:password@host (each part of a bounded length).
    re.compile(r"(?P<keep>\b[a-z][a-z0-9+.-]{0,31}://[^:/@\s]{0,128}:)[^@\s/]{1,256}(?=@)"),
    # JSON Web Tokens (Azure access tokens, federated tokens), never inside a longer run.
    re.compile(
        r"(?P<keep>)(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]{8,}+\.[A-Za-z0-9_-]*+"
    ),
    # Slack request signatures (v0=<hex>).
    re.compile(r"(?P<keep>\bv0=)[0-9a-f]{16,}"),
)
_SECRET_KEY = re.compile(
    r"(?i)(password|passwd|secret|token|authorization|api[_-]?key|signature|credential)"
)
_IGNORED_TOKEN_KEYS = frozenset({"token_count", "tokens"})
# A log line says what happened; it never carries a request or a paste whole.
MESSAGE_LIMIT = 2000
FIELD_LIMIT = 2000
TRACE_LIMIT = 16000

_CONTEXT: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "acrbot_log_context", default=None
)


def scrub(text: str, mask: str = MASK) -> str:
    """Replace tokens, passwords, URL credentials and Authorization values with ``mask``."""
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group("keep") + mask, text)
    return text


def cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters not logged)"


def _safe_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Mask a field outright when its *name* says it is a secret, whatever its value; cut
    long strings."""
    return {
        key: MASK
        if _SECRET_KEY.search(key) and key not in _IGNORED_TOKEN_KEYS and value
        else cap(value, FIELD_LIMIT)
        if isinstance(value, str)
        else value
        for key, value in fields.items()
    }


def _record_fields(record: logging.LogRecord) -> dict[str, Any]:
    merged: dict[str, Any] = dict(getattr(record, "context", None) or {})
    fields = getattr(record, "fields", None)
    if isinstance(fields, dict):
        merged.update(fields)
    return _safe_fields(merged)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, event, logger, then the event's fields."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "event": cap(record.getMessage(), MESSAGE_LIMIT),
            "logger": record.name,
        }
        for key, value in _record_fields(record).items():
            payload.setdefault(key, value)
        if record.exc_info:
            payload["exception"] = cap(self.formatException(record.exc_info), TRACE_LIMIT)
        return scrub(json.dumps(payload, ensure_ascii=False, default=str))


class TextFormatter(logging.Formatter):
    """``time LEVEL event key=value ...`` for a person reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in _record_fields(record).items())
        stamp = self.formatTime(record)
        message = cap(record.getMessage(), MESSAGE_LIMIT)
        line = f"{stamp} {record.levelname:<7} {message} {extra}".rstrip()
        if record.exc_info:
            line += "\n" + cap(self.formatException(record.exc_info), TRACE_LIMIT)
        return scrub(line)


class _ContextFilter(logging.Filter):
    """Attach the ids bound with :func:`log_context` to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        bound = _CONTEXT.get()
        if bound:
            record.context = dict(bound)
        return True


class _LibraryNoise(logging.Filter):
    """Drops library lines that say nothing an operator can act on, and the request body Bolt
    puts in its line about a failed signature (anyone can send one, of any size).

    Bolt warns on every start that the WebClient's token wins over SLACK_BOT_TOKEN, which it
    reads by itself; both are the same token here.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("slack_bolt"):
            return True
        if record.msg.__class__ is str and record.msg.startswith(_BOLT_BAD_SIGNATURE):
            record.msg, record.args = f"{_BOLT_BAD_SIGNATURE} (request not logged)", None
            return True
        return "`token` will be unused" not in record.getMessage()


_BOLT_BAD_SIGNATURE = "Invalid request signature detected"


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of each record (it may be replaced)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(fmt: str = "json", level: str = "INFO") -> None:
    """Send every log record to stderr as JSON lines (``fmt="json"``) or text."""
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(_ContextFilter())
    handler.addFilter(_LibraryNoise())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # azure-identity logs each failed token attempt as a warning (a chain's takes many lines);
    # bot.azure.credential turns the same failure into one sentence that says what to do
    logging.getLogger("azure.identity").setLevel(
        logging.NOTSET if level.upper() == "DEBUG" else logging.ERROR
    )
    logging.captureWarnings(True)


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log a named event with structured fields."""
    logger.log(level, name, extra={"fields": fields})


@contextlib.contextmanager
def log_context(**ids: Any) -> Iterator[None]:
    """Add ``ids`` (team, channel, user, request ...) to every line logged inside the block."""
    merged = {**(_CONTEXT.get() or {}), **{k: v for k, v in ids.items() if v is not None}}
    token = _CONTEXT.set(merged)
    try:
        yield
    finally:
        _CONTEXT.reset(token)
