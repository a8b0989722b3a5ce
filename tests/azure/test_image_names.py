"""Images as people type and paste them, what counts as close, and the words of both commands
in both languages. No network."""

from __future__ import annotations

import pytest

from bot.azure.data_errors import ACTIONS, REFUSALS
from bot.azure.images import closest_names, closest_tags, index_platforms
from bot.azure.names import find_image, parse_image
from bot.azure.reports import InspectReport, UntaggedCount, UntaggedReport
from bot.errors import BadInput
from bot.render.blocks import IMAGE_TOPICS
from bot.render.images_text import inspect_text, untagged_text
from bot.render.words import WORDS
from tests.fakes.azure_http import REPO

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "registry", "repository", "reference"),
    [
        ("contosoprod.azurecr.io/api:1.4.3", "contosoprod", "api", "1.4.3"),
        (f"contosoprod.azurecr.io/team/api@{DIGEST}", "contosoprod", "team/api", DIGEST),
        ("contosoprod/api:1.4.3", "contosoprod", "api", "1.4.3"),
        ("https://ContosoProd.azurecr.io/api", "contosoprod", "api", "latest"),
        ("contosoprod.azurecr.cn/api:v1", "contosoprod", "api", "v1"),
    ],
)
def test_the_image_forms_people_type(
    text: str, registry: str, repository: str, reference: str
) -> None:
    image = parse_image(text)
    assert (image.name, image.repository, image.reference) == (registry, repository, reference)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("contosoprod", "is not an image"),
        ("contosoprod.azurecr.io/API:1", "Repository names are lowercase"),
        ("contosoprod.azurecr.io/api:.bad", "is not a tag"),
        ("contosoprod.azurecr.io/api@sha256:123", "is not a digest"),
        ("con.azurecr.io/api:1", "is not a registry name"),
        ("contosoprod.azurecr.io/api//x:1", "is not a repository name"),
    ],
)
def test_a_bad_image_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(BadInput, match=says):
        parse_image(text)


@pytest.mark.parametrize(
    ("paste", "image"),
    [
        (
            'Failed to pull image "contosoprod.azurecr.io/api:1.4.3": rpc error: code = NotFound',
            "contosoprod.azurecr.io/api:1.4.3",
        ),
        (
            "Error response from daemon: manifest for ContosoProd.azurecr.io/team/web:v2 not "
            "found: manifest unknown",
            "contosoprod.azurecr.io/team/web:v2",
        ),
        (
            "Get https://contosoprod.azurecr.io/v2/api/manifests/1.4.3: unauthorized",
            "contosoprod.azurecr.io/api:1.4.3",
        ),
        (
            f'Head "https://contosoprod.azurecr.io/v2/api/manifests/{DIGEST}": denied',
            f"contosoprod.azurecr.io/api@{DIGEST}",
        ),
        ("image otherregistry.azurecr.io/api:1, then contosoprod.azurecr.io/web:2", None),
        ("POST https://contosoprod.azurecr.io/oauth2/token?scope=repository: 401", None),
        ("The push refers to repository [contosoprod.azurecr.io/api]", None),
    ],
)
def test_the_image_a_paste_names_on_the_matched_registry(paste: str, image: str | None) -> None:
    """The first tagged (or digested) image on the registry the match found; registry URLs of
    manifests count; token URLs and bare repositories do not."""
    expected = image or ("contosoprod.azurecr.io/web:2" if "otherregistry" in paste else None)
    assert find_image(paste, "contosoprod") == expected


def test_closest_tags_put_the_nearest_version_first() -> None:
    tags = ["latest", "1.4.2", "1.3.0", "1.4.1", "2.0.0", "1.4.10", "1.4.3-rc1"]
    # the same numbers with a suffix first (a release candidate of the missing version)
    assert closest_tags("1.4.3", tags) == ["1.4.3-rc1", "1.4.2", "1.4.1", "1.4.10", "1.3.0"]
    assert closest_tags("v1.4.3", ["v1.4.2", "1.4.2", "main"])[:2] == ["v1.4.2", "1.4.2"]
    assert closest_tags("mian", ["main", "dev", "latest"])[0] == "main"


def test_closest_names_find_a_typo() -> None:
    assert closest_names("apii", ["web", "api", "apigateway", "team/tools"])[0] == "api"
    assert closest_names("zzzzzz", ["api", "web"]) == []


def test_index_platforms_skip_attestations_and_keep_variants() -> None:
    index = {
        "manifests": [
            {"platform": {"os": "linux", "architecture": "arm", "variant": "v7"}},
            {"platform": {"os": "unknown", "architecture": "unknown"}},
            {"platform": {"os": "linux", "architecture": "amd64"}},
        ]
    }
    assert index_platforms(index) == ["linux/arm/v7", "linux/amd64"]


def test_image_topics_are_catalog_topics() -> None:
    """The topics that offer "Check this image" exist (their ids are a public contract)."""
    catalog = (REPO / "knowledge" / "catalog.txt").read_text().split()
    assert set(catalog) >= IMAGE_TOPICS


def test_every_new_sentence_exists_in_both_languages() -> None:
    assert set(WORDS["en"]) == set(WORDS["ru"])
    for table in (REFUSALS, ACTIONS):
        for name, entry in table.items():
            texts = entry.sentence if hasattr(entry, "sentence") else entry  # type: ignore[attr-defined]
            assert set(texts) == {"en", "ru"}, name


@pytest.mark.parametrize(
    "report",
    [
        InspectReport("contosoprod", "h", "api", "1.4.3", True, False, similar_tags=["1.4.2"]),
        InspectReport("contosoprod", "h", "apii", "1", False, False),
        InspectReport("contosoprod", "h", "api", DIGEST, True, False),
        InspectReport(
            "contosoprod",
            "h",
            "api",
            "1",
            True,
            True,
            DIGEST,
            "m",
            ["linux/amd64"],
            10,
            "2024-05-01T10:00:00Z",
            False,
            False,
            locked=["tag"],
            unreadable=["image"],
        ),
    ],
)
def test_inspect_reads_as_russian(report: InspectReport) -> None:
    """Every shape of the report renders in Russian without an English sentence."""
    text = inspect_text(report, "ru")
    assert "Подробнее" in text or "Дайджест" in text
    for english in ("does not exist", "closest", "Digest", "Writes are", "See `"):
        assert english not in text


def test_untagged_reads_as_russian() -> None:
    report = UntaggedReport("contosoprod", "h", [UntaggedCount("api", 1234, 5 * 2**30)])
    text = untagged_text(report, "ru")
    assert "манифестов без тегов — 1\u202f234 в 1 из 1 репозиториев, не более 5.0 GiB" in text
    assert "верхняя оценка" in text and "acr purge --untagged-only" in text
