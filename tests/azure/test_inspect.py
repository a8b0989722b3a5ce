"""`inspect <image>` through the real ContainerRegistryClient against the fake data plane over
TLS: the `--json` contract for each case the issue names, the text, and the errors people see."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from azure.containerregistry import ContainerRegistryClient

from bot.azure.images import index_platforms
from bot.azure.ops import AzureOps
from bot.errors import AzureError
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, Ran, as_json
from tests.fakes.azure_http import free_port
from tests.fakes.docker_registry import docker_registry
from tests.fakes.registry import DOCKER_MANIFEST, OCI_CONFIG, OCI_INDEX, OCI_MANIFEST

OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"

CONTRACT = {
    "registry",
    "repository",
    "reference",
    "repository_exists",
    "found",
    "digest",
    "media_type",
    "platforms",
    "size_bytes",
    "last_updated",
    "can_read",
    "can_write",
    "similar_tags",
    "similar_repositories",
}
HOST = "contosoprod.azurecr.io"


@dataclass
class Images:
    multi_arch: str  # api:1.4.2, an OCI index for linux/amd64 and linux/arm64 (+ attestations)
    single: str  # api:1.4.1, linux/amd64 only
    arm64: str  # the linux/arm64 image inside api:1.4.2
    locked: str  # web:2.0, windows/amd64, writes disabled on the tag


@pytest.fixture
def images(world: AzureWorld) -> Images:
    registry = world.registry
    multi = registry.add_index(
        "api", "1.4.2", ["linux/amd64", "linux/arm64"], attestations=True, updated=3600
    )
    single = registry.add_image("api", "1.4.1", size=52_000_000, updated=60)
    for tag in ("1.3.0", "2.0.0", "latest", "1.4.10"):
        registry.add_image("api", tag)
    registry.add_image("apigateway", "1.0")
    registry.add_image("team/tools", "1.0")
    locked = registry.add_image("web", "2.0", platform="windows/amd64")
    registry.lock("web", tag="2.0", writeEnabled=False)
    index = registry.repositories["api"].manifests[multi]
    arm64 = next(r["digest"] for r in index.references if r["architecture"] == "arm64")
    return Images(multi, single, arm64, locked)


def inspect(acrbot: Callable[..., Ran], world: AzureWorld, image: str) -> dict[str, object]:
    result = acrbot(world, "inspect", image, "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data: dict[str, object] = as_json(result)
    assert set(data) == CONTRACT
    return data


def test_a_multi_arch_tag(world: AzureWorld, images: Images, acrbot: Callable[..., Ran]) -> None:
    """An index: its digest and media type, every runnable platform (attestation entries are
    not platforms), the tag's time, readable and writable."""
    data = inspect(acrbot, world, f"{HOST}/api:1.4.2")
    assert data == {
        "registry": "contosoprod",
        "repository": "api",
        "reference": "1.4.2",
        "repository_exists": True,
        "found": True,
        "digest": images.multi_arch,
        "media_type": OCI_INDEX,
        "platforms": ["linux/amd64", "linux/arm64"],
        "size_bytes": len(world.registry.repositories["api"].manifests[images.multi_arch].body),
        "last_updated": "2024-05-01T11:00:00Z",
        "can_read": True,
        "can_write": True,
        "similar_tags": [],
        "similar_repositories": [],
    }


def test_a_single_platform_tag(
    world: AzureWorld, images: Images, acrbot: Callable[..., Ran]
) -> None:
    """A plain image: its own os/architecture (the SDK's enums as their values) and size."""
    data = inspect(acrbot, world, "contosoprod/api:1.4.1")
    assert data["digest"] == images.single
    assert data["media_type"] == DOCKER_MANIFEST
    assert data["platforms"] == ["linux/amd64"]
    assert data["size_bytes"] == 52_000_000
    assert data["last_updated"] == "2024-05-01T10:01:00Z"


