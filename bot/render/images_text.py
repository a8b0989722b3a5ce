"""Text and JSON renderings of `inspect` and `untagged`, in the caller's language.

``inspect_json`` and ``untagged_json`` are the command line's contracts: exact keys, nothing
more. ``*_topics`` name the knowledge topics that explain what a report found.
"""

from __future__ import annotations

import re
from typing import Any

from bot.azure.reports import InspectReport, UntaggedReport
from bot.render.azure_text import human
from bot.render.words import words

LISTED = 15  # repositories listed by name in the untagged text
MISSING_TOPIC = "manifest-unknown"
LOCK_TOPIC = "repository-write-disabled"
UNTAGGED_TOPIC = "delete-untagged-manifests"


# --- JSON contracts ---------------------------------------------------------------------------
def inspect_json(report: InspectReport) -> dict[str, Any]:
    return {
        "registry": report.registry,
        "repository": report.repository,
        "reference": report.reference,
        "repository_exists": report.repository_exists,
        "found": report.found,
        "digest": report.digest,
        "media_type": report.media_type,
        "platforms": list(report.platforms),
        "size_bytes": report.size_bytes,
        "last_updated": report.last_updated,
        "can_read": report.can_read,
        "can_write": report.can_write,
        "similar_tags": list(report.similar_tags),
        "similar_repositories": list(report.similar_repositories),
    }


def untagged_json(report: UntaggedReport) -> dict[str, Any]:
    return {
        "registry": report.registry,
        "repositories": [
            {"name": r.name, "untagged": r.untagged, "bytes": r.bytes} for r in report.repositories
        ],
        "untagged": report.untagged,
        "bytes": report.bytes,
    }


# --- small pieces -----------------------------------------------------------------------------
def number(value: int, lang: str) -> str:
    """1,234 in English, 1 234 in Russian."""
    grouped = f"{value:,}"
    return grouped.replace(",", "\u202f") if lang == "ru" else grouped


def _codes(items: list[str]) -> str:
    return ", ".join(f"`{item}`" for item in items)


def unlock_commands(report: InspectReport) -> list[str]:
    """The `az acr repository update` line that lifts each lock the report found."""
    base = f"az acr repository update --name {report.registry}"
    where = {
        "repository": f"--repository {report.repository}",
        "tag": f"--image {report.repository}:{report.reference}",
        "image": f"--image {report.repository}@{report.digest}",
    }
    return [f"{base} {where[level]} --write-enabled true" for level in report.locked]


def inspect_topics(report: InspectReport) -> list[str]:
    """The knowledge topics that explain what ``report`` found."""
    topics = []
    if not report.found:
        topics.append(MISSING_TOPIC)
    if report.locked or report.unreadable:
        topics.append(LOCK_TOPIC)
    return topics


# --- inspect ----------------------------------------------------------------------------------
def inspect_text(report: InspectReport, lang: str) -> str:
    w = words(lang)
    registry = report.registry
    if not report.repository_exists:
        lines = [w["inspect_no_repository"].format(repository=report.repository, registry=registry)]
        if report.similar_repositories:
            names = _codes(report.similar_repositories)
            lines.append(w["inspect_closest_repositories"].format(names=names))
        else:
            lines.append(w["inspect_no_close_repository"])
        lines.append(w["see_topic"].format(topic=MISSING_TOPIC))
        return "\n".join(lines)
    if not report.found:
        return "\n".join([_missing(report, lang), w["see_topic"].format(topic=MISSING_TOPIC)])
    lines = [w["inspect_found"].format(image=report.image, registry=registry)]
    kind = w["inspect_index"] if report.is_index else w["inspect_single"]
    media = f" (`{report.media_type}`)" if report.media_type else ""
    platforms = ", ".join(report.platforms) or w["inspect_no_platform"]
    size = human(report.size_bytes, "bytes") if report.size_bytes is not None else "?"
    if report.is_index and report.size_bytes is not None:
        size += f" ({w['inspect_index_size']})"
    lines += [
        f"{w['inspect_digest']}: `{report.digest}`",
        f"{w['inspect_type']}: {kind}{media}",
        f"{w['inspect_platforms']}: {platforms}",
        f"{w['inspect_size']}: {size} · {w['inspect_updated']}: {report.last_updated or '?'}",
        f"{w['inspect_read']}: {w['yes' if report.can_read else 'no']} · "
        f"{w['inspect_write']}: {w['yes' if report.can_write else 'no']}",
    ]
    if report.unreadable:
        lines.append(w["inspect_unreadable"].format(levels=_levels(report.unreadable, lang)))
    if report.locked:
        command = " ; ".join(unlock_commands(report))
        levels = _levels(report.locked, lang)
        lines.append(w["inspect_locked"].format(levels=levels, command=command))
        lines.append(w["see_topic"].format(topic=LOCK_TOPIC))
    return "\n".join(lines)


