"""`check-health`: ARM, DNS, TLS, the /v2/ challenge, token exchange, configuration checks."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.azure.health.codes import CODE_TOPICS, PROBLEMS
from bot.azure.ops import AzureOps
from bot.azure.reports import HealthReport
from bot.render.azure_text import health_json
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld
from tests.fakes.azure_http import REPO, TestCA
from tests.fakes.docker_registry import docker_registry
from tests.fakes.registry import FakeRegistry

CATALOG = {
    line.strip()
    for line in (REPO / "knowledge" / "catalog.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}


def run(world: AzureWorld, registry: str = "contosoprod", **kwargs: object) -> HealthReport:
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=0, **kwargs)  # type: ignore[arg-type]
    return ops.health(registry)


def by_name(report: HealthReport) -> dict[str, tuple[str, str | None, str | None]]:
    return {c.name: (c.status, c.code, c.topic) for c in report.checks}


def test_healthy_registry_passes_every_check(world: AzureWorld) -> None:
    """Against healthy fakes, ARM, DNS, TLS, challenge and both tokens are ok."""
    report = run(world)
    checks = by_name(report)
    for name in ("arm", "dns", "tls", "challenge", "refresh-token", "access-token", "storage"):
        assert checks[name][0] == "ok", (name, report.checks)
    assert report.worst == "ok"
    assert world.registry.paths() == ["GET /v2/", "POST /oauth2/exchange", "POST /oauth2/token"]
    assert "https://containerregistry.azure.net" in world.identity.resources()


def test_json_contract_has_exact_keys(world: AzureWorld) -> None:
    """The --json form has registry and checks with name, status, code, detail, topic only."""
    data = health_json(run(world))
    assert set(data) == {"registry", "checks"}
    for item in data["checks"]:
        assert set(item) == {"name", "status", "code", "detail", "topic"}
        assert item["status"] in ("ok", "warning", "error", "skipped")


def test_firewall_block_is_forbidden_with_its_topic(world: AzureWorld) -> None:
    """A 403 on /v2/ behind a deny-by-default firewall maps to CONNECTIVITY_FORBIDDEN_ERROR."""
    world.registry.v2 = "forbidden"
    world.arm.registries["contosoprod"].body["properties"]["networkRuleSet"] = {
        "defaultAction": "Deny",
        "ipRules": [{"action": "Allow", "value": "203.0.113.0/24"}],
    }
    checks = by_name(run(world))
    assert checks["challenge"] == ("error", "CONNECTIVITY_FORBIDDEN_ERROR", "client-ip-not-allowed")
    assert checks["network-rules"] == (
        "error",
        "CONNECTIVITY_FORBIDDEN_ERROR",
        "client-ip-not-allowed",
    )
    assert "refresh-token" not in checks


@pytest.mark.parametrize(
    ("mode", "code"),
    [
        ("no-challenge", "CONNECTIVITY_CHALLENGE_ERROR"),
        ("open", "CONNECTIVITY_CHALLENGE_ERROR"),
        ("not-bearer", "CONNECTIVITY_AAD_LOGIN_ERROR"),
    ],
)
def test_challenge_problems_have_their_codes(world: AzureWorld, mode: str, code: str) -> None:
    """A /v2/ without a usable Bearer challenge reports the CLI's code and the challenge topic."""
    world.registry.v2 = mode
    assert by_name(run(world))["challenge"] == ("error", code, "health-challenge-error")


@pytest.mark.parametrize(
    ("knob", "status", "name", "code"),
    [
        ("exchange_status", 401, "refresh-token", "CONNECTIVITY_REFRESH_TOKEN_ERROR"),
        ("exchange_status", 429, "refresh-token", "CONNECTIVITY_TOOMANYREQUESTS_ERROR"),
        ("token_status", 403, "access-token", "CONNECTIVITY_ACCESS_TOKEN_ERROR"),
    ],
)
def test_token_exchange_failures_have_their_codes(
    world: AzureWorld, knob: str, status: int, name: str, code: str
) -> None:
    """Refused or throttled token exchanges name the step, the status and the code."""
    setattr(world.registry, knob, status)
    report = run(world)
    assert by_name(report)[name][:2] == ("error", code)
    for check in report.checks:
        assert "mi-" not in check.detail


def test_dns_failure_is_reported_with_the_dns_topic(world: AzureWorld) -> None:
    """A login server that does not resolve gives CONNECTIVITY_DNS_ERROR → dns-no-such-host."""

    def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    checks = by_name(run(world, resolver=resolver))
    assert checks["dns"] == ("error", "CONNECTIVITY_DNS_ERROR", "dns-no-such-host")


def test_untrusted_registry_certificate_is_an_ssl_error(world: AzureWorld) -> None:
    """A registry certificate from an unknown CA gives CONNECTIVITY_SSL_ERROR."""
    stranger_ca = TestCA()
    impostor = FakeRegistry(stranger_ca)
    try:
        world.arm.add_registry("impostorreg", login_server=impostor.login_server)
        checks = by_name(run(world, "impostorreg"))
        assert checks["tls"] == ("error", "CONNECTIVITY_SSL_ERROR", "x509-unknown-authority")
        assert "challenge" not in checks
    finally:
        impostor.close()
        stranger_ca.close()


@pytest.mark.timeout(60)
def test_hanging_registry_still_gives_a_report(world: AzureWorld) -> None:
    """When the registry accepts connections but never answers, the report still arrives."""
    world.registry.delay = 20
    report = run(world, health_timeout=1.5)
    checks = {c.name: c for c in report.checks}
    assert checks["arm"].status == "ok"
    assert checks["challenge"].status == "error"
    assert "No answer within 1.5 s" in checks["challenge"].detail
    assert checks["refresh-token"].status == "skipped"


