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
from bot.words import Message, say

# The role a command needs, for the "the identity lacks a role" sentence.
ROLES: dict[str, str] = {
    "read": "Reader",
    "usage": "Reader",
    "runs": "Reader",
    "cancel": say("role.cancel"),
    "pull": "AcrPull",
}


class _Response(Protocol):
    """The part of an HTTP answer (SDK pipeline or azure.core.rest) the error body is read from."""

    def text(self) -> str: ...


@dataclass(frozen=True)
class Target:
    """What the call was about, for the sentence."""

    action: str  # the catalogue's "do.<action>": what the bot was trying to do ("usage")
    registry: str | None = None
    scope: str | None = None  # resource id or subscription the call was made on
    need: str = "read"
    run: str | None = None
    subscription: str | None = None


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


def _what(target: Target) -> Message:
    """What the bot was trying to do, completing "while trying to …"."""
    return say(
        f"do.{target.action}",
        registry=target.registry,
        run=target.run,
        subscription=target.subscription,
    )


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


def causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and what it wraps (causes, contexts, the SDK's inner exceptions), at most 12
    deep: the SDKs wrap a socket error three or four times, and a cycle must end."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in seen) and len(seen) < 12:
        seen.append(current)
        current = (
            current.__cause__ or current.__context__ or getattr(current, "inner_exception", None)
        )
    return seen


def _is_tls(exc: BaseException) -> bool:
    return any(
        isinstance(e, ssl.SSLError)
        or any(mark in str(e) for mark in ("CERTIFICATE_VERIFY_FAILED", "SSLError", "SSL:"))
        for e in causes(exc)
    )


def translate(exc: BaseException, target: Target) -> AzureError:
    """The AzureError a user reads for ``exc`` raised while doing ``target``."""
    what = _what(target)
    if isinstance(exc, AzureError):
        return exc
    if isinstance(exc, CredentialUnavailableError) or (
        isinstance(exc, ClientAuthenticationError) and exc.status_code is None
    ):
        detail = shorten(getattr(exc, "message", None) or str(exc), 200)
        return AzureError(say("azure.no_token", detail=detail), kind="auth")
    if isinstance(exc, (ServiceRequestTimeoutError, ServiceResponseTimeoutError, TimeoutError)):
        return AzureError(say("azure.timeout", what=what), kind="timeout")
    if isinstance(exc, (ServiceRequestError, ServiceResponseError)) or (
        isinstance(exc, SdkAzureError) and not isinstance(exc, HttpResponseError)
    ):
        if _is_tls(exc):
            return AzureError(say("azure.tls", what=what), kind="tls")
        if "timed out" in str(exc).lower() or "timeout" in type(exc).__name__.lower():
            return AzureError(say("azure.timeout_short", what=what), kind="timeout")
        return AzureError(say("azure.network", what=what), kind="network")
    if isinstance(exc, json.JSONDecodeError):
        return AzureError(say("azure.unreadable", what=what), kind="server")
    if isinstance(exc, HttpResponseError):
        return _from_http(exc, target, what)
    return AzureError(say("azure.unexpected", what=what), kind="unknown")


def retry_after(exc: HttpResponseError) -> float | None:
    """The seconds Azure asked to wait (a Retry-After in seconds), if it said."""
    headers = getattr(exc.response, "headers", None) or {}
    raw = headers.get("Retry-After")
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def later(exc: HttpResponseError) -> Message:
    """When to try again after a 429: the wait Azure asked for when it is longer than the bot
    waits in place (``bot.azure.timeouts`` passes such an answer on), else in a minute."""
    wait = retry_after(exc)
    if wait is not None and wait > 60:
        return say("azure.wait", wait=_duration(wait))
    return say("azure.try_in_a_minute")


def _duration(seconds: float) -> Message:
    if seconds >= 5400:
        return say("duration.hours", count=round(seconds / 3600))
    if seconds >= 90:
        return say("duration.minutes", count=round(seconds / 60))
    return say("duration.seconds", count=round(seconds))


def _from_http(exc: HttpResponseError, target: Target, what: Message) -> AzureError:
    status = exc.status_code
    code, message = _arm_code(exc)
    detail = shorten(message)
    # Azure's own code and message, verbatim in every language
    said = say("azure.said", code=code, detail=detail) if code and detail else ""

    def error(key: str, kind: str, **facts: object) -> AzureError:
        sentence = say(key, what=what, said=said, status=status, **facts)
        return AzureError(sentence, kind=kind, status=status, code=code)

    if status == 403 or code in ("AuthorizationFailed", "LinkedAuthorizationFailed", "DENIED"):
        role = ROLES.get(target.need, "Reader")
        scope = target.scope or (
            say("scope.registry", registry=target.registry)
            if target.registry
            else say("scope.subscription")
        )
        return error("azure.forbidden", "forbidden", role=role, scope=scope)
    if status == 401 or code in ("InvalidAuthenticationToken", "ExpiredAuthenticationToken"):
        return error("azure.token_refused", "auth")
    if status == 404 or isinstance(exc, ResourceNotFoundError):
        if target.registry:
            return error("azure.registry_missing", "not_found", registry=target.registry)
        return error("azure.resource_missing", "not_found")
    if status == 429 or (code and re.search(r"(?i)throttl|toomanyrequests", code)):
        return error("azure.throttled", "throttled", later=later(exc))
    if status == 409:
        return error("azure.conflict", "conflict")
    if status is not None and status >= 500:
        return error("azure.server", "server")
    return error("azure.http", "unknown")