def _levels(levels: list[str], lang: str) -> str:
    w = words(lang)
    return ", ".join(w[f"level_{level}"] for level in levels)


def _missing(report: InspectReport, lang: str) -> str:
    """ "`api:1.4.3` does not exist in contosoprod; the closest tags are …; `1.4.2` has …"."""
    w = words(lang)
    if report.is_digest:
        return w["inspect_no_manifest"].format(
            digest=report.reference, repository=report.repository, registry=report.registry
        )
    parts = [w["inspect_no_tag"].format(image=report.image, registry=report.registry)]
    if report.similar_tags:
        parts.append(w["inspect_closest_tags"].format(tags=_codes(report.similar_tags)))
        if report.closest_platforms:
            platforms = ", ".join(report.closest_platforms)
            if len(report.closest_platforms) == 1:
                platforms = w["inspect_only"].format(platforms=platforms)
            tag = report.similar_tags[0]
            parts.append(w["inspect_tag_platforms"].format(tag=tag, platforms=platforms))
    else:
        parts.append(w["inspect_no_tags"])
    return "; ".join(parts) + "."


# --- untagged ---------------------------------------------------------------------------------
def purge_command(report: UntaggedReport) -> str:
    """The ACR Task that removes what the report counted: `acr purge --untagged-only` over the
    repository asked about, or over every repository."""
    purge = "acr purge --untagged-only"
    if report.repository:
        purge += f" --filter '{re.escape(report.repository)}:.*'"
    return f'az acr run --registry {report.registry} --cmd "{purge}" /dev/null'


def untagged_text(report: UntaggedReport, lang: str, limit: int = LISTED) -> str:
    w = words(lang)
    if report.repository:
        scope = w["untagged_scope_one"].format(repository=report.repository)
    else:
        scope = w["untagged_scope_all"].format(count=number(len(report.repositories), lang))
    loose = report.with_untagged
    if not loose:
        return w["untagged_none"].format(registry=report.registry, scope=scope)
    lines = [
        w["untagged_total"].format(
            registry=report.registry,
            count=number(report.untagged, lang),
            repositories=number(len(loose), lang),
            scanned=number(len(report.repositories), lang),
            size=human(report.bytes, "bytes"),
        ),
        w["untagged_upper_bound"],
    ]
    for row in loose[:limit]:
        count, size = number(row.untagged, lang), human(row.bytes, "bytes")
        lines.append(w["untagged_line"].format(name=row.name, count=count, size=size))
    if len(loose) > limit:
        lines.append(w["untagged_more"].format(count=number(len(loose) - limit, lang)))
    lines += [
        w["untagged_purge"],
        f"```{purge_command(report)}```",
        w["untagged_digest_warning"],
        w["see_topic"].format(topic=UNTAGGED_TOPIC),
        f"_{w['untagged_counted'].format(seconds=report.seconds)}_",
    ]
    return "\n".join(lines)