def test_a_digest(world: AzureWorld, images: Images, acrbot: Callable[..., Ran]) -> None:
    """`repo@sha256:…` reads the manifest itself: one platform of the multi-arch image."""
    data = inspect(acrbot, world, f"{HOST}/api@{images.arm64}")
    assert data["found"] is True and data["reference"] == images.arm64
    assert data["digest"] == images.arm64
    assert data["platforms"] == ["linux/arm64"]
    missing = inspect(acrbot, world, f"{HOST}/api@sha256:{'0' * 64}")
    assert (missing["repository_exists"], missing["found"]) == (True, False)
    assert missing["similar_tags"] == [] and missing["digest"] is None


def test_a_missing_tag_lists_the_nearest_versions_first(
    world: AzureWorld, images: Images, acrbot: Callable[..., Ran]
) -> None:
    """`api:1.4.3` does not exist: found is false (exit 0), the nearest versions come first, and
    the text says which platforms the closest tag has."""
    data = inspect(acrbot, world, f"{HOST}/api:1.4.3")
    assert (data["repository_exists"], data["found"]) == (True, False)
    assert data["similar_tags"] == ["1.4.2", "1.4.1", "1.4.10", "1.3.0", "2.0.0"]
    assert data["platforms"] == [] and data["can_write"] is None
    text = acrbot(world, "inspect", f"{HOST}/api:1.4.3")
    assert text.returncode == 0
    assert (
        "`api:1.4.3` does not exist in *contosoprod*; the closest tags are `1.4.2`, `1.4.1`, "
        "`1.4.10`, `1.3.0`, `2.0.0`; `1.4.2` has linux/amd64, linux/arm64."
    ) in text.stdout
    assert "/acr faq manifest-unknown" in text.stdout


def test_a_typo_in_the_repository_name(
    world: AzureWorld, images: Images, acrbot: Callable[..., Ran]
) -> None:
    """`apii` is not a repository: the closest names, the intended one first."""
    data = inspect(acrbot, world, f"{HOST}/apii:1.4.2")
    assert (data["repository_exists"], data["found"]) == (False, False)
    assert data["similar_repositories"][:2] == ["api", "apigateway"]  # type: ignore[index]
    assert "team/tools" not in data["similar_repositories"]  # type: ignore[operator]
    assert data["similar_tags"] == []


def test_a_write_disabled_tag(
    world: AzureWorld, images: Images, acrbot: Callable[..., Ran]
) -> None:
    """A locked tag reads, but cannot be written; the text says how to unlock it."""
    data = inspect(acrbot, world, f"{HOST}/web:2.0")
    assert (data["can_read"], data["can_write"]) == (True, False)
    assert data["platforms"] == ["windows/amd64"]
    text = acrbot(world, "inspect", f"{HOST}/web:2.0").stdout
    assert "Write: no" in text and "Writes are disabled on the tag" in text
    unlock = "az acr repository update --name contosoprod --image web:2.0 --write-enabled true"
    assert unlock in text
    assert "/acr faq repository-write-disabled" in text


def test_locks_on_the_repository_and_the_manifest_count_too(
    world: AzureWorld, images: Images
) -> None:
    """Writes disabled on the repository or on the manifest make can_write false as well;
    reads disabled make can_read false."""
    world.registry.lock("api", writeEnabled=False)
    world.registry.lock("api", digest=images.single, readEnabled=False)
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0)
    report = ops.inspect(f"{HOST}/api:1.4.1")
    assert (report.can_read, report.can_write) == (False, False)
    assert report.locked == ["repository"] and report.unreadable == ["image"]


def test_an_unknown_registry_is_one_line_and_a_failure(
    world: AzureWorld, acrbot: Callable[..., Ran]
) -> None:
    """A registry ARM does not know: exit 1, one sentence, no JSON contract."""
    result = acrbot(world, "inspect", "nosuchregistry.azurecr.io/api:1")
    assert result.returncode == 1
    assert result.stdout == "" and result.stderr.count("\n") == 1
    assert "Registry `nosuchregistry` was not found" in result.stderr
    as_error = acrbot(world, "inspect", "nosuchregistry.azurecr.io/api:1", "--json")
    assert as_error.returncode == 1
    assert as_json(as_error)["error"]["code"] == "azure_not_found"


