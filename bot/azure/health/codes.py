"""The catalogue of what check-health can find wrong: code → sentence → knowledge topic.

Two tables, kept apart from the probes that detect the problems (azure-cli keeps its
``_errors.py`` apart from ``check_health.py`` the same way):

* ``CODE_TOPICS``: every ``az acr check-health`` error code → the knowledge topic that explains
  it. It also covers codes only the CLI reports (Docker, Helm, Notary), because people paste
  the CLI's output and the Explain button must open a topic for those too.
* ``PROBLEMS``: each problem a probe can report → its status, its code (when the CLI has one)
  and its topic; the sentence a person reads is the catalogue's ``health.<problem>``
  (``bot/words/health.py``), worded with the probe's facts in the reader's language.

A probe says what happened (``PROBLEMS["dns-unresolved"].check("dns", host=…, reason=…)``);
how it is worded and which topic explains it is decided here, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from bot.azure.reports import ERROR, SKIPPED, WARNING, Check
from bot.words import say

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
    """One thing a probe can find wrong. ``topic`` defaults to the code's topic; its sentence
    is the catalogue's ``health.<name>`` (``bot/words/health.py``), worded with the facts."""

    status: str
    code: str | None = None
    topic: str | None = None
    name: str = field(default="", compare=False)  # its key in PROBLEMS
    sentence: str | None = None  # the catalogue's key when problems read alike (health.<name>)

    @property
    def explained_by(self) -> str | None:
        return topic_for(self.code, self.topic)

    def check(self, name: str, **facts: Any) -> Check:
        """The report line for this problem, worded with ``facts``."""
        detail = say(f"health.{self.sentence or self.name}", **facts)
        return Check(name, self.status, detail, self.code, self.explained_by)


def finding(
    name: str, status: str, detail: str, code: str | None = None, topic: str | None = None
) -> Check:
    """A report line worded by a rule: the topic falls back to the code's topic."""
    return Check(name, status, detail, code, topic_for(code, topic))


def topic_for(code: str | None, topic: str | None) -> str | None:
    """The knowledge topic that explains a finding: its own, or else its code's."""
    return topic or (CODE_TOPICS.get(code) if code else None)


_UNREACHABLE = "login-server-unreachable"

_PROBLEMS: dict[str, Problem] = {
    # Azure Resource Manager
    "arm-timeout": Problem(ERROR, "LOGIN_SERVER_ERROR"),
    "arm-not-found": Problem(ERROR, "LOGIN_SERVER_ERROR", sentence="arm-guessed"),
    "arm-failed": Problem(ERROR, topic="check-health", sentence="arm-guessed"),
    # the stages
    "probe-crashed": Problem(ERROR, "UNEXPECTED_ERROR"),
    "probe-timeout": Problem(ERROR, topic="check-health"),
    "chain-hangs": Problem(ERROR, "CONNECTIVITY_CHALLENGE_ERROR", _UNREACHABLE),
    "chain-not-run": Problem(SKIPPED),
    "token-not-offered": Problem(SKIPPED),
    # DNS
    "dns-unresolved": Problem(ERROR, "CONNECTIVITY_DNS_ERROR"),
    "dns-no-address": Problem(ERROR, "CONNECTIVITY_DNS_ERROR"),
    # TLS
    "tls-untrusted": Problem(ERROR, "CONNECTIVITY_SSL_ERROR"),
    "tls-handshake": Problem(ERROR, "CONNECTIVITY_SSL_ERROR"),
    "tls-connect-timeout": Problem(ERROR, "CONNECTIVITY_CHALLENGE_ERROR", _UNREACHABLE),
    "tls-connect-failed": Problem(ERROR, "CONNECTIVITY_CHALLENGE_ERROR", _UNREACHABLE),
    "tls-expiring": Problem(WARNING, topic="x509-unknown-authority"),
    # the /v2/ challenge
    "challenge-failed": Problem(ERROR, "CONNECTIVITY_CHALLENGE_ERROR"),
    "challenge-forbidden": Problem(ERROR, "CONNECTIVITY_FORBIDDEN_ERROR"),
    "challenge-throttled": Problem(ERROR, "CONNECTIVITY_TOOMANYREQUESTS_ERROR"),
    "challenge-missing": Problem(ERROR, "CONNECTIVITY_CHALLENGE_ERROR"),
    "challenge-not-bearer": Problem(ERROR, "CONNECTIVITY_AAD_LOGIN_ERROR"),
    # the token service
    "entra-token-failed": Problem(ERROR, topic="aad-token-scope"),
    "refresh-token-unreachable": Problem(
        ERROR, "CONNECTIVITY_REFRESH_TOKEN_ERROR", sentence="token-unreachable"
    ),
    "access-token-unreachable": Problem(
        ERROR, "CONNECTIVITY_ACCESS_TOKEN_ERROR", sentence="token-unreachable"
    ),
    "token-throttled": Problem(ERROR, "CONNECTIVITY_TOOMANYREQUESTS_ERROR"),
    "refresh-token-refused": Problem(ERROR, "CONNECTIVITY_REFRESH_TOKEN_ERROR"),
    "access-token-refused": Problem(ERROR, "CONNECTIVITY_ACCESS_TOKEN_ERROR"),
    # storage and replicas (read from ARM)
    "storage-unreadable": Problem(WARNING, topic="storage-quota-exceeded"),
    "storage-full": Problem(ERROR, topic="storage-quota-exceeded", sentence="storage-used"),
    "storage-nearly-full": Problem(
        WARNING, topic="storage-quota-exceeded", sentence="storage-used"
    ),
    "storage-no-limit": Problem(SKIPPED),
    "replicas-need-premium": Problem(SKIPPED),
    "replicas-unreadable": Problem(WARNING),
    "replicas-not-ready": Problem(WARNING, topic="geo-replica-push-manifest-error"),
}
PROBLEMS = {name: replace(problem, name=name) for name, problem in _PROBLEMS.items()}

# A refused refresh token usually means the identity lacks a pull role.
PULL_ROLE_HINT = say("health.pull-role-hint")
