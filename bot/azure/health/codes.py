"""The catalogue of what check-health can find wrong: code → sentence → knowledge topic.

Two tables, kept apart from the probes that detect the problems (azure-cli keeps its
``_errors.py`` apart from ``check_health.py`` the same way):

* ``CODE_TOPICS``: every ``az acr check-health`` error code → the knowledge topic that explains
  it. It also covers codes only the CLI reports (Docker, Helm, Notary), because people paste
  the CLI's output and the Explain button must open a topic for those too.
* ``PROBLEMS``: each problem a probe can report → its status, its code (when the CLI has one),
  the sentence a person reads (formatted with the probe's facts) and its topic.

A probe says what happened (``PROBLEMS["dns-unresolved"].check("dns", host=…, reason=…)``);
how it is worded and which topic explains it is decided here, once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.azure.reports import ERROR, SKIPPED, WARNING, Check

CODE_TOPICS: dict[str, str] = {
    "DOCKER_COMMAND_ERROR": "docker-daemon-not-running",
    "DOCKER_DAEMON_ERROR": "docker-daemon-not-running",
    "DOCKER_PULL_ERROR": "health-docker-pull-error",
    "DOCKER_VERSION_ERROR": "health-docker-pull-error",
    "HELM_COMMAND_ERROR": "health-helm-notary-errors",
    "HELM_VERSION_ERROR": "health-helm-notary-errors",
    "NOTARY_COMMAND_ERROR": "health-helm-notary-errors",
    "NOTARY_VERSION_ERROR": "health-helm-notary-errors",
    "CMK_ERROR": "health-cmk-identity-error",
    "CONNECTIVITY_CHALLENGE_ERROR": "health-challenge-error",
    "CONNECTIVITY_AAD_LOGIN_ERROR": "health-challenge-error",
    "CONNECTIVITY_WWW_AUTHENTICATE_ERROR": "health-challenge-error",
    "CONNECTIVITY_REFRESH_TOKEN_ERROR": "health-token-exchange-error",
    "CONNECTIVITY_ACCESS_TOKEN_ERROR": "health-token-exchange-error",
    "CONNECTIVITY_DNS_ERROR": "dns-no-such-host",
    "CONNECTIVITY_FORBIDDEN_ERROR": "client-ip-not-allowed",
    "CONNECTIVITY_SSL_ERROR": "x509-unknown-authority",
    "CONNECTIVITY_TOOMANYREQUESTS_ERROR": "too-many-requests",
    "LOGIN_SERVER_ERROR": "registry-not-found-in-subscription",
    "UNEXPECTED_ERROR": "check-health",
}


@dataclass(frozen=True)
class Problem:
    """One thing a probe can find wrong. ``topic`` defaults to the code's topic."""

    status: str
    sentence: str  # str.format template over the probe's facts
    code: str | None = None
    topic: str | None = None

    @property
    def explained_by(self) -> str | None:
        return self.topic or (CODE_TOPICS.get(self.code) if self.code else None)

    def check(self, name: str, **facts: Any) -> Check:
        """The report line for this problem, worded with ``facts``."""
        return Check(name, self.status, self.sentence.format(**facts), self.code, self.explained_by)


def finding(
    name: str, status: str, detail: str, code: str | None = None, topic: str | None = None
) -> Check:
    """A report line worded by a rule: the topic falls back to the code's topic."""
    return Check(name, status, detail, code, topic or (CODE_TOPICS.get(code) if code else None))


_UNREACHABLE = "login-server-unreachable"