def test_a_bad_image_says_what_an_image_looks_like(
    world: AzureWorld, acrbot: Callable[..., Ran]
) -> None:
    result = acrbot(world, "inspect", "contosoprod.azurecr.io/API:1")
    assert result.returncode == 1
    assert "Repository names are lowercase" in result.stderr
    assert "not an image" in acrbot(world, "inspect", "nonsense").stderr


def test_the_data_plane_sees_registry_tokens_only(world: AzureWorld, images: Images) -> None:
    """The Entra token is requested for the registry audience and sent only to the token
    exchange; every repository read carries a registry access token (or nothing, before the
    challenge); no basic credentials."""
    AzureOps(world.settings(), MemoryStore(), retry_total=0).inspect(f"{HOST}/api:1.4.2")
    assert "https://containerregistry.azure.net" in world.identity.resources()
    reads = [r for r in world.registry.log if r.path.startswith(("/acr/", "/v2/api"))]
    assert reads
    for request in reads:
        auth = request.headers.get("authorization", "")
        assert auth == "" or auth.startswith("Bearer access"), auth
    exchanges = [r for r in world.registry.log if r.path == "/oauth2/exchange"]
    assert exchanges and all(r.form()["access_token"].startswith("mi-") for r in exchanges)


# --- errors from the data plane ----------------------------------------------------------------
def fails(world: AzureWorld, lang: str = "en", **env: str) -> AzureError:
    ops = AzureOps(world.settings(**env), MemoryStore(), retry_total=0)
    with pytest.raises(AzureError) as caught:
        ops.inspect(f"{HOST}/api:1.4.2", lang)
    return caught.value


@pytest.mark.parametrize(
    "case",
    [
        ("exchange_status", 401, "auth", "did not accept the bot's Entra token", "aad-token-scope"),
        ("denied", {"api"}, "forbidden", "refused the bot's identity", "login-denied"),
        ("v2", "forbidden", "forbidden", "does not let the bot in", "client-ip-not-allowed"),
        ("throttle", 10_000, "throttled", "throttling the bot (HTTP 429, ", "too-many-requests"),
        ("fail", 503, "server", "internal error (HTTP 503", "registry-service-error"),
        ("fail", 403, "forbidden", "denied the bot's identity", "abac-role-mismatch"),
    ],
)
def test_data_plane_refusals_are_sentences_with_their_topic(
    world: AzureWorld, images: Images, case: tuple[str, object, str, str, str]
) -> None:
    """401 (the Entra token refused, or the identity without a pull role), 403 (firewall or
    ABAC), 429, 5xx: what happened, what to do, and the knowledge topic that explains it."""
    knob, value, kind, words, topic = case
    setattr(world.registry, knob, value)
    error = fails(world)
    assert error.kind == kind
    assert words in error.user_message
    assert error.user_message.endswith(f"See `/acr faq {topic}`.")
    assert "Traceback" not in error.user_message and "mi-" not in error.user_message


def test_a_quarantined_image_says_so(world: AzureWorld, images: Images) -> None:
    world.registry.fail, world.registry.fail_code = 403, "IMAGE_QUARANTINED"
    error = fails(world)
    assert "holds the image in quarantine (HTTP 403, IMAGE_QUARANTINED)" in error.user_message
    assert error.user_message.endswith("See `/acr faq image-quarantine`.")


def test_refusals_in_russian(world: AzureWorld, images: Images) -> None:
    world.registry.throttle = 10_000
    message = fails(world, "ru").user_message
    assert "ограничивает частоту запросов" in message
    assert message.endswith("Подробнее: `/acr faq too-many-requests`.")


