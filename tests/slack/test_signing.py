"""HTTP mode refuses requests Slack did not sign (or signed long ago) and keeps no trace.

Requests go through the WSGI application waitress serves (the HTTP front and Bolt's dispatch)
in this process.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.fakes.local_bot import LocalBot
from tests.fakes.running_bot import sign, signed_headers
from tests.reference import signing_vectors
from tests.shared_redis import prefix_keys
from tests.slack import payloads as p

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


def post_signed(bot: LocalBot, body: str, content_type: str, **signing: Any) -> tuple[int, str]:
    """POST like Slack, through the HTTP front (see ``signed_headers`` for ``signing``)."""
    return bot.post(body, signed_headers(body, content_type, **signing))


def prefix(bot: LocalBot) -> str:
    return bot.services.settings.redis_prefix


def test_test_signer_matches_the_recorded_vectors() -> None:
    """Our request signer reproduces Slack's signatures for the recorded valid vectors."""
    vectors = signing_vectors()
    for case in vectors["cases"]:
        if case["expect_valid"]:
            headers = sign(case["body"], int(case["timestamp"]), vectors["signing_secret"])
            assert headers["X-Slack-Signature"] == case["signature"]


@pytest.mark.parametrize(
    "attack", ["forged", "stale", "future", "replayed_body", "unsigned", "garbled_timestamp"]
)
def test_bad_requests_are_refused_without_a_trace(http_bot: LocalBot, attack: str) -> None:
    """Forged, stale, future, altered-body, unsigned and garbled requests get 401, no trace."""
    channel = p.new_channel()
    body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=channel))
    before = prefix_keys(prefix(http_bot))
    now = int(time.time())
    if attack == "forged":
        status, answer = post_signed(http_bot, body, JSON, secret="not-the-secret")
    elif attack == "stale":
        status, answer = post_signed(http_bot, body, JSON, timestamp=now - 360)
    elif attack == "future":
        status, answer = post_signed(http_bot, body, JSON, timestamp=now + 360)
    elif attack == "replayed_body":
        original = json.dumps(p.message_event("hello", channel=channel))
        status, answer = post_signed(http_bot, body, JSON, signed_body=original)
    elif attack == "garbled_timestamp":
        headers = {"X-Slack-Request-Timestamp": "soon"}
        status, answer = post_signed(http_bot, body, JSON, headers=headers)
    else:
        status, answer = http_bot.post(body, {"Content-Type": JSON})
    assert status == 401
    assert "invalid request" in answer
    http_bot.idle()
    assert http_bot.slack.find("chat.postMessage", channel=channel) == []
    assert prefix_keys(prefix(http_bot)) == before


def test_recorded_signed_vector_is_refused_as_stale(http_bot: LocalBot) -> None:
    """The recorded, correctly signed slash command from 2024 is refused: replay protection."""
    vectors = signing_vectors()
    case = vectors["cases"][0]
    headers = {
        "Content-Type": case["content_type"],
        "X-Slack-Request-Timestamp": case["timestamp"],
        "X-Slack-Signature": case["signature"],
    }
    status, _ = http_bot.post(case["body"], headers)
    assert status == 401


def test_url_verification_challenge_is_answered_when_signed(http_bot: LocalBot) -> None:
    """Slack's URL check gets its challenge back when signed, and 401 when not."""
    body = json.dumps({"token": "x", "challenge": "acr-challenge-42", "type": "url_verification"})
    status, answer = post_signed(http_bot, body, JSON)
    assert status == 200 and "acr-challenge-42" in answer
    status, _ = http_bot.post(body, {"Content-Type": JSON})
    assert status == 401


def test_signed_help_is_answered_in_the_acknowledgement(http_bot: LocalBot) -> None:
    """A correctly signed `/acr help` gets the help as the HTTP answer itself."""
    body = p.command_form("help", response_url=http_bot.slack.hook_url())
    status, answer = post_signed(http_bot, body, FORM)
    assert status == 200 and "/acr faq <words>" in answer


@pytest.mark.parametrize("attack", ["forged", "stale", "replayed_body"])
def test_bad_help_commands_are_refused(http_bot: LocalBot, attack: str) -> None:
    """`/acr help`, answered inside the acknowledgement, is refused like anything else."""
    hook = http_bot.slack.hook_url()
    body = p.command_form("help", response_url=hook)
    if attack == "forged":
        status, answer = post_signed(http_bot, body, FORM, secret="not-the-secret")
    elif attack == "stale":
        status, answer = post_signed(http_bot, body, FORM, timestamp=int(time.time()) - 360)
    else:
        signed = p.command_form("faq firewall", response_url=hook)
        status, answer = post_signed(http_bot, body, FORM, signed_body=signed)
    assert status == 401
    assert "invalid request" in answer and "acr-chatops" not in answer
