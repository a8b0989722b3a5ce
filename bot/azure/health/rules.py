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
    """When ``when`` holds: this status, this sentence (a template over the facts)."""

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
                detail = case.sentence.format(**asdict(facts))
                return finding(self.name, case.status, detail, case.code, case.topic)
        raise AssertionError(f"rule {self.name} has no case for {facts}")  # pragma: no cover


RULES: tuple[Rule, ...] = (
    Rule(
        "provisioning",
        (
            Case(lambda f: f.state == "Succeeded", OK, "Provisioning state is Succeeded."),
            Case(
                lambda f: f.state in ("Failed", "Canceled"),
                ERROR,
                "Provisioning state is {state}: the last change to the registry did not complete.",
            ),
            Case(always, WARNING, "Provisioning state is {state}: a change is in progress."),
        ),
    ),
    Rule(
        "public-network",
        (
            Case(lambda f: f.public_access, OK, "Public network access is enabled."),
            Case(
                lambda f: f.bot_gets_in,
                OK,
                "Public access is disabled; the bot reaches the registry through a private "
                "endpoint.",
            ),
            Case(
                always,
                WARNING,
                "Public access is disabled: only clients on a private endpoint can reach the "
                "registry.",
                topic="public-network-disabled",
            ),
        ),
    ),
    Rule(
        "network-rules",
        (
            Case(
                lambda f: not f.default_deny,
                OK,
                "The firewall allows all networks (default action Allow).",
            ),
            Case(
                lambda f: f.v2_status == 403,
                ERROR,
                "The firewall denies by default and the bot's egress address is not among its "
                "{ip_rules} IP rule(s).",
                "CONNECTIVITY_FORBIDDEN_ERROR",
            ),
            Case(
                lambda f: f.v2_status is None,
                WARNING,
                "The firewall denies by default ({ip_rules} IP rule(s)); whether the bot gets "
                "in could not be tested.",
                topic="client-ip-not-allowed",
            ),
            Case(
                always,
                OK,
                "The firewall denies by default ({ip_rules} IP rule(s)) and lets the bot in.",
            ),
        ),
    ),
    Rule(
        "admin-user",
        (
            Case(
                lambda f: f.admin_user,
                WARNING,
                "The admin user is enabled: a shared password anyone with it can use. Prefer "
                "Entra identities and turn it off.",
                topic="admin-credentials",
            ),
            Case(always, OK, "The admin user is disabled."),
        ),
    ),
    Rule(
        "anonymous-pull",
        (
            Case(
                lambda f: f.anonymous_pull,
                WARNING,
                "Anonymous pull is enabled: anyone who can reach the registry can pull its images.",
                topic="anonymous-pull",
            ),
            Case(always, OK, "Anonymous pull is disabled."),
        ),
    ),
    Rule(
        "retention",
        (
            Case(
                lambda f: f.retention_enabled,
                OK,
                "Untagged manifests are deleted after {retention_days} days.",
            ),
            Case(always, OK, "Retention is off: untagged manifests are kept until deleted."),
        ),
    ),
    Rule(
        "soft-delete",
        (
            Case(
                lambda f: not f.soft_delete_reported,
                SKIPPED,
                "Azure did not report a soft-delete policy for this registry.",
            ),
            Case(
                lambda f: f.soft_delete_enabled,
                OK,
                "Deleted artifacts are kept for {soft_delete_days} days and can be restored.",
            ),
            Case(always, OK, "Soft delete is off: deleted artifacts cannot be restored."),
        ),
    ),
    Rule(
        "encryption-identity",
        (
            Case(lambda f: not f.cmk, OK, "No customer-managed key; nothing to check."),
            Case(
                lambda f: f.cmk_identity_found,
                OK,
                "The identity used for the customer-managed key exists.",
            ),
            Case(
                always,
                ERROR,
                "The identity configured for the customer-managed key no longer exists on the "
                "registry.",
                "CMK_ERROR",
            ),
        ),
    ),
)


def configuration(body: dict[str, Any], v2_status: int | None) -> list[Check]:
    """One line per rule, in the table's order."""
    facts = Facts.read(body, v2_status)
    return [rule.judge(facts) for rule in RULES]