def test_an_unreachable_registry_names_the_host_and_the_topic(world: AzureWorld) -> None:
    """Nothing listens on the login server: a network sentence, not a stack trace."""
    world.arm.add_registry("goneregistry", login_server=f"localhost:{free_port()}")
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0)
    with pytest.raises(AzureError) as caught:
        ops.inspect("goneregistry.azurecr.io/api:1")
    assert caught.value.kind == "network"
    assert "could not connect to `localhost:" in caught.value.user_message
    assert "login-server-unreachable" in caught.value.user_message


@pytest.mark.timeout(30)
def test_a_hanging_registry_is_bounded_by_the_azure_timeout(
    world: AzureWorld, images: Images
) -> None:
    """The data-plane client is built on the same path as ARM's: ACRBOT_AZURE_TIMEOUT bounds
    each request."""
    world.registry.delay = 5
    error = fails(world, ACRBOT_AZURE_TIMEOUT="1")
    assert error.kind == "timeout"
    assert "did not answer in time (ACRBOT_AZURE_TIMEOUT = 1 s)" in error.user_message


# --- against a real Registry v2 ------------------------------------------------------------------
def _push(real: ContainerRegistryClient, platform: str) -> bytes:
    """A small real image for ``platform`` in `api` of the real registry; its document."""
    os_name, architecture = platform.split("/")
    config = json.dumps({"architecture": architecture, "os": os_name, "rootfs": {}}).encode()
    config_digest, config_size = real.upload_blob("api", io.BytesIO(config))
    layer_digest, layer_size = real.upload_blob("api", io.BytesIO(f"files of {platform}".encode()))
    document = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": config_size},
        "layers": [
            {"mediaType": OCI_LAYER, "digest": layer_digest, "size": layer_size},
        ],
    }
    body = json.dumps(document).encode()
    real.set_manifest("api", io.BytesIO(body), media_type=OCI_MANIFEST)
    return body


def test_the_fake_serves_manifests_as_a_real_registry_v2(world: AzureWorld, tmp_path: Path) -> None:
    """The same multi-arch image (two platforms and a buildx-style attestation) pushed to
    Debian's docker-registry and loaded into the fake: `get_manifest` reads the same digest,
    media type and document from both, and the platforms inspect reports from the fake are
    the ones the real server's index names."""
    with docker_registry(world.ca, tmp_path, token_auth=False) as address:
        real = ContainerRegistryClient(f"https://{address}", None)
        entries, references = [], []
        for platform in ("linux/amd64", "linux/arm64", "unknown/unknown"):
            body = _push(real, platform)
            digest = world.registry.add_document(
                "api", body, OCI_MANIFEST, platform=platform, size=len(body)
            )
            os_name, architecture = platform.split("/")
            described = {"architecture": architecture, "os": os_name}
            entry = {"mediaType": OCI_MANIFEST, "digest": digest, "size": len(body)}
            entries.append({**entry, "platform": described})
            references.append({"digest": digest, "architecture": architecture, "os": os_name})
        index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries})
        pushed = real.set_manifest(
            "api", io.BytesIO(index.encode()), tag="1.0", media_type=OCI_INDEX
        )
        world.registry.add_document(
            "api", index.encode(), OCI_INDEX, tag="1.0", references=references
        )
        ops = AzureOps(world.settings(), MemoryStore(), retry_total=0)
        fake = ops.arm.registry(world.registry.login_server)
        for reference in ("1.0", entries[1]["digest"]):
            from_real = real.get_manifest("api", str(reference))
            from_fake = fake.get_manifest("api", str(reference))
            assert (from_fake.digest, from_fake.media_type) == (
                from_real.digest,
                from_real.media_type,
            )
            assert from_fake.manifest == from_real.manifest
        assert real.get_manifest("api", "1.0").digest == pushed
        report = ops.inspect(f"{HOST}/api:1.0")
        assert report.platforms == index_platforms(real.get_manifest("api", "1.0").manifest)
        assert report.platforms == ["linux/amd64", "linux/arm64"]
        real.close()
