"""Matcher behaviour people notice: the right topic, the right registry, or silence."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge import load
from bot.matching import Match, Matcher, MatcherConfig
from bot.matching.language import is_question

REAL = Path(__file__).resolve().parents[1] / "eval" / "real.jsonl"


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
    [("401", "login-denied"), ("429", "too-many-requests"), ("403", "public-network-disabled")],
)
def test_response_code_picks_the_next_topic(matcher: Matcher, code: str, topic: str) -> None:
    """A failed token exchange is answered by its own topic (which explains every response
    code), and the topic its HTTP response code names is among the first runner-ups that
    "Not it" offers (a 429's rate-limit topic and the generic login topic run neck and neck)."""
    paste = (
        "Unable to get AAD authorization tokens with message: 2026-03-02 10:11:12.123456 "
        "An error occurred: CONNECTIVITY_REFRESH_TOKEN_ERROR\n"
        f"Access to registry 'fabrikam.azurecr.io' was denied. Response code: {code}. "
        "Please try running 'az login' again to refresh permissions."
    )
    result = matcher.match(paste)
    assert result.topic == "health-token-exchange-error"
    assert topic in [candidate.topic for candidate in result.alternatives[:2]]


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


def test_a_question_between_sibling_topics_never_gets_the_wrong_sibling(matcher: Matcher) -> None:
    """ "How do I enable anonymous pull" sits between two siblings (enabling it, and anonymous
    pull refusing stale credentials): the two lead, and the channel never gets the wrong one."""
    result = matcher.match("как включить анонимный pull для нашего реестра acr?")
    assert result.topic in (None, "anonymous-pull")
    assert result.best is not None
    assert {result.best.topic, result.alternatives[0].topic} == {
        "anonymous-pull",
        "anonymous-pull-stale-credentials",
    }


FIREWALL = "denied: client with IP '10.1.2.3' is not allowed access"
FIREWALL_LINE = (
    'Error response from daemon: Head "https://contosoprod.azurecr.io/v2/web/manifests/1.4": '
    f"{FIREWALL}. Refer https://aka.ms/acr/firewall to grant access."
)


def recognised(result: Match, topic: str) -> bool:
    """The bot names the topic: in the channel, or privately to the person who pasted."""
    return result.best is not None and result.best.topic == topic and result.decision != "silent"


def test_an_error_after_a_thousand_characters_of_a_line_is_read(matcher: Matcher) -> None:
    """A line is read to its end: the error after 1,000 characters of noise is answered."""
    assert matcher.match("x" * 1000 + " " + FIREWALL).topic == "client-ip-not-allowed"
    assert recognised(matcher.match("x " * 30_000 + FIREWALL), "client-ip-not-allowed")
    assert matcher.match("x" * 1000 + " " + FIREWALL_LINE).topic == "client-ip-not-allowed"


def test_an_error_in_the_middle_of_a_megabyte_log_is_found(matcher: Matcher) -> None:
    """A build log far beyond the scanned head and tail still yields its error line."""
    noise = build_log(12_000)
    middle = len(noise) // 2
    paste = noise[:middle] + "\n" + FIREWALL_LINE + "\n" + noise[middle:]
    assert len(paste) > 500_000
    assert matcher.match(paste).topic == "client-ip-not-allowed"


def test_repeated_noise_lines_do_not_crowd_out_the_error(matcher: Matcher) -> None:
    """Hundreds of rich-in-words noise lines that differ only by their timestamps fold into
    one, so the real error further down is still among the lines scored."""
    noisy = "\n".join(
        f"2026-03-02T10:{n // 60:02d}:{n % 60:02d}.{n:03d}Z WARNING: the registry manifest "
        f"layer image pull push repository tag digest cache is slow ({n} ms)"
        for n in range(900)
    )
    result = matcher.match(noisy + "\n" + FIREWALL_LINE)
    assert result.topic == "client-ip-not-allowed"


def test_the_json_contract_has_the_decision_fields(matcher: Matcher) -> None:
    """`acrbot match --json` keeps its keys and adds the decision and the private suggestion."""
    data = matcher.match(FIREWALL).to_json()
    assert set(data) == {
        "topic",
        "decision",
        "suggestion",
        "score",
        "language",
        "alternatives",
    }
    assert (data["decision"], data["topic"], data["suggestion"]) == (
        "answer",
        "client-ip-not-allowed",
        None,
    )


@pytest.mark.parametrize(
    "text",
    [
        "a." * 25_000,
        "a" * 50_000,
        "1." * 25_000 + "x",
        "/." * 25_000,
        "x.azurecr" * 5_000,
        "<" * 50_000,
        "https://" + "a" * 50_000,
    ],
)
def test_hostile_text_is_matched_in_linear_time(matcher: Matcher, text: str) -> None:
    """50,000 characters built to make a backtracking pattern explode are handled at once."""
    started = time.process_time()
    matcher.match(text)
    assert time.process_time() - started < 2.0


def test_faq_search_ranks_by_meaning(matcher: Matcher) -> None:
    """`/acr faq quota exceeded` puts the storage limit first, not an error string that merely
    says "exceeded"; `/acr faq quota` lists both quota topics."""
    assert matcher.search("quota exceeded")[0].topic == "storage-quota-exceeded"
    topics = [c.topic for c in matcher.search("quota")]
    assert {"storage-quota-exceeded", "quota-not-decreasing"} <= set(topics)
    assert "pull-client-timeout" not in topics
    assert matcher.search("квота")[0].topic in {"storage-quota-exceeded", "quota-not-decreasing"}


def test_cue_prefilter_never_hides_a_match(matcher: Matcher) -> None:
    """The literal prefilter of every knowledge-base cue agrees with the cue's own pattern on
    every real paste of the corpus (a wrong prefilter would silently drop a cue)."""
    texts = [json.loads(line)["text"] for line in REAL.read_text(encoding="utf-8").splitlines()]
    for cue in matcher.cues:
        for text in texts:
            assert cue.found(text, text.lower()) == bool(cue.pattern.search(text)), (
                cue.pattern.pattern
            )


@pytest.mark.parametrize(
    ("host", "registry"),
    [
        ("contoso.azurecr.io", "contoso"),
        ("contoso.privatelink.azurecr.io", "contoso"),
        ("contoso.westeurope.data.azurecr.io", "contoso"),
        ("Contoso.azurecr.io", "contoso"),
    ],
)
def test_the_registry_is_named_from_any_of_its_host_names(
    matcher: Matcher, host: str, registry: str
) -> None:
    """The private-link and data-endpoint names of a registry give the registry's own name,
    so a "Run check-health" button names the registry, not `privatelink`."""
    paste = f'Error response from daemon: Get "https://{host}/v2/": net/http: TLS handshake timeout'
    assert matcher.match(paste).registry == registry


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Does ACR support Docker Content Trust? We want to sign our images.", True),
        ("ACR вообще поддерживает Docker Content Trust? Хотим подписывать образы.", True),
        ("how do I see how much storage the registry uses", True),
        (
            "GET https://management.azure.com/subscriptions/x/providers?api-version=2023-07-01"
            " returned 404 ResourceNotFound",
            False,
        ),
        ("Error response from daemon: manifest for contoso.azurecr.io/web:v2 not found", False),
    ],
)
def test_a_question_is_read_as_one_even_with_a_sentence_after_it(text: str, asks: bool) -> None:
    """People ask first and explain after; a URL's query string is not a question."""
    assert is_question(text) is asks


def test_tool_output_naming_no_acr_is_held_to_its_own_threshold() -> None:
    """The same error reads differently with and without an ACR host in it: the fitted model
    keeps a separate answer threshold for output that never names ACR (where the look-alikes
    from other products are)."""
    shipped = MatcherConfig.default()
    strict = replace(shipped.model, answer=0.5, answer_no_acr=0.999)
    matcher = Matcher(load(), config=replace(shipped, model=strict))
    error = "tls: failed to verify certificate: x509: certificate signed by unknown authority"
    named = matcher.match(
        f'Error response from daemon: Get "https://contoso.azurecr.io/v2/": {error}'
    )
    kubectl = (
        "E1208 10:01:02.123456   4242 memcache.go:265] couldn't get current server API group"
        f' list: Get "https://10.0.0.5:6443/api?timeout=32s": {error}'
    )
    unnamed = matcher.match(kubectl)
    assert (named.decision, named.topic) == ("answer", "x509-unknown-authority")
    assert unnamed.decision != "answer" and unnamed.topic is None
