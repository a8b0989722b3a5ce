"""Turn Azure SDK exceptions into :class:`bot.errors.AzureError` with a sentence people can act on.

The sentence names what failed, why (as far as the answer tells) and what to do next. It never
contains a token, a header or a stack trace: only the status, the error code, and a scrubbed,
shortened message from Azure.
"""

from __future__ import annotations

import json
import re
import ssl
from dataclasses import dataclass
from typing import Protocol

from azure.core.exceptions import (
    AzureError as SdkAzureError,
)
from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.identity import CredentialUnavailableError

from bot.errors import AzureError
from bot.observe.logging import scrub

# The role a command needs, for the "the identity lacks a role" sentence.
ROLES = {
    "read": "Reader",
    "usage": "Reader",
    "runs": "Reader",
    "cancel": (
        "Contributor (or a custom role with "
        "Microsoft.ContainerRegistry/registries/runs/cancel/action)"
    ),
    "pull": "AcrPull",
}


class _Response(Protocol):
    """The part of an HTTP answer (SDK pipeline or azure.core.rest) the error body is read from."""

    def text(self) -> str: ...


@dataclass(frozen=True)
class Target:
    """What the call was about, for the sentence."""

    action: str  # e.g. "read the usage of"
    registry: str | None = None
    scope: str | None = None  # resource id or subscription the call was made on
    need: str = "read"


def shorten(text: str | None, limit: int = 240) -> str:
    """One line, secrets scrubbed, at most ``limit`` characters, cut between words (a user
    reads "… AzureCliCredential …", never "AzureCliCreden…")."""
    if not text:
        return ""
    clean = scrub(" ".join(text.split()))
    if len(clean) <= limit:
        return clean
    cut = clean[: limit - 1]
    if clean[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-") + "…"


def _what(target: Target) -> str:
    return f"{target.action} registry `{target.registry}`" if target.registry else target.action


def data_plane_code(response: _Response | None) -> tuple[str | None, str | None]:
    """ACR data-plane errors carry ``{"errors": [{"code", "message"}]}``; the SDK ignores it."""
    if response is None:
        return None, None
    try:
        body = json.loads(response.text())
    except (ValueError, TypeError, AttributeError):
        return None, None
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return errors[0].get("code"), errors[0].get("message")
    return None, None


def _arm_code(exc: HttpResponseError) -> tuple[str | None, str | None]:
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None) if error is not None else None
    message = getattr(error, "message", None) if error is not None else None
    if code:
        return code, message
    response = exc.response
    if response is not None:
        try:
            body = json.loads(response.text())
        except (ValueError, TypeError, AttributeError):
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return body["error"].get("code"), body["error"].get("message")
    return data_plane_code(exc.response)


def _is_tls(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            return True
        text = str(current)
        if "CERTIFICATE_VERIFY_FAILED" in text or "SSLError" in text or "SSL:" in text:
            return True
        current = (
            current.__cause__ or current.__context__ or getattr(current, "inner_exception", None)
        )
    return False


def translate(exc: BaseException, target: Target) -> AzureError:
    """The AzureError a user reads for ``exc`` raised while doing ``target``."""
    what = _what(target)
    if isinstance(exc, AzureError):
        return exc
    if isinstance(exc, CredentialUnavailableError) or (
        isinstance(exc, ClientAuthenticationError) and exc.status_code is None
    ):
        return AzureError(
            "The bot could not get an Azure token for its identity. Check ACRBOT_CREDENTIAL and "
            "that a managed identity (or workload identity) is assigned to where the bot runs. "
            f"Detail: {shorten(getattr(exc, 'message', None) or str(exc), 200)}",
            kind="auth",
        )
    if isinstance(exc, (ServiceRequestTimeoutError, ServiceResponseTimeoutError, TimeoutError)):
        return AzureError(
            f"Azure did not answer in time while trying to {what}. Try again in a minute; if it "
            "keeps happening, check the bot's outbound network (proxy, firewall).",
            kind="timeout",
        )
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)) or (
        isinstance(exc, SdkAzureError) and not isinstance(exc, HttpResponseError)
    ):
        if _is_tls(exc):
            return AzureError(
                f"A TLS connection to Azure failed while trying to {what}: the certificate was "
                "not trusted. An intercepting proxy is the usual cause; give the bot its CA "
                "(REQUESTS_CA_BUNDLE) or exempt Azure endpoints from inspection.",
                kind="tls",
            )
        if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower():
            return AzureError(
                f"Azure did not answer in time while trying to {what}. Try again in a minute.",
                kind="timeout",
            )
        return AzureError(
            f"The bot could not reach Azure while trying to {what} (network error). Check "
            "its outbound access to the Azure Resource Manager endpoint.",
            kind="network",
        )
    if isinstance(exc, json.JSONDecodeError):
        return AzureError(
            f"Azure sent an answer the bot could not read while trying to {what}.",
            kind="server",
        )
    if isinstance(exc, HttpResponseError):
        return _from_http(exc, target, what)
    return AzureError(f"Something unexpected went wrong while trying to {what}.", kind="unknown")