def test_missing_registry_reports_login_server_error(world: AzureWorld) -> None:
    """A registry ARM cannot find gives LOGIN_SERVER_ERROR and still tries DNS on its name."""

    def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    report = run(world, "ghostregistry", resolver=resolver)
    checks = by_name(report)
    assert checks["arm"] == ("error", "LOGIN_SERVER_ERROR", "registry-not-found-in-subscription")
    assert report.login_server == "ghostregistry.azurecr.io"
    assert checks["dns"][1] == "CONNECTIVITY_DNS_ERROR"


def test_configuration_warnings(world: AzureWorld) -> None:
    """Admin user, anonymous pull, storage near its limit and disabled public access warn."""
    world.arm.add_registry(
        "riskyregistry",
        login_server=world.registry.login_server,
        usages=[{"name": "Size", "limit": 100, "currentValue": 90, "unit": "Bytes"}],
        properties={
            "adminUserEnabled": True,
            "anonymousPullEnabled": True,
            "provisioningState": "Updating",
            "publicNetworkAccess": "Disabled",
        },
    )
    world.registry.v2 = "forbidden"
    checks = by_name(run(world, "riskyregistry"))
    assert checks["admin-user"] == ("warning", None, "admin-credentials")
    assert checks["anonymous-pull"] == ("warning", None, "anonymous-pull")
    assert checks["storage"] == ("warning", None, "storage-quota-exceeded")
    assert checks["provisioning"][0] == "warning"
    assert checks["public-network"] == ("warning", None, "public-network-disabled")


def test_retention_soft_delete_and_cmk(world: AzureWorld) -> None:
    """Retention and soft delete are described; a vanished CMK identity is CMK_ERROR."""
    props = world.arm.registries["contosoprod"].body["properties"]
    props["policies"]["retentionPolicy"]["status"] = "enabled"
    props["policies"]["softDeletePolicy"] = {"retentionDays": 7, "status": "enabled"}
    props["encryption"] = {
        "status": "enabled",
        "keyVaultProperties": {"identity": "aaaaaaaa-0000-0000-0000-000000000000"},
    }
    report = run(world)
    checks = {c.name: c for c in report.checks}
    assert checks["retention"].detail == "Untagged manifests are deleted after 7 days."
    assert "kept for 7 days" in checks["soft-delete"].detail
    assert (checks["encryption-identity"].status, checks["encryption-identity"].code) == (
        "error",
        "CMK_ERROR",
    )
    assert checks["encryption-identity"].topic == "health-cmk-identity-error"


def test_premium_replicas_are_checked(world: AzureWorld) -> None:
    """A Premium registry's replications are listed and their state reported."""
    world.arm.add_registry("premiumreg", login_server=world.registry.login_server, sku="Premium")
    checks = {c.name: c for c in run(world, "premiumreg").checks}
    assert checks["replicas"].status == "ok"
    assert "eastus" in checks["replicas"].detail


def test_every_code_maps_to_a_catalog_topic() -> None:
    """Every health-check code's topic, and every problem's, is a knowledge catalog topic."""
    assert set(CODE_TOPICS.values()) <= CATALOG
    assert {p.explained_by for p in PROBLEMS.values() if p.explained_by} <= CATALOG
    assert {p.code for p in PROBLEMS.values() if p.code} <= set(CODE_TOPICS)


def test_every_topic_in_a_report_is_in_the_catalog(world: AzureWorld) -> None:
    """Topics attached to report lines are catalog ids, so the Explain button always works."""
    world.registry.v2 = "forbidden"
    world.arm.registries["contosoprod"].body["properties"]["adminUserEnabled"] = True
    topics = {c.topic for c in run(world).checks if c.topic}
    assert topics and topics <= CATALOG


# --- a real Registry v2 server ---------------------------------------------------------------
@pytest.fixture
def real_registry(ca: TestCA, tmp_path: Path) -> Iterator[str]:
    """Debian's docker-registry on 127.0.0.1 over TLS with token auth; yields localhost:<port>."""
    with docker_registry(ca, tmp_path) as address:
        yield address


def test_connectivity_checks_against_a_real_registry_v2(
    world: AzureWorld, real_registry: str
) -> None:
    """A real Registry v2 passes DNS, TLS and the Bearer challenge; it has no ACR token service."""
    world.arm.add_registry("realregistry", login_server=real_registry)
    checks = {c.name: c for c in run(world, "realregistry").checks}
    assert checks["dns"].status == "ok"
    assert checks["tls"].status == "ok"
    assert checks["challenge"].status == "ok"
    assert f"service {real_registry}" in checks["challenge"].detail
    assert (checks["refresh-token"].status, checks["refresh-token"].code) == (
        "error",
        "CONNECTIVITY_REFRESH_TOKEN_ERROR",
    )
    assert "HTTP 404" in checks["refresh-token"].detail


@pytest.mark.timeout(60)
def test_hanging_arm_still_gives_a_report(world: AzureWorld) -> None:
    """When ARM never answers, the report arrives with the ARM line in error and a guessed host."""
    world.arm.delay = 20

    def resolver(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    report = run(world, health_timeout=1.0, resolver=resolver)
    checks = {c.name: c for c in report.checks}
    assert checks["arm"].status == "error"
    assert "did not answer within 1 s" in checks["arm"].detail
    assert report.login_server == "contosoprod.azurecr.io"
    assert checks["dns"].code == "CONNECTIVITY_DNS_ERROR"
