"""The bot's identity: which azure-identity source is used, and what is asked of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.identity import ChainedTokenCredential

from bot.access import Caller
from bot.azure import AzureOps
from bot.azure.credential import build_credential, describe
from bot.config import Settings
from bot.errors import AzureError
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, LoopbackGuard
from tests.fakes.identity import FakeIdentity

CLI = Caller("alice", source="cli")


def test_user_assigned_identity_is_selected_by_client_id(world: AzureWorld) -> None:
    """AZURE_CLIENT_ID makes the managed-identity request name that user-assigned identity."""
    client_id = "aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb"
    ops = AzureOps(world.settings(AZURE_CLIENT_ID=client_id), MemoryStore(), retry_total=0)
    ops.usage(CLI, "contosoprod")
    assert world.identity.requests[0]["client_id"] == client_id


def test_china_cloud_asks_for_the_china_arm_audience(world: AzureWorld) -> None:
    """ACRBOT_AZURE_CLOUD=china asks the identity for a management.chinacloudapi.cn token."""
    ops = AzureOps(world.settings(ACRBOT_AZURE_CLOUD="china"), MemoryStore(), retry_total=0)
    ops.usage(CLI, "contosoprod")
    assert world.identity.resources() == ["https://management.chinacloudapi.cn"]


def test_default_chain_prefers_workload_identity(
    world: AzureWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a federated token file, the default chain signs in by workload identity first."""
    entra = FakeIdentity(world.ca)
    token_file = tmp_path / "token"
    token_file.write_text("federated-assertion")
    env = {
        "AZURE_AUTHORITY_HOST": entra.url,
        "AZURE_TENANT_ID": "72f988bf-0000-0000-0000-000000000000",
        "AZURE_FEDERATED_TOKEN_FILE": str(token_file),
        "AZURE_CLIENT_ID": "cccccccc-1111-2222-3333-dddddddddddd",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    try:
        settings = world.settings(ACRBOT_CREDENTIAL="default", **env)
        assert "workload identity → managed identity → Azure CLI" in describe(settings)
        AzureOps(settings, MemoryStore(), retry_total=0).usage(CLI, "contosoprod")
        request = entra.requests[0]
        assert request["kind"] == "workload"
        assert request["client_assertion"] == "federated-assertion"
        assert request["scope"] == "https://management.azure.com/.default"
        assert world.identity.requests == []
    finally:
        entra.close()


def test_default_chain_without_workload_variables_uses_managed_identity(world: AzureWorld) -> None:
    """Without workload-identity variables the chain is managed identity, then Azure CLI."""
    settings = world.settings(ACRBOT_CREDENTIAL="default")
    assert isinstance(build_credential(settings), ChainedTokenCredential)
    AzureOps(settings, MemoryStore(), retry_total=0).usage(CLI, "contosoprod")
    assert world.identity.resources() == ["https://management.azure.com"]


def test_identity_failure_is_a_sentence_without_secrets(world: AzureWorld) -> None:
    """When the identity endpoint refuses, the user reads what to check, not a trace or header."""
    world.identity.fail_status = 400
    settings = Settings.from_env(world.env())
    with pytest.raises(AzureError) as caught:
        AzureOps(settings, MemoryStore(), retry_total=0).usage(CLI, "contosoprod")
    message = caught.value.user_message
    assert caught.value.kind == "auth"
    assert "could not get an Azure token" in message
    assert world.identity.secret not in message
    assert world.arm.total_calls() == 0


def test_guard_catches_a_chain_that_falls_through_to_imds(
    world: AzureWorld, monkeypatch: pytest.MonkeyPatch, loopback_guard: LoopbackGuard
) -> None:
    """Without identity variables managed identity would try IMDS: the guard stops it here."""
    monkeypatch.delenv("IDENTITY_ENDPOINT")
    monkeypatch.delenv("IDENTITY_HEADER")
    with pytest.raises(AzureError) as caught:
        AzureOps(world.settings(), MemoryStore(), retry_total=0).usage(CLI, "contosoprod")
    assert caught.value.kind == "auth"
    assert set(loopback_guard.blocked) == {"169.254.169.254"}
    loopback_guard.blocked.clear()  # the attempt was the point of this test
    assert world.arm.total_calls() == 0
