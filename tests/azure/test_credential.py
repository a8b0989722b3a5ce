"""The bot's identity: which azure-identity source is used, and what is asked of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from azure.identity import ChainedTokenCredential

from bot.azure.arm_errors import shorten
from bot.azure.credential import ExplainedCredential, build_credential, describe
from bot.azure.ops import AzureOps
from bot.config import Settings
from bot.errors import AzureError
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, LoopbackGuard
from tests.fakes.identity import FakeIdentity


def test_user_assigned_identity_is_selected_by_client_id(world: AzureWorld) -> None:
    """AZURE_CLIENT_ID makes the managed-identity request name that user-assigned identity."""
    client_id = "aaaaaaaa-1111-2222-3333-bbbbbbbbbbbb"
    ops = AzureOps(world.settings(AZURE_CLIENT_ID=client_id), MemoryStore(), retry_total=0)
    ops.usage("contosoprod")
    assert world.identity.requests[0]["client_id"] == client_id


def test_china_cloud_asks_for_the_china_arm_audience(world: AzureWorld) -> None:
    """ACRBOT_AZURE_CLOUD=china asks the identity for a management.chinacloudapi.cn token."""
    ops = AzureOps(world.settings(ACRBOT_AZURE_CLOUD="china"), MemoryStore(), retry_total=0)
    ops.usage("contosoprod")
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
        AzureOps(settings, MemoryStore(), retry_total=0).usage("contosoprod")
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
    credential = build_credential(settings)
    assert isinstance(credential, ExplainedCredential)
    assert isinstance(credential.inner, ChainedTokenCredential)
    AzureOps(settings, MemoryStore(), retry_total=0).usage("contosoprod")
    assert world.identity.resources() == ["https://management.azure.com"]


def test_identity_failure_is_a_sentence_without_secrets(world: AzureWorld) -> None:
    """When the identity endpoint refuses, the user reads what to check, not a trace or header."""
    world.identity.fail_status = 400
    settings = Settings.from_env(world.env())
    with pytest.raises(AzureError) as caught:
        AzureOps(settings, MemoryStore(), retry_total=0).usage("contosoprod")
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
        AzureOps(world.settings(), MemoryStore(), retry_total=0).usage("contosoprod")
    assert caught.value.kind == "auth"
    assert set(loopback_guard.blocked) == {"169.254.169.254"}
    loopback_guard.blocked.clear()  # the attempt was the point of this test
    assert world.arm.total_calls() == 0


# --- one sentence per kind of credential, saying what to do --------------------------------


def _token_error(world: AzureWorld, **env: str) -> str:
    with pytest.raises(AzureError) as caught:
        AzureOps(world.settings(**env), MemoryStore(), retry_total=0).usage("contosoprod")
    assert caught.value.kind == "auth"
    assert world.arm.total_calls() == 0
    message = caught.value.user_message
    assert message.startswith("The bot could not get an Azure token") and message.endswith(".")
    assert "\n" not in message and "Traceback" not in message
    return message


def _fake_az(folder: Path, stderr: str) -> None:
    """An `az` that fails the way the Azure CLI does, printing ``stderr``."""
    script = folder / "az"
    script.write_text(f"#!/bin/sh\necho {stderr!r} >&2\nexit 1\n", encoding="utf-8")
    script.chmod(0o755)


def test_azure_cli_not_installed_says_install_it_and_az_login(
    world: AzureWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no `az` anywhere
    message = _token_error(world, ACRBOT_CREDENTIAL="azure-cli")
    assert "Azure CLI, which is not installed" in message and "`az login`" in message
    assert "managed identity" not in message


def test_azure_cli_not_signed_in_says_az_login(
    world: AzureWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_az(tmp_path, "ERROR: Please run 'az login' to setup account.")
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    message = _token_error(world, ACRBOT_CREDENTIAL="azure-cli")
    assert "not signed in; run `az login`" in message
    assert "not installed" not in message


def test_managed_identity_refusing_says_assign_one(world: AzureWorld) -> None:
    world.identity.fail_status = 400
    message = _token_error(world, ACRBOT_CREDENTIAL="managed-identity")
    assert "assign a managed identity" in message and "AZURE_CLIENT_ID" in message
    assert world.identity.secret not in message


def test_workload_identity_without_its_variables_names_them(world: AzureWorld) -> None:
    """No ValueError from azure-identity: the missing variables and the AKS steps instead."""
    message = _token_error(world, ACRBOT_CREDENTIAL="workload-identity")
    assert "AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE not set" in message
    assert "federated token file" in message and "azure.workload.identity/use" in message


def test_default_chain_lists_what_it_tried(
    world: AzureWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.identity.fail_status = 400
    monkeypatch.setenv("PATH", str(tmp_path))
    message = _token_error(world, ACRBOT_CREDENTIAL="default")
    assert "workload identity: skipped, AZURE_TENANT_ID and AZURE_FEDERATED_TOKEN_FILE" in message
    assert "managed identity: " in message and "Azure CLI: not installed" in message
    assert "set ACRBOT_CREDENTIAL" in message
    assert "ChainedTokenCredential" not in message


def test_shortened_details_end_between_words() -> None:
    detail = "Attempted credentials: ManagedIdentityCredential failed; AzureCliCredential: " * 9
    short = shorten(detail, 100)
    assert short.endswith("…") and len(short) <= 100
    whole_words = {word.strip(",;:.") for word in detail.split()}
    assert {word.strip(",;:.") for word in short.rstrip("…").split()} <= whole_words
