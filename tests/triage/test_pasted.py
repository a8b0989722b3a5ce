"""Answers fill every placeholder the paste names — in steps and commands alike, text and
Block Kit — and never invent one; "Matched on" only for a signature the paste contains; "No
known answer" never lists a topic scored as a sure answer."""

from __future__ import annotations

import json
import re

import pytest

from bot.config import Settings
from bot.matching import Candidate, Match
from bot.pasted import align, plain, read
from bot.render import blocks as render
from bot.render.text import match_text
from bot.services import Services, build_services
from bot.store import MemoryStore

FIREWALL = (
    "Step 4/9 : RUN docker push contosoprod.azurecr.io/web:1.4\n"
    "denied: client with IP '198.51.100.23' is not allowed access. "
    "Refer https://aka.ms/acr/firewall to grant access."
)
# kubelet's event for a tag that is not there (the wording of manifest-unknown's signature)
MISSING_TAG = (
    'Warning  Failed  3s  kubelet  Failed to pull image "fabrikamprod.azurecr.io/team/api:2.0.1": '
    "rpc error: code = NotFound desc = failed to pull and unpack image "
    '"fabrikamprod.azurecr.io/team/api:2.0.1": failed to resolve reference '
    '"fabrikamprod.azurecr.io/team/api:2.0.1": fabrikamprod.azurecr.io/team/api:2.0.1: not found'
)
FIREWALL_QUESTION = "how do I let my CI runner's IP through the container registry firewall?"
LEFT = re.compile(r"<(registry|ip|repository|tag)>")


@pytest.fixture(scope="module")
def services() -> Services:
    return build_services(Settings(), MemoryStore())


def _answer(services: Services, paste: str, lang: str = "en") -> tuple[Match, str]:
    match = services.matcher.match(paste)
    return match, match_text(services.kb, match, lang, paste=paste)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_firewall_answer_names_the_registry_and_address_everywhere(
    services: Services, lang: str
) -> None:
    """Steps and commands both say contosoprod and 198.51.100.23; no placeholder is left."""
    match, text = _answer(services, FIREWALL, lang)
    assert match.topic == "client-ip-not-allowed"
    steps, commands = text.split("```")[0], text.split("```")[1]
    assert "`az acr show --name contosoprod --query networkRuleSet`" in steps
    assert "az acr network-rule add --name contosoprod --ip-address 198.51.100.23" in commands
    assert not LEFT.search(text.split("_")[0])  # the answer; "Matched on" quotes the signature


def test_repository_and_tag_are_filled_from_the_image_the_paste_names(services: Services) -> None:
    match, text = _answer(services, MISSING_TAG)
    assert match.topic == "manifest-unknown"
    assert "az acr repository show-tags --name fabrikamprod --repository team/api" in text
    assert "az acr manifest restore --registry fabrikamprod --name team/api:2.0.1" in text
    assert "`az acr manifest list-metadata --registry fabrikamprod --name team/api`" in text


def test_nothing_is_invented(services: Services) -> None:
    """A question names no registry or address: its answer keeps the placeholders."""
    match, text = _answer(services, FIREWALL_QUESTION)
    assert match.topic == "client-ip-not-allowed"
    assert "--name <registry> --ip-address <ip>" in text
    assert read("denied: client with IP '999.1.2.3' is not allowed access").values == {}
    two = "read tcp 10.0.0.4:51234->20.1.2.3:443: read: connection reset by peer"
    named = read(two, "read tcp <ip>:<port>-><ip>:443: read: connection reset by peer")
    assert named.contains_signature and "ip" not in named.values  # two addresses: which one?


def test_shapes_found_anywhere_in_a_paste() -> None:
    """An Azure resource id, a regional endpoint, a digest: each named once, as written."""
    arm = (
        "(AuthorizationFailed) ... over scope '/subscriptions/0b1f6471-1bf0-4dda-aec3-"
        "111122223333/resourceGroups/rg-prod/providers/Microsoft.ContainerRegistry/registries/"
        "contosoprod' ..."
    )
    values = read(arm).values
    assert values["resource-group"] == "rg-prod" and values["registry"] == "contosoprod"
    assert values["registry-resource-id"].endswith("/registries/contosoprod")
    assert values["subscription"] == "0b1f6471-1bf0-4dda-aec3-111122223333"
    data = read('Get "https://contosoprod.westeurope.data.azurecr.io/a": dial tcp 10.1.2.3:443')
    assert data.values == {"region": "westeurope", "registry": "contosoprod"}
    digest = "a" * 64
    pinned = read(f"docker pull contosoprod.azurecr.io/web@sha256:{digest}").values
    assert pinned["digest"] == f"sha256:{digest}" and pinned["repository"] == "web"
    aligned = read(
        f"manifest sha256:{digest} is not found",
        "manifest for <registry>.azurecr.io/<repository>:<tag> not found: manifest unknown: "
        "manifest sha256:<digest> is not found",
    )
    assert not aligned.contains_signature  # only the end of the signature is there
    found, values = align("manifest sha256:<digest> is not found", plain(aligned_text(digest)))
    assert found and values == {"digest": f"sha256:{digest}"}


