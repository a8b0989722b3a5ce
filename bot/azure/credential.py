"""The bot's Azure identity: azure-identity credentials only, never a secret in configuration.

``ACRBOT_CREDENTIAL`` picks the source. ``default`` is a chain for the places the bot runs:
workload identity (AKS with federated credentials), then managed identity (App Service,
Container Apps, VMs), then the Azure CLI login of a developer's laptop. The standard
azure-identity variables (IDENTITY_ENDPOINT, AZURE_FEDERATED_TOKEN_FILE, ...) keep their meaning;
``AZURE_CLIENT_ID`` selects a user-assigned identity.

When no token comes, the user reads one sentence saying what to do for the source in use
(:func:`token_failure`), not azure-identity's message, which is many lines long and the same
for every source.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any

from azure.core.credentials import (
    AccessToken,
    AccessTokenInfo,
    TokenCredential,
    TokenRequestOptions,
)
from azure.identity import (
    AzureCliCredential,
    ChainedTokenCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from bot.azure.arm_errors import shorten
from bot.config import Settings
from bot.errors import AzureError, BotError
from bot.observe.logging import event
from bot.words import Join, Message, say

log = logging.getLogger("bot.azure")

WORKLOAD_VARIABLES = ("AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE")
# what azure-identity calls each source in a chain's message → what the user reads
SOURCES = {
    "WorkloadIdentityCredential": "source.workload",
    "ManagedIdentityCredential": "source.managed",
    "AzureCliCredential": "source.cli",
}
_ATTEMPT = re.compile(r"^\t(?P<name>\w+): (?P<detail>.*)$", re.MULTILINE)


def _authority(settings: Settings, env: Mapping[str, str]) -> str:
    host = env.get("AZURE_AUTHORITY_HOST") or settings.cloud["authority"]
    return host if "://" in host else f"https://{host}"


def _client_id(settings: Settings, env: Mapping[str, str]) -> str | None:
    return settings.azure_client_id or env.get("AZURE_CLIENT_ID")


def _workload(settings: Settings, env: Mapping[str, str]) -> WorkloadIdentityCredential:
    missing = [
        name
        for name, value in (
            ("AZURE_TENANT_ID", env.get("AZURE_TENANT_ID")),
            ("AZURE_CLIENT_ID", _client_id(settings, env)),
            ("AZURE_FEDERATED_TOKEN_FILE", env.get("AZURE_FEDERATED_TOKEN_FILE")),
        )
        if not value
    ]
    if missing:
        why = say("token.unset", names=", ".join(missing))
        raise AzureError(_workload_advice(why), kind="auth")
    return WorkloadIdentityCredential(
        client_id=_client_id(settings, env),
        tenant_id=env.get("AZURE_TENANT_ID"),
        token_file_path=env.get("AZURE_FEDERATED_TOKEN_FILE"),
        authority=_authority(settings, env),
    )


def _managed(settings: Settings) -> ManagedIdentityCredential:
    if settings.azure_client_id:
        return ManagedIdentityCredential(client_id=settings.azure_client_id)
    return ManagedIdentityCredential()


Source = (
    ManagedIdentityCredential
    | WorkloadIdentityCredential
    | AzureCliCredential
    | ChainedTokenCredential
)


def _inner(settings: Settings, env: Mapping[str, str]) -> Source:
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


class ExplainedCredential:
    """The configured credential; a token it cannot get becomes the AzureError of
    :func:`token_failure` (raised inside the SDK's pipeline, it reaches the door unchanged)."""

    def __init__(self, inner: Source, settings: Settings, env: Mapping[str, str]) -> None:
        self.inner = inner
        self.settings = settings
        self.env = env

    def get_token(
        self,
        *scopes: str,
        claims: str | None = None,
        tenant_id: str | None = None,
        enable_cae: bool = False,
        **kwargs: Any,
    ) -> AccessToken:
        try:
            return self.inner.get_token(
                *scopes, claims=claims, tenant_id=tenant_id, enable_cae=enable_cae, **kwargs
            )
        except BotError:
            raise
        except Exception as exc:
            raise self._explain(exc) from None

    def get_token_info(
        self, *scopes: str, options: TokenRequestOptions | None = None
    ) -> AccessTokenInfo:
        try:
            return self.inner.get_token_info(*scopes, options=options)
        except BotError:
            raise
        except Exception as exc:
            raise self._explain(exc) from None

    def _explain(self, exc: Exception) -> AzureError:
        error = token_failure(self.settings, exc, self.env)
        event(
            log,
            "azure.token_failed",
            logging.WARNING,
            credential=self.settings.credential,
            detail=shorten(_detail(exc), 400),
        )
        return error

    def close(self) -> None:
        self.inner.close()

    def __enter__(self) -> ExplainedCredential:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def build_credential(settings: Settings, env: Mapping[str, str] | None = None) -> TokenCredential:
    """The credential for ``settings.credential``; nothing is contacted until a token is needed."""
    env = os.environ if env is None else env
    return ExplainedCredential(_inner(settings, env), settings, env)


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


# --- what to do when no token comes ---------------------------------------------------------


def _detail(exc: BaseException) -> str:
    return str(getattr(exc, "message", None) or exc) or type(exc).__name__


def _unreachable(detail: str) -> bool:
    text = detail.lower()
    return any(
        sign in text
        for sign in ("failed to establish", "connection refused", "timed out", "no response from")
    )


def _cli_advice(detail: str) -> Message:
    if "not found on path" in detail or "Failed to execute" in detail:
        return say("token.cli_missing")
    if "az login" in detail:
        return say("token.cli_login")
    return say("token.cli_other", detail=shorten(detail, 160))


def _managed_advice(detail: str) -> Message:
    if _unreachable(detail):
        why = say("token.managed_silent")
    else:
        why = say("token.managed_refused", detail=shorten(detail, 160))
    return say("token.managed", why=why)


def _workload_advice(why: str) -> Message:
    return say("token.workload", why=why)


def _and(names: list[str]) -> str:
    """ "A and B" in the reader's language (names themselves are never translated)."""
    if len(names) < 2:
        return "".join(names)
    return say("list.and", first=", ".join(names[:-1]), last=names[-1])


def _short_reason(name: str, detail: str) -> str:
    """A few words on why one source of a chain gave no token."""
    if name == "AzureCliCredential":
        if "not found on path" in detail:
            return say("reason.not_installed")
        if "az login" in detail:
            return say("reason.not_signed_in")
    if _unreachable(detail):
        return say("reason.silent")
    if "No managed identity endpoint" in detail:
        return say("reason.none_here")
    return shorten(detail, 100)


def _chain_advice(settings: Settings, detail: str, env: Mapping[str, str]) -> Message:
    attempts = {m["name"]: m["detail"] for m in _ATTEMPT.finditer(detail)}
    tried = []
    unset = [name for name in WORKLOAD_VARIABLES if not env.get(name)]
    for name, source in SOURCES.items():
        if name in attempts:
            reason = _short_reason(name, attempts[name])
        elif name == "WorkloadIdentityCredential" and unset:
            reason = say("reason.skipped", names=_and(unset))
        else:
            reason = say("reason.not_tried")
        tried.append(say("token.tried", source=say(source), reason=reason))
    return say("token.chain", tried=Join(tried))


def token_failure(
    settings: Settings, exc: BaseException, env: Mapping[str, str] | None = None
) -> AzureError:
    """The sentence for a credential that gave no token: what to do for this kind of source."""
    env = os.environ if env is None else env
    detail = _detail(exc)
    kind = settings.credential
    if kind == "azure-cli":
        sentence = _cli_advice(detail)
    elif kind == "managed-identity":
        sentence = _managed_advice(detail)
    elif kind == "workload-identity":
        sentence = _workload_advice(shorten(detail, 160))
    else:
        sentence = _chain_advice(settings, detail, env)
    return AzureError(sentence, kind="auth")
