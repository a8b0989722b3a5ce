"""`untagged <registry> [repository]` through the real ContainerRegistryClient against the fake
data plane: the `--json` contract, what counts as untagged, paging, the bounded pool."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from bot.azure import untagged
from bot.azure.ops import AzureOps
from bot.azure.reports import UntaggedCount
from bot.errors import AzureError
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, Ran, as_json
from tests.fakes.azure_http import Request

MB = 1_000_000


@pytest.fixture
def loose(world: AzureWorld) -> dict[str, int]:
    """api: a tagged multi-arch image (its platforms and attestations are in use), two loose
    images and a loose multi-arch image (the index and both platforms); web: nothing loose;
    team/tools: one loose image. Returns the loose bytes per repository."""
    registry = world.registry
    registry.add_index("api", "1.4.2", ["linux/amd64", "linux/arm64"], attestations=True)
    registry.add_image("api", None, size=10 * MB)
    registry.add_image("api", None, size=20 * MB)
    old = registry.add_index("api", None, ["linux/amd64", "linux/arm64"], size=3 * MB)
    registry.add_image("web", "2.0")
    registry.add_image("team/tools", "1.0")
    registry.add_image("team/tools", None, size=5 * MB)
    index_size = len(registry.repositories["api"].manifests[old].body)
    return {"api": 30 * MB + 6 * MB + index_size, "team/tools": 5 * MB}


def test_untagged_totals_per_repository_and_overall(
    world: AzureWorld, loose: dict[str, int], acrbot: Callable[..., Ran]
) -> None:
    """The JSON contract: every repository (most bytes first) and the totals; what a tagged
    index references is not counted."""
    result = acrbot(world, "untagged", "contosoprod", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    assert as_json(result) == {
        "registry": "contosoprod",
        "repositories": [
            {"name": "api", "untagged": 5, "bytes": loose["api"]},
            {"name": "team/tools", "untagged": 1, "bytes": 5 * MB},
            {"name": "web", "untagged": 0, "bytes": 0},
        ],
        "untagged": 6,
        "bytes": loose["api"] + 5 * MB,
    }


def test_one_repository_and_the_purge_command(
    world: AzureWorld, loose: dict[str, int], acrbot: Callable[..., Ran]
) -> None:
    """`--repository` counts one repository; the text says the size is an upper bound and gives
    the `acr purge` that removes exactly the untagged manifests of that repository."""
    data = as_json(acrbot(world, "untagged", "contosoprod", "--repository", "team/tools", "--json"))
    assert data["repositories"] == [{"name": "team/tools", "untagged": 1, "bytes": 5 * MB}]
    text = acrbot(world, "untagged", "contosoprod", "--repository", "team/tools").stdout
    assert "1 untagged manifest(s) in 1 of 1 repositories, 4.8 MiB at most" in text
    assert "upper bound" in text
    purge = 'az acr run --registry contosoprod --cmd "acr purge --untagged-only --filter '
    assert purge + "'team/tools:.*'\" /dev/null" in text
    assert world.registry.paths().count("GET /acr/v1/_catalog") == 0
    missing = acrbot(world, "untagged", "contosoprod", "--repository", "team/tool")
    assert missing.returncode == 1
    assert "Repository `team/tool` does not exist in registry `contosoprod`" in missing.stderr


def test_the_whole_registry_gets_the_registry_wide_purge(
    world: AzureWorld, loose: dict[str, int], acrbot: Callable[..., Ran]
) -> None:
    text = acrbot(world, "untagged", "contosoprod").stdout
    assert "6 untagged manifest(s) in 2 of 3 repositories" in text
    assert "• `api` — 5 manifest(s)" in text and "`web`" not in text
    assert 'az acr run --registry contosoprod --cmd "acr purge --untagged-only" /dev/null' in text


def test_nothing_untagged_says_so(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    world.registry.add_image("web", "2.0")
    text = acrbot(world, "untagged", "contosoprod").stdout
    assert text.strip() == "No untagged manifests in *contosoprod* (1 repositories)."


def test_pages_are_followed_through_link_headers(
    world: AzureWorld, loose: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two items a page the catalog and the manifest lists take several pages; the SDK
    follows each `Link` header and the totals do not change."""
    monkeypatch.setattr(untagged, "CATALOG_PAGE", 2)
    monkeypatch.setattr(untagged, "MANIFEST_PAGE", 2)
    report = AzureOps(world.settings(), MemoryStore(), retry_total=0).untagged("contosoprod")
    assert (report.untagged, report.bytes) == (6, loose["api"] + 5 * MB)
    pages = [r for r in world.registry.log if r.path.endswith(("_catalog", "_manifests"))]
    assert any(r.query.get("last") for r in pages if r.path.endswith("_catalog"))
    assert any(r.query.get("last") for r in pages if r.path == "/acr/v1/api/_manifests")
    assert {r.query.get("n") for r in pages} == {"2"}


