"""Configuration rules: what the registry's ARM settings say about its health.

Each rule is one report line. Its cases are tried in order and the first whose condition holds
words the line; a rule always ends with a case that holds. The conditions read
:class:`Facts`, which are taken once from the ARM answer and from what the connectivity probes
saw (the status ``GET /v2/`` answered tells whether the firewall lets the bot in).

To add a rule: add the facts it needs to ``Facts`` (and ``Facts.read``), then a ``Rule``
to ``RULES``. The report orders its lines by ``bot.azure.health.ORDER``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bot.azure.health.codes import finding
from bot.azure.reports import ERROR, OK, SKIPPED, WARNING, Check
from bot.words import say


@dataclass(frozen=True)
class Facts:
    """The registry's configuration as the rules need it."""

    state: str
    public_access: bool
    default_deny: bool
    ip_rules: int
    v2_status: int | None  # what GET /v2/ answered the bot; None when it never got an answer
    admin_user: bool
    anonymous_pull: bool
    retention_enabled: bool
    retention_days: Any
    soft_delete_reported: bool
    soft_delete_enabled: bool
    soft_delete_days: Any
    cmk: bool  # a customer-managed key is configured
    cmk_identity_found: bool

    @property
    def bot_gets_in(self) -> bool:
        return self.v2_status is not None and self.v2_status != 403

    @classmethod
    def read(cls, body: dict[str, Any], v2_status: int | None) -> Facts:
        props: dict[str, Any] = body.get("properties") or {}
        rules = props.get("networkRuleSet") or {}
        policies = props.get("policies") or {}
        retention = policies.get("retentionPolicy") or {}
        soft = policies.get("softDeletePolicy")
        vault = (props.get("encryption") or {}).get("keyVaultProperties")
        return cls(
            state=str(props.get("provisioningState") or "unknown"),
            public_access=str(props.get("publicNetworkAccess", "Enabled")) != "Disabled",
            default_deny=str(rules.get("defaultAction", "Allow")) == "Deny",
            ip_rules=len(rules.get("ipRules") or []),
            v2_status=v2_status,
            admin_user=bool(props.get("adminUserEnabled")),
            anonymous_pull=bool(props.get("anonymousPullEnabled")),
            retention_enabled=str(retention.get("status", "")).lower() == "enabled",
            retention_days=retention.get("days"),
            soft_delete_reported=isinstance(soft, dict),
            soft_delete_enabled=isinstance(soft, dict)
            and str(soft.get("status", "")).lower() == "enabled",
            soft_delete_days=soft.get("retentionDays") if isinstance(soft, dict) else None,
            cmk=isinstance(vault, dict),
            cmk_identity_found=_cmk_identity_found(vault, body),
        )


def _cmk_identity_found(vault: Any, body: dict[str, Any]) -> bool:
    """Whether the identity the customer-managed key uses still exists on the registry."""
    if not isinstance(vault, dict):
        return False
    wanted = str(vault.get("identity") or "")
    identity = body.get("identity") or {}
    if wanted.lower() == "system" or not wanted:
        return bool(identity.get("principalId"))
    assigned = identity.get("userAssignedIdentities") or {}
    return any(
        str(v.get("clientId", "")).lower() == wanted.lower()
        for v in assigned.values()
        if isinstance(v, dict)
    )


def always(facts: Facts) -> bool:
    return True


@dataclass(frozen=True)
class Case:
    """When ``when`` holds: this status, this sentence (the catalogue's key for a template
    over the facts, in ``bot/words/health.py``)."""

    when: Callable[[Facts], bool]
    status: str
    sentence: str
    code: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    cases: tuple[Case, ...]

    def judge(self, facts: Facts) -> Check:
        for case in self.cases:
            if case.when(facts):
                detail = say(case.sentence, **asdict(facts))
                return finding(self.name, case.status, detail, case.code, case.topic)
        raise AssertionError(f"rule {self.name} has no case for {facts}")  # pragma: no cover


RULES: tuple[Rule, ...] = (
    Rule(
        "provisioning",
        (
            Case(lambda f: f.state == "Succeeded", OK, "rule.provisioning.ok"),
            Case(lambda f: f.state in ("Failed", "Canceled"), ERROR, "rule.provisioning.failed"),
            Case(always, WARNING, "rule.provisioning.busy"),
        ),
    ),
    Rule(
        "public-network",
        (
            Case(lambda f: f.public_access, OK, "rule.public.on"),
            Case(lambda f: f.bot_gets_in, OK, "rule.public.private"),
            Case(always, WARNING, "rule.public.off", topic="public-network-disabled"),
        ),
    ),
    Rule(
        "network-rules",
        (
            Case(lambda f: not f.default_deny, OK, "rule.network.allow"),
            Case(
                lambda f: f.v2_status == 403,
                ERROR,
                "rule.network.blocked",
                "CONNECTIVITY_FORBIDDEN_ERROR",
            ),
            Case(
                lambda f: f.v2_status is None,
                WARNING,
                "rule.network.untested",
                topic="client-ip-not-allowed",
            ),
            Case(always, OK, "rule.network.lets_in"),
        ),
    ),
    Rule(
        "admin-user",
        (
            Case(lambda f: f.admin_user, WARNING, "rule.admin.on", topic="admin-credentials"),
            Case(always, OK, "rule.admin.off"),
        ),
    ),
    Rule(
        "anonymous-pull",
        (
            Case(lambda f: f.anonymous_pull, WARNING, "rule.anonymous.on", topic="anonymous-pull"),
            Case(always, OK, "rule.anonymous.off"),
        ),
    ),
    Rule(
        "retention",
        (
            Case(lambda f: f.retention_enabled, OK, "rule.retention.on"),
            Case(always, OK, "rule.retention.off"),
        ),
    ),
    Rule(
        "soft-delete",
        (
            Case(lambda f: not f.soft_delete_reported, SKIPPED, "rule.soft-delete.unknown"),
            Case(lambda f: f.soft_delete_enabled, OK, "rule.soft-delete.on"),
            Case(always, OK, "rule.soft-delete.off"),
        ),
    ),
    Rule(
        "encryption-identity",
        (
            Case(lambda f: not f.cmk, OK, "rule.cmk.none"),
            Case(lambda f: f.cmk_identity_found, OK, "rule.cmk.ok"),
            Case(always, ERROR, "rule.cmk.missing", "CMK_ERROR"),
        ),
    ),
)


def configuration(body: dict[str, Any], v2_status: int | None) -> list[Check]:
    """One line per rule, in the table's order."""
    facts = Facts.read(body, v2_status)
    return [rule.judge(facts) for rule in RULES]
