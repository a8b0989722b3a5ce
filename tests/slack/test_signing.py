"""HTTP mode refuses requests Slack did not sign (or signed long ago) and keeps no trace."""

from __future__ import annotations

import json
import time

import pytest

from tests.fakes.running_bot import post_raw, post_signed, sign
from tests.reference import signing_vectors
from tests.shared_redis import prefix_keys
from tests.slack import payloads as p
from tests.slack.conftest import HttpBot

JSON = "application/json"


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
def test_bad_requests_are_refused_without_a_trace(http_bot: HttpBot, attack: str) -> None:
    """Forged, stale, future, altered-body, unsigned and garbled requests get 401, no trace."""
    channel = p.new_channel()
    body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=channel))
    before = prefix_keys(http_bot.prefix)
    now = int(time.time())
    if attack == "forged":
        status, answer = post_signed(http_bot.bot.events_url, body, JSON, secret="not-the-secret")
    elif attack == "stale":
        status, answer = post_signed(http_bot.bot.events_url, body, JSON, timestamp=now - 360)
    elif attack == "future":
        status, answer = post_signed(http_bot.bot.events_url, body, JSON, timestamp=now + 360)
    elif attack == "replayed_body":
        original = json.dumps(p.message_event("hello", channel=channel))
        status, answer = post_signed(http_bot.bot.events_url, body, JSON, signed_body=original)
    elif attack == "garbled_timestamp":
        headers = {"X-Slack-Request-Timestamp": "soon"}
        status, answer = post_signed(http_bot.bot.events_url, body, JSON, headers=headers)
    else:
        status, answer = post_raw(http_bot.bot.events_url, body, {"Content-Type": JSON})
    assert status == 401
    assert "invalid request" in answer
    http_bot.slack.settle(quiet=0.5)
    assert http_bot.slack.find("chat.postMessage", channel=channel) == []
    assert prefix_keys(http_bot.prefix) == before


def test_recorded_signed_vector_is_refused_as_stale(http_bot: HttpBot) -> None:
    """The recorded, correctly signed slash command from 2024 is refused: replay protection."""
    vectors = signing_vectors()
    case = vectors["cases"][0]
    headers = {
        "Content-Type": case["content_type"],
        "X-Slack-Request-Timestamp": case["timestamp"],
        "X-Slack-Signature": case["signature"],
    }
    status, _ = post_raw(http_bot.bot.events_url, case["body"], headers)
    assert status == 401


def test_url_verification_challenge_is_answered_when_signed(http_bot: HttpBot) -> None:
    """Slack's URL check gets its challenge back when signed, and 401 when not."""
    body = json.dumps({"token": "x", "challenge": "acr-challenge-42", "type": "url_verification"})
    status, answer = post_signed(http_bot.bot.events_url, body, JSON)
    assert status == 200 and "acr-challenge-42" in answer
    status, _ = post_raw(http_bot.bot.events_url, body, {"Content-Type": JSON})
    assert status == 401


@pytest.mark.parametrize("attack", ["forged", "stale", "replayed_body"])
def test_bad_help_commands_are_refused(http_bot: HttpBot, attack: str) -> None:
    """`/acr help`, answered without Bolt's dispatch, is refused exactly like anything else."""
    hook = http_bot.slack.hook_url()
    body = p.command_form("help", response_url=hook)
    form = "application/x-www-form-urlencoded"
    url = http_bot.bot.events_url
    if attack == "forged":
        status, answer = post_signed(url, body, form, secret="not-the-secret")
    elif attack == "stale":
        status, answer = post_signed(url, body, form, timestamp=int(time.time()) - 360)
    else:
        signed = p.command_form("faq firewall", response_url=hook)
        status, answer = post_signed(url, body, form, signed_body=signed)
    assert status == 401
    assert "invalid request" in answer and "acr-chatops" not in answer
