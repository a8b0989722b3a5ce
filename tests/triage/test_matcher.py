"""Matcher behaviour people notice: the right topic, the right registry, or silence."""

from __future__ import annotations

import pytest

from bot.knowledge import load
from bot.matching import Matcher


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load())


def build_log(lines: int) -> str:
    return "\n".join(
        f"#{n} [stage 3/7] RUN npm ci --omit=dev ({n * 0.37:.2f}s) done" for n in range(lines)
    )


def test_error_at_the_end_of_a_huge_log_is_found(matcher: Matcher) -> None:
    """A build log far past the input cap still gets its last line's error recognised."""
    error = (
        'Error response from daemon: Get "https://contosoprod.azurecr.io/v2/": '
        "dial tcp: lookup contosoprod.azurecr.io: no such host"
    )
    paste = build_log(5000) + "\n" + error + "\n"
    assert len(paste) > 200_000
    result = matcher.match(paste)
    assert result.topic == "dns-no-such-host"
    assert result.registry == "contosoprod"


def test_log_noise_alone_gets_no_answer(matcher: Matcher) -> None:
    """A long log with no registry error in it is answered with silence."""
    assert matcher.match(build_log(3000)).topic is None


@pytest.mark.parametrize(
    ("code", "topic"),
    [("401", "login-denied"), ("429", "too-many-requests")],
)
def test_response_code_picks_the_topic(matcher: Matcher, code: str, topic: str) -> None:
    """The same az acr login failure goes to the topic its HTTP response code names."""
    paste = (
        "Unable to get AAD authorization tokens with message: 2026-03-02 10:11:12.123456 "
        "An error occurred: CONNECTIVITY_REFRESH_TOKEN_ERROR\n"
        f"Access to registry 'fabrikam.azurecr.io' was denied. Response code: {code}. "
        "Please try running 'az login' again to refresh permissions."
    )
    assert matcher.match(paste).topic == topic


def test_error_codes_are_not_confused(matcher: Matcher) -> None:
    """A health-check code is not mistaken for a code that differs in one word."""
    assert matcher.match("An error occurred: CONNECTIVITY_DNS_ERROR").topic == "dns-no-such-host"
    assert (
        matcher.match("An error occurred: CONNECTIVITY_SSL_ERROR").topic == "x509-unknown-authority"
    )


@pytest.mark.parametrize(
    "text",
    ["спасибо, заработало!", "deploy to staging is done, thanks everyone", "ok"],
)
def test_short_chatter_is_silent(matcher: Matcher, text: str) -> None:
    """Thanks, status chatter and one-word replies never get a knowledge answer."""
    assert matcher.match(text).topic is None


def test_russian_question_keeps_its_language(matcher: Matcher) -> None:
    """A Russian question is matched and reported as Russian."""
    result = matcher.match("как удалить все манифесты без тегов в репозитории acr?")
    assert (result.topic, result.language) == ("delete-untagged-manifests", "ru")


def test_question_between_sibling_topics_gets_silence(matcher: Matcher) -> None:
    """When the closest wording and the closest vocabulary name two sibling topics, no answer
    (here: enabling anonymous pull vs anonymous pull refusing stale credentials)."""
    result = matcher.match("как включить анонимный pull для нашего реестра acr?")
    assert result.topic is None
    assert {c.topic for c in result.alternatives[:2]} == {
        "anonymous-pull",
        "anonymous-pull-stale-credentials",
    }


def test_score_is_a_percentage(matcher: Matcher) -> None:
    """Scores stay within 0–100 even when bonuses stack up internally."""
    result = matcher.match("denied: client with IP '203.0.113.9' is not allowed access.")
    assert 0 <= result.score <= 100
    assert all(0 <= c.score <= 100 for c in result.alternatives)
