"""The error tree of acr-chatops, in one place.

Every error a user can meet derives from :class:`BotError` and carries ``user_message``: the
sentence a person reads in Slack, the console or on the command line. Doors (Slack handlers,
the console, the CLI) catch ``BotError`` and show that sentence; anything else is a bug and
is reported as "internal error" with a reference, never as a stack trace.

    BotError
    ├── BadInput            the request itself is wrong (unknown subcommand, bad registry name)
    ├── NotAllowed          access grants refuse the action (deny by default)
    ├── ConfigError         a setting from the environment is invalid (start-up)
    ├── KnowledgeError      a knowledge/ file is invalid (names file, field, problem)
    ├── AzureError          Azure answered with a problem; ``kind`` says which:
    │                       auth, forbidden, not_found, throttled, timeout, tls, network,
    │                       server, conflict, unknown
    └── ConfirmationError   a pending confirmation is missing, expired or not yours
"""

from __future__ import annotations

from dataclasses import dataclass


class BotError(Exception):
    """Base class: ``user_message`` is safe to show to anyone (no secrets, no traces)."""

    def __init__(self, user_message: str) -> None:
        super().__init__(user_message)
        self.user_message = user_message


class BadInput(BotError):
    """The request is malformed; the message says what was wrong and how to do it right."""


class NotAllowed(BotError):
    """An access grant refuses the action."""


class ConfigError(BotError):
    """One or more settings are invalid; ``problems`` has one line per bad value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("Invalid configuration:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class KnowledgeProblem:
    """One problem in one knowledge file."""

    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"


class KnowledgeError(BotError):
    """The knowledge base failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[KnowledgeProblem]) -> None:
        lines = "\n".join(str(p) for p in problems)
        super().__init__(f"The knowledge base has {len(problems)} problem(s):\n{lines}")
        self.problems = problems


AZURE_ERROR_KINDS = (
    "auth",
    "forbidden",
    "not_found",
    "throttled",
    "timeout",
    "tls",
    "network",
    "server",
    "conflict",
    "unknown",
)


@dataclass
class AzureErrorInfo:
    """Structured detail kept next to the sentence, for logs, metrics and audit."""

    kind: str
    status: int | None = None
    code: str | None = None


class AzureError(BotError):
    """Azure (ARM, Entra ID or the registry data plane) answered with a problem."""

    def __init__(
        self,
        user_message: str,
        kind: str = "unknown",
        status: int | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(user_message)
        if kind not in AZURE_ERROR_KINDS:
            kind = "unknown"
        self.info = AzureErrorInfo(kind=kind, status=status, code=code)

    @property
    def kind(self) -> str:
        return self.info.kind


class ConfirmationError(BotError):
    """A pending confirmation cannot be used (expired, already used, or someone else's)."""