def test_repositories_are_counted_by_a_bounded_pool(world: AzureWorld) -> None:
    """Forty repositories, four workers: several manifest lists are in flight at once, never
    more than four; progress is reported up to the last repository."""
    for n in range(40):
        world.registry.add_image(f"repo{n:02d}", None, size=MB)
    lock = threading.Lock()
    flight = {"now": 0, "peak": 0}

    def slow(request: Request) -> None:
        if not (request.path.endswith("/_manifests") and request.headers.get("authorization")):
            return
        with lock:
            flight["now"] += 1
            flight["peak"] = max(flight["peak"], flight["now"])
        time.sleep(0.05)
        with lock:
            flight["now"] -= 1

    world.registry.on_request = slow
    seen: list[tuple[int, int, bool]] = []
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0, data_workers=4)
    report = ops.untagged("contosoprod", progress=lambda *p: seen.append(p))
    assert (report.untagged, report.bytes, len(report.repositories)) == (40, 40 * MB, 40)
    assert 1 < flight["peak"] <= 4
    assert [done for done, _, _ in seen] == list(range(1, 41))
    assert seen[-1][1] == 40


def test_a_refused_repository_stops_the_count_with_its_sentence(world: AzureWorld) -> None:
    """One repository the identity may not read: the command fails naming it and the topic,
    rather than reporting totals that silently leave it out."""
    for n in range(6):
        world.registry.add_image(f"repo{n}", None)
    world.registry.denied = {"repo3"}
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0, data_workers=2)
    with pytest.raises(AzureError) as caught:
        ops.untagged("contosoprod", lang="ru")
    message = caught.value.user_message
    assert "получить список манифестов `repo3`" in message
    assert message.endswith("Подробнее: `/acr faq login-denied`.")


def test_what_a_tagged_index_references_is_in_use_at_any_depth() -> None:
    """A tagged index → an index → two images: all in use. A loose index's children are
    loose too (nothing tagged reaches them)."""

    def manifest(digest: str, size: int, tags: list[str], refs: list[str]) -> SimpleNamespace:
        children = [SimpleNamespace(digest=d) for d in refs]
        return SimpleNamespace(digest=digest, size=size, tags=tags, related_artifacts=children)

    manifests = [
        manifest("top", 1, ["v1"], ["mid"]),
        manifest("mid", 2, [], ["amd", "arm"]),
        manifest("amd", 10, [], []),
        manifest("arm", 20, [], []),
        manifest("old", 3, [], ["old-amd"]),
        manifest("old-amd", 30, [], []),
    ]
    assert untagged.count("api", manifests) == UntaggedCount("api", 2, 33)


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_repository_argument_is_only_text_in_the_answer(world: AzureWorld, lang: str) -> None:
    """What someone typed as the repository is repeated quoted (bot.mrkdwn): it cannot ping
    the channel nor close the code span it is shown in."""
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0)
    with pytest.raises(AzureError) as caught:
        ops.untagged("contosoprod", "team/<!channel>`x", lang=lang)
    message = caught.value.user_message
    assert "<!channel>" not in message and "`team/&lt;!channel&gt;'x`" in message