def _retry_after(exc: HttpResponseError) -> float | None:
    """The seconds Azure asked to wait (a Retry-After in seconds), if it said."""
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def _duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.0f} hours"
    if seconds >= 90:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"


def _from_http(exc: HttpResponseError, target: Target, what: str) -> AzureError:
    status = exc.status_code
    code, message = _arm_code(exc)
    detail = shorten(message)
    suffix = f" (Azure said: {code}: {detail})" if code and detail else ""
    if status == 403 or code in ("AuthorizationFailed", "LinkedAuthorizationFailed", "DENIED"):
        role = ROLES.get(target.need, "Reader")
        scope = target.scope or (f"registry {target.registry}" if target.registry else "it")
        return AzureError(
            f"The bot's identity is not allowed to {what}. Give it the {role} role on "
            f"`{scope}` (or a scope above it), then try again; new role assignments can take "
            f"a few minutes to apply.{suffix}",
            kind="forbidden",
            status=status,
            code=code,
        )
    if status == 401 or code in ("InvalidAuthenticationToken", "ExpiredAuthenticationToken"):
        return AzureError(
            f"Azure refused the bot's token while trying to {what}. The identity's token is for "
            f"another cloud or tenant, or has expired.{suffix}",
            kind="auth",
            status=status,
            code=code,
        )
    if status == 404 or isinstance(exc, ResourceNotFoundError):
        thing = f"Registry `{target.registry}`" if target.registry else "The resource"
        return AzureError(
            f"{thing} does not exist or the bot's identity cannot see it. Check the name; if it "
            "is right, give the identity Reader on the registry or its resource group."
            f"{suffix}",
            kind="not_found",
            status=status,
            code=code,
        )
    if status == 429 or (code and re.search(r"(?i)throttl|toomanyrequests", code)):
        wait = _retry_after(exc)
        later = (
            f"Azure asks to wait {_duration(wait)} before the next try."
            if wait is not None and wait > 60
            else "Try again in a minute."
        )
        return AzureError(
            f"Azure is throttling requests (HTTP 429) while the bot tries to {what}. "
            f"{later}{suffix}",
            kind="throttled",
            status=status,
            code=code,
        )
    if status == 409:
        return AzureError(
            f"Azure reported a conflict while trying to {what}.{suffix}",
            kind="conflict",
            status=status,
            code=code,
        )
    if status is not None and status >= 500:
        return AzureError(
            f"Azure had an internal error (HTTP {status}) while trying to {what}. This is on "
            f"Azure's side; try again in a few minutes.{suffix}",
            kind="server",
            status=status,
            code=code,
        )
    return AzureError(
        f"Azure answered HTTP {status} while trying to {what}.{suffix}",
        kind="unknown",
        status=status,
        code=code,
    )
