"""Structured logs: JSON lines or text on stderr, ids attached, secrets never written."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from bot.observe.logging import configure_logging, event, log_context, scrub

BOT_TOKEN = "xoxb-1111-2222-SeCrEtBoTtOkEn"
APP_TOKEN = "xapp-1-A111-222-SeCrEtApPtOkEn"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
REDIS_PASSWORD = "R3disPassw0rd"


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"calling chat.postMessage with token={BOT_TOKEN}", BOT_TOKEN),
        (f"app token {APP_TOKEN} opened a socket", APP_TOKEN),
        ("headers {'Authorization': 'Bearer abc.def.ghi'}", "abc.def.ghi"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        (f'{{"slack_signing_secret": "{SIGNING_SECRET}"}}', SIGNING_SECRET),
        (f"password={REDIS_PASSWORD}&db=0", REDIS_PASSWORD),
        (f"connecting to rediss://:{REDIS_PASSWORD}@cache.example:6380/0", REDIS_PASSWORD),
        ("federated eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2lnbmF0dXJl", "eyJzdWIiOiJhYmMifQ"),
        ("X-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d2", "a2114d57b48eac39"),
        ("wss://wss-primary.slack.com/link/?ticket=1234-abcd&app_id=A1", "1234-abcd"),
        # JSON inside JSON (a logged request body): the quotes come escaped
        ('{"payload": "{\\"token\\": \\"verif-0042\\"}"}', "verif-0042"),
        ('{"h": "{\\"Authorization\\": \\"Bearer tok-0042\\"}"}', "tok-0042"),
    ],
)
def test_scrub_removes_each_kind_of_secret(text: str, secret: str) -> None:
    """Tokens, Authorization values, signing secrets, passwords and JWTs become ***."""
    cleaned = scrub(text)
    assert secret not in cleaned
    assert "***" in cleaned


def test_scrub_leaves_ordinary_text_alone() -> None:
    """Error text operators need (registry names, codes, hosts) survives the scrubber."""
    text = "denied: requested access to the resource is denied on contoso.azurecr.io (401)"
    assert scrub(text) == text
    assert scrub("rediss://cache.example:6380") == "rediss://cache.example:6380"


def test_json_lines_carry_time_level_event_and_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """Each record is one JSON object per line with time, level, event and its fields."""
    configure_logging("json", "INFO")
    log = logging.getLogger("acrbot.test")
    with log_context(team="T01", channel="C02"):
        event(log, "triage.answered", topic="auth-401", user="U03")
    event(log, "second.line")
    log.debug("hidden at INFO")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["event"] == "triage.answered"
    assert first["level"] == "info"
    assert first["time"].endswith("Z")
    assert (first["team"], first["channel"], first["user"]) == ("T01", "C02", "U03")
    assert first["topic"] == "auth-401"
    second = json.loads(lines[1])
    assert "team" not in second


def test_text_format_is_for_humans(capsys: pytest.CaptureFixture[str]) -> None:
    """ACRBOT_LOG_FORMAT=text writes 'time LEVEL event key=value' lines, not JSON."""
    configure_logging("text", "INFO")
    event(logging.getLogger("acrbot.test"), "store.degraded", backend="redis")
    line = capsys.readouterr().err.strip()
    assert "INFO" in line
    assert line.endswith("store.degraded backend=redis")
    assert not line.startswith("{")


def test_fields_named_like_secrets_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    """A field called password/token/authorization is masked whatever its value looks like."""
    configure_logging("json", "INFO")
    event(logging.getLogger("acrbot.test"), "oops", password="plain", client_secret="x1")
    line = json.loads(capsys.readouterr().err)
    assert line["password"] == "***"
    assert line["client_secret"] == "***"


def test_a_real_process_never_writes_secrets() -> None:
    """A process logging library debug output, errors and tracebacks leaks none of its secrets."""
    script = textwrap.dedent(
        f"""
        import logging
        from bot.observe.logging import configure_logging, event
        configure_logging("json", "DEBUG")
        sdk = logging.getLogger("slack_sdk.web.base_client")
        sdk.debug("Sending a request - url: https://slack.com/api/auth.test, "
                  "headers: {{'Authorization': 'Bearer {BOT_TOKEN}'}}")
        logging.getLogger("slack_bolt").debug("app token: {APP_TOKEN}")
        event(logging.getLogger("bot"), "config.loaded", signing_secret="{SIGNING_SECRET}")
        try:
            raise RuntimeError("cannot reach rediss://:{REDIS_PASSWORD}@cache:6380")
        except RuntimeError:
            logging.getLogger("bot.store").exception("store.failed")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout == ""  # stdout is kept for what the bot says
    lines = done.stderr.splitlines()
    assert len(lines) == 4
    for line in lines:
        json.loads(line)
    for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET, REDIS_PASSWORD):
        assert secret not in done.stdout + done.stderr
    assert "store.failed" in done.stderr
    assert "Traceback" in json.loads(lines[-1])["exception"]
