"""`inspect <image>`: what the registry knows about one image, read with ContainerRegistryClient.

For a tag: the repository's and the tag's properties, then the manifest's properties and the
manifest itself (the SDK's public model has neither an index's platforms nor the media type;
``get_manifest`` has both). What is missing is a finding, not an error: a missing repository
comes with the closest repository names, a missing tag with the closest tags (nearest version
first) and the platforms of the closest one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from azure.containerregistry import ContainerRegistryClient
from azure.core.exceptions import HttpResponseError
from rapidfuzz import fuzz, process

from bot.azure.data_errors import acr_error
from bot.azure.names import ImageArgument
from bot.azure.reports import InspectReport, RegistryRef, iso

T = TypeVar("T")
Call = Callable[[str, Callable[[], T]], T]  # (operation, work) → result, errors translated
Job = tuple[str, Callable[[], Any]]  # (operation, work)

SIMILAR = 5
PAGE = 100  # tags and repositories per page
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(.*)$", re.IGNORECASE)


def text_of(value: Any) -> str | None:
    """An SDK enum (``ArtifactArchitecture.AMD64``) or string as its plain value (``amd64``)."""
    if value is None:
        return None
    return str(getattr(value, "value", value))


def platform_of(os_name: Any, architecture: Any, variant: Any = None) -> str | None:
    os_text, arch_text = text_of(os_name), text_of(architecture)
    if not os_text or not arch_text or "unknown" in (os_text, arch_text):
        return None  # attestations and other non-runnable entries of an index
    return "/".join(p for p in (os_text, arch_text, text_of(variant)) if p)


def index_platforms(manifest: Any) -> list[str]:
    """The platforms an image index (or Docker manifest list) body names, in its order."""
    found: list[str] = []
    entries = manifest.get("manifests") if isinstance(manifest, dict) else None
    for entry in entries or []:
        platform = entry.get("platform") if isinstance(entry, dict) else None
        if not isinstance(platform, dict):
            continue
        name = platform_of(
            platform.get("os"), platform.get("architecture"), platform.get("variant")
        )
        if name and name not in found:
            found.append(name)
    return found


# --- what is close to what was asked ---------------------------------------------------------
def _version(tag: str) -> tuple[tuple[int, ...], str] | None:
    found = _VERSION.match(tag)
    if not found:
        return None
    return tuple(int(part) for part in found.group(1).split(".")), found.group(2)


def _closeness(wanted: str, tag: str) -> tuple[float, ...]:
    """Sort key, smallest first: versions by shared leading numbers, then by the distance of
    the first number that differs (the lower one first on a tie); other tags by similarity."""
    want, have = _version(wanted), _version(tag)
    similarity = fuzz.ratio(wanted, tag)
    if want is None or have is None:
        return (1.0, 0.0, 0.0, 0.0, -similarity)
    shared = 0
    for a, b in zip(want[0], have[0], strict=False):
        if a != b:
            break
        shared += 1
    longest = max(len(want[0]), len(have[0]))
    if shared < longest:
        first = want[0][shared] if shared < len(want[0]) else 0
        other = have[0][shared] if shared < len(have[0]) else 0
        distance, above = float(abs(first - other)), float(other > first)
    else:  # same numbers: a suffix (-rc1, -alpine) tells them apart
        distance, above = 0.0, 0.0
    suffix = 0.0 if want[1] == have[1] else 1.0
    return (0.0, -float(shared), distance, above + suffix, -similarity)


def closest_tags(wanted: str, tags: Iterable[str], limit: int = SIMILAR) -> list[str]:
    """The existing tags most like ``wanted``: for versions, the nearest version first."""
    return sorted(set(tags) - {wanted}, key=lambda tag: (_closeness(wanted, tag), tag))[:limit]


def closest_names(wanted: str, names: Iterable[str], limit: int = SIMILAR) -> list[str]:
    """Repository names like ``wanted`` (a typo, another case of nesting), closest first."""
    found = process.extract(wanted, list(names), scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
    return [str(name) for name, _, _ in found]


# --- inspect ---------------------------------------------------------------------------------
def inspect_image(
    client: ContainerRegistryClient, ref: RegistryRef, image: ImageArgument, call: Call[Any]
) -> InspectReport:
    """Everything ``inspect`` reports about ``image`` in the registry ``ref``."""
    repository, reference = image.repository, image.reference

    def report(**fields: Any) -> InspectReport:
        return InspectReport(ref.name, ref.login_server, repository, reference, **fields)

    # the two reads of each step do not depend on each other: they go out together
    jobs: list[Job] = [
        ("registry.get_repository", lambda: client.get_repository_properties(repository))
    ]
    if not image.is_digest:
        jobs.append(("registry.get_tag", lambda: client.get_tag_properties(repository, reference)))
    (repo, repo_missing), *tagged = _together(call, jobs)
    tag, tag_missing = tagged[0] if tagged else (None, None)
    if repo_missing is not None:
        names = call("registry.list_repositories", lambda: list(_all_repositories(client)))
        similar = closest_names(repository, names)
        return report(repository_exists=False, found=False, similar_repositories=similar)
    if tag_missing is not None or (tag is None and not image.is_digest):
        similar, closest = _missing_tag(client, image, call)
        return report(
            repository_exists=True, found=False, similar_tags=similar, closest_platforms=closest
        )
    digest = str(tag.digest) if tag is not None else reference

    (props, _), (body, _) = _together(
        call,
        [
            (
                "registry.get_manifest_properties",
                lambda: client.get_manifest_properties(repository, digest),
            ),
            ("registry.get_manifest", lambda: client.get_manifest(repository, digest)),
        ],
    )
    if props is None:
        return report(repository_exists=True, found=False)
    platforms = index_platforms(body.manifest) if body is not None else []
    if not platforms:
        own = platform_of(props.operating_system, props.architecture)
        platforms = [own] if own else []
    levels = [("repository", repo), ("tag", tag), ("image", props)]
    locked = [name for name, item in levels if item is not None and item.can_write is False]
    unreadable = [name for name, item in levels if item is not None and item.can_read is False]
    updated = tag.last_updated_on if tag is not None else props.last_updated_on
    return report(
        repository_exists=True,
        found=True,
        digest=digest,
        media_type=str(body.media_type) if body is not None and body.media_type else None,
        platforms=platforms,
        size_bytes=props.size_in_bytes,
        last_updated=iso(updated),
        can_read=not unreadable,
        can_write=not locked,
        locked=locked,
        unreadable=unreadable,
    )


def _together(call: Call[Any], jobs: list[Job]) -> list[tuple[Any, str | None]]:
    """Each job's (result or None, the 404's code or None), the jobs run concurrently."""
    with ThreadPoolExecutor(len(jobs), thread_name_prefix="acrbot-inspect") as pool:
        futures = [pool.submit(_found_or_none, call, op, work) for op, work in jobs]
        return [future.result() for future in futures]


def _found_or_none(
    call: Call[Any], operation: str, work: Callable[[], T]
) -> tuple[T | None, str | None]:
    """(result, None), or (None, the ACR code) when the registry answers 404: for inspect a
    missing repository, tag or manifest is a finding, not an error."""

    def attempt() -> tuple[T | None, str | None]:
        try:
            found: T = work()
        except HttpResponseError as exc:
            if exc.status_code != 404:
                raise
            return None, acr_error(exc)[0] or "NOT_FOUND"
        return found, None

    result: tuple[T | None, str | None] = call(operation, attempt)
    return result


def _missing_tag(
    client: ContainerRegistryClient, image: ImageArgument, call: Call[Any]
) -> tuple[list[str], list[str]]:
    """The closest existing tags, and the platforms of the closest one."""
    repository = image.repository
    tags = call(
        "registry.list_tags",
        lambda: [t.name for t in client.list_tag_properties(repository, results_per_page=PAGE)],
    )
    similar = closest_tags(image.reference, tags)
    return similar, (_platforms_of_tag(client, repository, similar[0], call) if similar else [])


def _platforms_of_tag(
    client: ContainerRegistryClient, repository: str, tag: str, call: Call[Any]
) -> list[str]:
    body, _ = _found_or_none(
        call, "registry.get_manifest", lambda: client.get_manifest(repository, tag)
    )
    if body is None:
        return []
    platforms = index_platforms(body.manifest)
    if platforms:
        return platforms
    props, _ = _found_or_none(
        call,
        "registry.get_manifest_properties",
        lambda: client.get_manifest_properties(repository, str(body.digest)),
    )
    own = platform_of(props.operating_system, props.architecture) if props is not None else None
    return [own] if own else []


def _all_repositories(client: ContainerRegistryClient) -> Iterable[str]:
    return client.list_repository_names(results_per_page=1000)
