"""Bounded input: what anyone can send to the HTTP door, or type after /acr, costs little and
breaks nothing — no 500, no stack trace, no body in the log, no regex that takes minutes.

Requests go through the WSGI application waitress serves (the gate, then Bolt), in this
process; the process-level cases (20 MB bodies against a real `acrbot serve`) are in
test_running_bot.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.azure.arm_errors import shorten
from bot.azure.names import find_image, parse_image, parse_registry
from bot.azure.reports import resource_id_parts
from bot.commands import parse
from bot.errors import BadInput
from bot.learning import _KEY_RUN, _SECRETS
from bot.learning import scrub as scrub_lesson
from bot.observe.logging import _SECRET_PATTERNS, JsonFormatter, configure_logging, scrub
from bot.pasted import read
from tests.fakes.local_bot import LocalBot, ack_call
from tests.fakes.running_bot import SIGNING_SECRET
from tests.slack import payloads as p

MARK = "BODY-MARK-7f3a"  # a string that must never reach a log line
ADVERSARIAL = 50_000
FAST = 1.0  # seconds: linear work on 50,000 characters takes milliseconds


def fill(unit: str, size: int = ADVERSARIAL) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Inputs that make a pattern with an unbounded leading run scan again from every position:
# runs of word characters broken by separators, repeated prefixes of each secret's shape.
ADVERSARIAL_TEXTS = {
    name: fill(unit)
    for name, unit in {
        "a.": "a.",
        "a-": "a-",
        "a": "a",
        "-eyJ": "-eyJ",
        "eyJ.": "eyJaaaaaaaaa.",
        "xoxb-": "xoxb-",
        "authorization": "authorization",
        "authorization: bearer": "authorization: bearer ",
        "token": "token ",
        "password'": "password: '",
        "a://": "a://",
        "a:a@": "a:a@",
        "http://a:": "http://a:",
        "v0=": "v0=",
        "quotes": '"',
        "key=": "x=",
        "escaped quotes": 'token\\"',
        "/subscriptions/": "/subscriptions/a",
        "mixed": "a.eyJ-xoxb-token=v0=http://a:b@",
        "a1-": "a1-",
        "password=": "password=",
        "-eyJ run": "-eyJaaaaaaaaaaa",
        "login server/": "contosoprod.azurecr.io/",
        "login server/v2/": "contosoprod.azurecr.io/v2/a/",
        "login server/a:b/": "contosoprod.azurecr.io/a:b/",
    }.items()
}
ADVERSARIAL_TEXTS["long word then colon"] = "authorization:" + fill(" ")
ADVERSARIAL_TEXTS["one JWT-like run"] = "eyJ" + fill("a")


def signed(body: bytes, content_type: str) -> dict[str, str]:
    stamp = str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    digest = hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MALFORMED: dict[str, tuple[bytes, str]] = {
    "invalid JSON": (b'{"type": "event_callback", "' + MARK.encode(), JSON),
    "a JSON array": (json.dumps([MARK, {"type": "event_callback"}]).encode(), JSON),
    "payload= that is not JSON": (urlencode({"payload": "{" + MARK}).encode(), FORM),
    "payload= that is a JSON string": (urlencode({"payload": json.dumps(MARK)}).encode(), FORM),
    "invalid UTF-8": (b'{"text": "\xff\xfe' + MARK.encode() + b'"}', JSON),
    "deep nesting": (b'{"a":' * 100_000 + MARK.encode(), JSON),
    "event is a string": (json.dumps({"type": "event_callback", "event": MARK}).encode(), JSON),
    "event is null": (
        json.dumps({"type": "event_callback", "event": None, "x": MARK}).encode(),
        JSON,
    ),
    "event without a type": (
        json.dumps({"type": "event_callback", "event": {"text": MARK}}).encode(),
        JSON,
    ),
}


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[Callable[[], list[logging.LogRecord]]]:
    caplog.set_level(logging.DEBUG)
    yield lambda: list(caplog.records)


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_bodies_are_400_signed_and_401_unsigned_never_500(
    bot: LocalBot, case: str, logged: Callable[[], list[logging.LogRecord]]
) -> None:
    body, content_type = MALFORMED[case]
    assert bot.post(body, signed(body, content_type))[0] == 400
    assert bot.post(body, {"Content-Type": content_type})[0] == 401
    forged = {**signed(b"something else", content_type)}
    assert bot.post(body, forged)[0] == 401
    records = logged()
    assert [r for r in records if r.levelno >= logging.ERROR] == []
    assert not any(r.exc_info for r in records)
    assert not any(MARK in r.getMessage() or MARK in str(getattr(r, "fields", "")) for r in records)


def test_a_body_over_a_megabyte_is_413_and_not_logged(
    bot: LocalBot, logged: Callable[[], list[logging.LogRecord]]
) -> None:
    body = json.dumps({"type": "event_callback", "pad": MARK * 200_000}).encode()
    assert len(body) > 1_000_000
    assert bot.post(body, {"Content-Type": JSON})[0] == 413
    assert bot.post(body, signed(body, JSON))[0] == 413
    assert not any(MARK in r.getMessage() for r in logged())


def test_slack_notices_and_unknown_events_get_200(bot: LocalBot) -> None:
    """Slack's app_rate_limited notice and an event type no listener takes are acknowledged;
    a 404 would only make Slack send them again."""
    notice = {
        "token": "x",
        "type": "app_rate_limited",
        "team_id": "T0CONTOSO1",
        "minute_rate_limited": 1518467820,
        "api_app_id": "A0ACRBOT01",
    }
    body = json.dumps(notice).encode()
    assert bot.post(body, signed(body, JSON))[0] == 200
    assert bot.events("slack.rate_limited")
    unknown = p.message_event("hello", channel=p.new_channel())
    unknown["event"] = {"type": "channel_archive", "channel": "C0ACRHELP1", "user": "U0ALICE001"}
    body = json.dumps(unknown).encode()
    assert bot.post(body, signed(body, JSON))[0] == 200


def test_a_megabyte_of_acr_text_is_refused_in_a_second(bot: LocalBot) -> None:
    """`/acr` followed by 900 kB of quotes: the usage sentence in the acknowledgement at once
    (shlex on a megabyte took 34 s)."""
    started = time.monotonic()
    hook = bot.slack.hook_url()
    answer = bot.command(p.command_form('faq "' + fill('"a ', 900_000), response_url=hook))
    elapsed = time.monotonic() - started
    assert answer.status == 200 and elapsed < FAST
    assert "too long" in str(ack_call(answer).params.get("text"))


@pytest.mark.parametrize("name", list(ADVERSARIAL_TEXTS))
def test_every_regex_that_sees_user_text_is_linear(name: str) -> None:
    """50,000 adversarial characters through each pattern of the log scrubber (every log line
    passes through it, pasted text included), the lesson scrubber (a taught paste), what an
    answer reads from a paste and the parsers of what users type: each in well under a second
    (the scrubber took 220 s on `a.a.a.…`, the lesson scrubber 0.47 s on 8,000 of `a-a-…`)."""
    text = ADVERSARIAL_TEXTS[name]
    work: list[tuple[str, Callable[[str], Any]]] = [
        *(
            (f"scrubber pattern {n}", lambda t, r=rx: r.sub("*", t))
            for n, rx in enumerate(_SECRET_PATTERNS)
        ),
        ("scrub", scrub),
        *(
            (f"lesson scrubber pattern {n}", lambda t, r=rx: r.sub("*", t))
            for n, rx in enumerate([*_SECRETS, _KEY_RUN])
        ),
        ("lesson scrub", scrub_lesson),
        ("shorten", shorten),
        ("resource id", resource_id_parts),
        ("registry argument", _refused(parse_registry)),
        ("image argument", _refused(parse_image)),
        ("image in a paste", find_image),
        ("what a paste names", lambda t: read(t, "client with IP '<ip>' is not allowed", "a")),
        ("/acr text", _refused(parse)),
    ]
    for what, call in work:
        started = time.perf_counter()
        call(text)
        assert time.perf_counter() - started < FAST, f"{what} is slow on {name!r}"


def _refused(call: Callable[[str], Any]) -> Callable[[str], None]:
    def run(text: str) -> None:
        with contextlib.suppress(BadInput):
            call(text)

    return run


def test_a_failed_signature_line_from_bolt_carries_no_body(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Bolt logs the whole body of a request whose signature fails; the bot's log handler
    keeps the line and drops the body (the gate refuses such requests before Bolt anyway)."""
    configure_logging("json", "INFO")
    try:
        bolt = logging.getLogger("slack_bolt.middleware.request_verification")
        bolt.info(
            "Invalid request signature detected "
            f"(signature: v0=1, timestamp: 1, body: token={MARK}&response_url=https://h/{MARK})"
        )
        line = capsys.readouterr().err.strip()
    finally:
        logging.getLogger().handlers.clear()
    assert json.loads(line)["event"].startswith("Invalid request signature detected")
    assert MARK not in line


def test_a_log_line_never_carries_a_paste_whole() -> None:
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "paste: " + fill("a", 300_000), None, None
    )
    record.fields = {"text": fill("b", 300_000)}  # type: ignore[attr-defined]
    line = JsonFormatter().format(record)
    assert len(line) < 10_000 and "more characters not logged" in line