def aligned_text(digest: str) -> str:
    return f"Error: manifest sha256:{digest} is not found"


def test_a_label_inside_another_host_is_not_the_registry() -> None:
    """`contoso.privatelink.azurecr.io` names registry contoso; `privatelink` is no registry,
    even when something else took it for one."""
    paste = "x509: certificate is valid for *.azurecr.io, not contoso.privatelink.azurecr.io"
    assert "registry" not in read(paste, None, "privatelink").values
    assert read("docker pull contoso.azurecr.io/web:1", None, "contoso").values["registry"] == (
        "contoso"
    )


def test_a_private_link_host_names_its_registry() -> None:
    """The matcher reads `contoso` from `contoso.privatelink.azurecr.io`: the answer uses it."""
    paste = "dial tcp: lookup contoso.privatelink.azurecr.io: no such host"
    assert read(paste, None, "contoso").values["registry"] == "contoso"


def test_slack_markup_around_a_paste_is_read_through() -> None:
    """Slack turns URLs into <url|url> and escapes <, > and &: the paste is read as printed."""
    slack = (
        "denied: client with IP '203.0.113.9' is not allowed access. Refer "
        "<https://aka.ms/acr/firewall|https://aka.ms/acr/firewall> to grant access."
    )
    signature = (
        "denied: client with IP '<ip>' is not allowed access. Refer "
        "https://aka.ms/acr/firewall to grant access."
    )
    named = read(slack, signature)
    assert named.contains_signature and named.values["ip"] == "203.0.113.9"


def test_matched_on_only_when_the_paste_contains_the_signature(services: Services) -> None:
    """A paste holding the signature says what it matched; a question, or a paste that only
    resembles the signature, does not claim a match it does not have."""
    _, pasted = _answer(services, FIREWALL)
    assert "Matched on: “denied: client with IP '<ip>' is not allowed access" in pasted
    match, asked = _answer(services, FIREWALL_QUESTION)
    assert match.matched_on and "Matched on" not in asked
    blocks = json.dumps(render.answer_blocks(services.kb, match, "en", paste=FIREWALL_QUESTION))
    assert "Matched on" not in blocks and "Topic `client-ip-not-allowed`" in blocks
    reworded = FIREWALL.replace("is not allowed access", "isn't allowed access")
    match, text = _answer(services, reworded)
    assert match.topic == "client-ip-not-allowed" and "Matched on" not in text


def test_block_kit_answer_is_filled_like_the_text(services: Services) -> None:
    match = services.matcher.match(FIREWALL)
    blocks = render.answer_blocks(services.kb, match, "ru", paste=FIREWALL)
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "--ip-address 198.51.100.23" in shown and "`az acr show --name contosoprod" in shown
    assert "Совпало с «denied: client with IP" in shown
    suggestion = render.suggestion_blocks(
        services.kb[match.topic or ""], "en", "1.2", "contosoprod", pasted=read(FIREWALL)
    )
    kept = json.loads(suggestion[-1]["elements"][0]["value"])
    assert kept["n"] == {
        "registry": "contosoprod",
        "repository": "web",
        "tag": "1.4",
        "ip": "198.51.100.23",
    }


def test_no_known_answer_never_lists_a_sure_topic(services: Services) -> None:
    """What the text came closest to is listed (the closest first), but a topic scored as a
    sure answer is not — and nothing after the team taught that the text has no topic."""
    match = Match(
        topic=None,
        score=100.0,
        language="en",
        best=Candidate("client-ip-not-allowed", 100.0),
        alternatives=(Candidate("firewall-rules-delay", 99.7), Candidate("slow-pull", 41.0)),
    )
    text = match_text(services.kb, match)
    assert text.startswith("No known answer for this text.")
    assert "(100)" not in text and "client-ip-not-allowed" not in text
    assert "`slow-pull`" in text
    suggested = Match(topic=None, score=60.0, language="en", best=Candidate("slow-pull", 60.0))
    assert "`slow-pull`" in match_text(services.kb, suggested)
    taught = Match(
        topic=None, score=100.0, language="en", best=Candidate("slow-pull", 40.0), taught="L1"
    )
    assert "Closest topics" not in match_text(services.kb, taught)
    blocks = json.dumps(render.no_answer_blocks(services.kb, match, "en"))
    assert "client-ip-not-allowed" not in blocks and "slow-pull" in blocks
