"""The bot's Azure identity: azure-identity credentials only, never a secret in configuration.

``ACRBOT_CREDENTIAL`` picks the source. ``default`` is a chain for the places the bot runs:
workload identity (AKS with federated credentials), then managed identity (App Service,
Container Apps, VMs), then the Azure CLI login of a developer's laptop. The standard
azure-identity variables (IDENTITY_ENDPOINT, AZURE_FEDERATED_TOKEN_FILE, ...) keep their meaning;
``AZURE_CLIENT_ID`` selects a user-assigned identity.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from azure.core.credentials import TokenCredential
from azure.identity import (
    AzureCliCredential,
    ChainedTokenCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from bot.config import Settings

WORKLOAD_VARIABLES = ("AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")


def _authority(settings: Settings, env: Mapping[str, str]) -> str:
    host = env.get("AZURE_AUTHORITY_HOST") or settings.cloud["authority"]
    return host if "://" in host else f"https://{host}"


def _workload(settings: Settings, env: Mapping[str, str]) -> WorkloadIdentityCredential:
    return WorkloadIdentityCredential(
        client_id=settings.azure_client_id or env.get("AZURE_CLIENT_ID"),
        tenant_id=env.get("AZURE_TENANT_ID"),
        token_file_path=env.get("AZURE_FEDERATED_TOKEN_FILE"),
        authority=_authority(settings, env),
    )


def _managed(settings: Settings) -> ManagedIdentityCredential:
    if settings.azure_client_id:
        return ManagedIdentityCredential(client_id=settings.azure_client_id)
    return ManagedIdentityCredential()


def build_credential(settings: Settings, env: Mapping[str, str] | None = None) -> TokenCredential:
    """The credential for ``settings.credential``; nothing is contacted until a token is needed."""
    env = os.environ if env is None else env
    kind = settings.credential
    if kind == "managed-identity":
        return _managed(settings)
    if kind == "workload-identity":
        return _workload(settings, env)
    if kind == "azure-cli":
        return AzureCliCredential()
    chain: list[TokenCredential] = []
    if all(env.get(name) for name in WORKLOAD_VARIABLES):
        chain.append(_workload(settings, env))
    chain.append(_managed(settings))
    chain.append(AzureCliCredential())
    return ChainedTokenCredential(*chain)


def describe(settings: Settings, env: Mapping[str, str] | None = None) -> str:
    """A one-line, secret-free description of where tokens come from (for logs and reports)."""
    env = os.environ if env is None else env
    who = f"user-assigned {settings.azure_client_id}" if settings.azure_client_id else "default"
    if settings.credential == "default":
        parts = []
        if all(env.get(name) for name in WORKLOAD_VARIABLES):
            parts.append("workload identity")
        parts += ["managed identity", "Azure CLI"]
        return f"chain: {' → '.join(parts)} ({who} identity)"
    return f"{settings.credential} ({who} identity)"