PROBLEMS: dict[str, Problem] = {
    # Azure Resource Manager
    "arm-timeout": Problem(
        ERROR,
        "Azure Resource Manager did not answer within {timeout:g} s; the login server was "
        "guessed from the name.",
        "LOGIN_SERVER_ERROR",
    ),
    "arm-not-found": Problem(
        ERROR, "{message} The login server was guessed from the name.", "LOGIN_SERVER_ERROR"
    ),
    "arm-failed": Problem(
        ERROR, "{message} The login server was guessed from the name.", topic="check-health"
    ),
    # the stages
    "probe-crashed": Problem(ERROR, "{reason}", "UNEXPECTED_ERROR"),
    "probe-timeout": Problem(ERROR, "No answer within {timeout:g} s.", topic="check-health"),
    "chain-hangs": Problem(
        ERROR,
        "No answer within {timeout:g} s: the network to the registry hangs.",
        "CONNECTIVITY_CHALLENGE_ERROR",
        _UNREACHABLE,
    ),
    "chain-not-run": Problem(SKIPPED, "Not run: an earlier step did not finish."),
    "token-not-offered": Problem(
        SKIPPED,
        "Not run: Azure did not find this registry, and the bot offers its token only to "
        "registries Azure says exist.",
    ),
    # DNS
    "dns-unresolved": Problem(
        ERROR, "{host} does not resolve ({reason}).", "CONNECTIVITY_DNS_ERROR"
    ),
    "dns-no-address": Problem(ERROR, "{host} has no address.", "CONNECTIVITY_DNS_ERROR"),
    # TLS
    "tls-untrusted": Problem(
        ERROR,
        "The certificate of {host} is not trusted ({reason}). An intercepting proxy is the "
        "usual cause.",
        "CONNECTIVITY_SSL_ERROR",
    ),
    "tls-handshake": Problem(
        ERROR, "TLS handshake with {host} failed ({reason}).", "CONNECTIVITY_SSL_ERROR"
    ),
    "tls-connect-timeout": Problem(
        ERROR,
        "{host}:{port} did not accept a connection within {timeout:g} s.",
        "CONNECTIVITY_CHALLENGE_ERROR",
        _UNREACHABLE,
    ),
    "tls-connect-failed": Problem(
        ERROR,
        "Could not connect to {host}:{port} ({reason}).",
        "CONNECTIVITY_CHALLENGE_ERROR",
        _UNREACHABLE,
    ),
    "tls-expiring": Problem(WARNING, "{detail}.", topic="x509-unknown-authority"),
    # the /v2/ challenge
    "challenge-failed": Problem(ERROR, "GET /v2/ failed: {reason}", "CONNECTIVITY_CHALLENGE_ERROR"),
    "challenge-forbidden": Problem(
        ERROR,
        "The registry refused the bot's address (403{acr_code}): its firewall or disabled "
        "public access blocks the bot.",
        "CONNECTIVITY_FORBIDDEN_ERROR",
    ),
    "challenge-throttled": Problem(
        ERROR, "The registry throttled the bot (429).", "CONNECTIVITY_TOOMANYREQUESTS_ERROR"
    ),
    "challenge-missing": Problem(
        ERROR,
        "GET /v2/ answered {status} without an authentication challenge.",
        "CONNECTIVITY_CHALLENGE_ERROR",
    ),
    "challenge-not-bearer": Problem(
        ERROR,
        "The challenge is not a Bearer challenge with realm and service, so Entra sign-in "
        "cannot be used.",
        "CONNECTIVITY_AAD_LOGIN_ERROR",
    ),
    # the token service
    "entra-token-failed": Problem(
        ERROR,
        "The bot could not get an Entra token for its identity: {reason}",
        topic="aad-token-scope",
    ),
    "refresh-token-unreachable": Problem(
        ERROR, "POST {path} failed: {reason}", "CONNECTIVITY_REFRESH_TOKEN_ERROR"
    ),
    "access-token-unreachable": Problem(
        ERROR, "POST {path} failed: {reason}", "CONNECTIVITY_ACCESS_TOKEN_ERROR"
    ),
    "token-throttled": Problem(
        ERROR,
        "The registry's token service throttled the bot (429).",
        "CONNECTIVITY_TOOMANYREQUESTS_ERROR",
    ),
    "refresh-token-refused": Problem(
        ERROR,
        "The registry refused the bot's Entra token (HTTP {status}{acr_code}).{hint}",
        "CONNECTIVITY_REFRESH_TOKEN_ERROR",
    ),
    "access-token-refused": Problem(
        ERROR,
        "The registry did not issue an access token (HTTP {status}{acr_code}).",
        "CONNECTIVITY_ACCESS_TOKEN_ERROR",
    ),
    # storage and replicas (read from ARM)
    "storage-unreadable": Problem(
        WARNING, "Usage could not be read: {message}", topic="storage-quota-exceeded"
    ),
    "storage-full": Problem(
        ERROR, "{percent:g}% of the included storage used.", topic="storage-quota-exceeded"
    ),
    "storage-nearly-full": Problem(
        WARNING, "{percent:g}% of the included storage used.", topic="storage-quota-exceeded"
    ),
    "storage-no-limit": Problem(SKIPPED, "Azure reported no storage limit."),
    "replicas-need-premium": Problem(
        SKIPPED, "Geo-replication needs the Premium tier; this registry is {sku}."
    ),
    "replicas-unreadable": Problem(WARNING, "Replications could not be read: {message}"),
    "replicas-not-ready": Problem(
        WARNING, "Replicas not ready: {replicas}", topic="geo-replica-push-manifest-error"
    ),
}

# A refused refresh token usually means the identity lacks a pull role.
PULL_ROLE_HINT = (
    " The bot's identity needs a pull role (AcrPull, or Repository Reader on ABAC registries)."
)
