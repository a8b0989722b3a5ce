"""Normalisation: variable tokens become placeholders; the words that identify an error stay."""

from __future__ import annotations

import sys

import pytest

from bot.matching.normalise import MAX_INPUT, normalise
from bot.matching.words import CASELESS_WORD, WORD


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mError\x1b[0m: manifest unknown", "error: manifest unknown"),
        ("2024-03-01T10:22:33.123Z pull failed", "<time> pull failed"),
        ("at 10:22:33 pull failed", "at <time> pull failed"),
        ("digest sha256:" + "ab" * 32 + " missing", "digest <digest> missing"),
        ("correlation 7e8a8c2d-1b2c-4d5e-8f90-1234567890ab", "correlation <id>"),
        ("client with IP '203.0.113.7' denied", "client with ip '<ip>' denied"),
        (
            "lookup ContosoProd.azurecr.io: no such host",
            "lookup <registry>.azurecr.io: no such host",
        ),
        ("lookup contoso.azureacr.io: no such host", "lookup <registry>.azureacr.io: no such host"),
        (
            'Get "https://contoso.azurecr.io/v2/app/manifests/v1": EOF',
            'get "https://<registry>.azurecr.io": eof',
        ),
        ("see https://example.com/some/page?x=1 now", "see <url> now"),
        ("Refer https://aka.ms/acr/firewall to grant access", "refer <akams> to grant access"),
        ("open /var/lib/docker/overlay2/abc/merged: denied", "open <path>: denied"),
        ("retry 3 of 10 after 250ms", "retry <n> of <n> after 250ms"),
        (
            "client with IP \\u0027<ip>\\u0027 is not allowed",
            "client with ip '<ip>' is not allowed",
        ),
    ],
)
def test_variable_tokens_become_placeholders(raw: str, expected: str) -> None:
    """Each kind of variable token is masked by the rule that knows it best."""
    assert normalise(raw) == expected


def test_error_codes_survive() -> None:
    """Upper-case error codes are what identifies a failure: they are kept (lower-cased)."""
    text = "2024-05-02 10:00:01 An error occurred: CONNECTIVITY_DNS_ERROR"
    assert normalise(text) == "<time> an error occurred: connectivity_dns_error"


def test_paste_and_signature_meet() -> None:
    """A real paste and a signature written with placeholders normalise to the same text."""
    paste = "denied: client with IP '198.51.100.23' is not allowed access."
    signature = "denied: client with IP '<ip>' is not allowed access."
    assert normalise(paste) == normalise(signature)


def test_cidr_and_ports_are_one_token() -> None:
    """An address with a prefix length or a port is one placeholder, not address plus number."""
    assert normalise("rule 10.0.0.0/24 and 10.1.2.3:443") == "rule <ip> and <ip>"


def test_huge_input_is_cut() -> None:
    """A log dump far longer than the cap is cut before any rule runs."""
    text = "x" * (MAX_INPUT * 3)
    assert len(normalise(text)) == MAX_INPUT


def test_word_pattern_accepts_what_its_caseless_form_does() -> None:
    """WORD spells out the characters IGNORECASE folds into its classes: the same words over
    every code point, as a word's first letter, a later one, and inside a placeholder."""
    every = [chr(c) for c in range(sys.maxunicode + 1)]
    for form in ("{}", "a{}", "<{}>"):
        text = " ".join(form.format(c) for c in every)
        assert WORD.findall(text) == CASELESS_WORD.findall(text)
