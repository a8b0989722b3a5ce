"""What the Azure operations return: plain data for the renderers, with no Azure SDK import.

Renderers, the command table and the console import these types; only the operations
themselves (``bot.azure.ops`` and the modules it uses) load the SDK.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

from bot.errors import AzureError
from bot.words import say

WARN_PERCENT = 80.0
OK, WARNING, ERROR, SKIPPED = "ok", "warning", "error", "skipped"
# The states of an ACR Tasks run, as Azure spells them. Active: what cancel-runs stops, in the
# order its filter asks for them; terminal: how a run ended.
ACTIVE_RUN_STATUSES = ("Running", "Queued", "Started")
TERMINAL_RUN_STATUSES = ("Succeeded", "Failed", "Canceled", "Error", "Timeout")
# every state, in a run's life (queued, started, running, then how it ended): `runs --status`
RUN_STATUSES = (*ACTIVE_RUN_STATUSES[1:], ACTIVE_RUN_STATUSES[0], *TERMINAL_RUN_STATUSES)

_RESOURCE_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)"
    r"/providers/Microsoft\.ContainerRegistry/registries/(?P<name>[^/]+)/?$",
    re.IGNORECASE,
)


@overload
def iso(moment: datetime) -> str: ...
@overload
def iso(moment: None) -> None: ...
def iso(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in UTC to the second, with ``Z``: ``2024-05-01T10:00:00Z``."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- a registry --------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegistryRef:
    """Where a registry lives and how to reach it."""

    name: str
    subscription_id: str
    resource_group: str
    id: str
    login_server: str
    sku: str
    location: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> RegistryRef:
        return cls(**json.loads(raw))

    @classmethod
    def from_resource(cls, body: dict[str, Any]) -> RegistryRef:
        found = _RESOURCE_ID.match(str(body.get("id", "")))
        if not found:
            raise AzureError(say("azure.no_resource_id"), "server")
        props = body.get("properties") or {}
        sku = body.get("sku") or {}
        return cls(
            name=str(body.get("name") or found.group("name")),
            subscription_id=found.group("sub"),
            resource_group=found.group("rg"),
            id=str(body["id"]),
            login_server=str(props.get("loginServer") or ""),
            sku=str(sku.get("name") or sku.get("tier") or "unknown"),
            location=str(body.get("location") or ""),
        )


def resource_id_parts(text: str) -> tuple[str, str, str] | None:
    """(subscription, resource group, name) of a registry resource id, or None."""
    found = _RESOURCE_ID.match(text)
    return (found.group("sub"), found.group("rg"), found.group("name")) if found else None


# --- usage -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UsageRow:
    name: str
    current: int
    limit: int | None
    unit: str

    @property
    def percent(self) -> float | None:
        if not self.limit:
            return None
        return round(100.0 * self.current / self.limit, 2)

    @property
    def warning(self) -> bool:
        return self.percent is not None and self.percent >= WARN_PERCENT


@dataclass(frozen=True)
class UsageReport:
    registry: str
    login_server: str
    sku: str
    usages: list[UsageRow]
    measured_at: str  # ISO 8601, UTC
    cached: bool = False
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("cached")
        data.pop("warnings")
        return json.dumps(data)

    @classmethod
    def from_json(cls, raw: str, cached: bool) -> UsageReport:
        data = json.loads(raw)
        rows = [UsageRow(**row) for row in data.pop("usages")]
        report = cls(usages=rows, cached=cached, **data)
        report.warnings.extend(
            say("usage.near_limit", name=row.name, percent=row.percent)
            for row in rows
            if row.warning
        )
        return report


# --- task runs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class RunInfo:
    run_id: str
    status: str
    task: str | None
    create_time: str | None
    finish_time: str | None = None
    run_type: str | None = None


@dataclass(frozen=True)
class RunsReport:
    registry: str
    runs: list[RunInfo]
    status: str | None = None
    task: str | None = None


@dataclass
class CancelResult:
    registry: str
    cancelled: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (run id, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (run id, error sentence)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class CancelPlan:
    """What cancel-runs would stop; ``token`` is set when a confirmation is pending."""

    registry: RegistryRef
    runs: RunsReport
    token: str | None = None
    expires_at: float | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class CancelOutcome:
    """cancel-runs as one door saw it: the plan, and what became of it.

    Slack confirms with a button later (``plan.token``); the console only ever shows a dry run;
    the command line asks on the terminal and cancels at once (``result``), or was told no.
    ``expires_in`` is how many seconds the Slack confirmation stays valid.
    """

    plan: CancelPlan
    result: CancelResult | None = None
    declined: bool = False
    hint: str | None = None
    expires_in: float | None = None


# --- check-health ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    code: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class HealthReport:
    registry: str
    login_server: str | None
    checks: list[Check]
    seconds: float = 0.0

    @property
    def worst(self) -> str:
        statuses = {c.status for c in self.checks}
        for level in (ERROR, WARNING, OK):
            if level in statuses:
                return level
        return SKIPPED


# --- inspect -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class InspectReport:
    """What the registry knows about one image reference (``inspect``).

    ``locked`` names where writes are disabled (``repository``, ``tag``, ``image``) and
    ``unreadable`` where reads are; ``closest_platforms`` are the platforms of the closest
    existing tag when the requested one is missing.
    """

    registry: str
    login_server: str
    repository: str
    reference: str
    repository_exists: bool
    found: bool
    digest: str | None = None
    media_type: str | None = None
    platforms: list[str] = field(default_factory=list)
    size_bytes: int | None = None
    last_updated: str | None = None  # ISO 8601, UTC
    can_read: bool | None = None
    can_write: bool | None = None
    similar_tags: list[str] = field(default_factory=list)
    similar_repositories: list[str] = field(default_factory=list)
    locked: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    closest_platforms: list[str] = field(default_factory=list)

    @property
    def is_digest(self) -> bool:
        return self.reference.startswith("sha256:")

    @property
    def image(self) -> str:
        """``api:1.4.3`` or ``api@sha256:…``."""
        return f"{self.repository}{'@' if self.is_digest else ':'}{self.reference}"

    @property
    def is_index(self) -> bool:
        return bool(self.media_type and ("index" in self.media_type or "list" in self.media_type))


# --- untagged ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class UntaggedCount:
    """Manifests no tag points to (directly or through a tagged index) in one repository."""

    name: str
    untagged: int
    bytes: int


@dataclass(frozen=True)
class UntaggedReport:
    registry: str
    login_server: str
    repositories: list[UntaggedCount]  # most bytes first
    repository: str | None = None  # the one repository asked about, if any
    seconds: float = 0.0

    @property
    def untagged(self) -> int:
        return sum(r.untagged for r in self.repositories)

    @property
    def bytes(self) -> int:
        return sum(r.bytes for r in self.repositories)

    @property
    def with_untagged(self) -> list[UntaggedCount]:
        return [r for r in self.repositories if r.untagged]
