"""What a subcommand prints when it fails: one sentence, never a stack trace.

On a terminal the sentence goes to stderr as ``acrbot: …``. With ``--json`` the failure is part
of the output contract instead: one object on stdout, ``{"error": {"code", "message"}}``, and
the exit status is non-zero either way, so a tool reads stdout as JSON whatever happened.
Codes are stable words a tool may branch on (``usage``, ``bad_input``, ``not_allowed``,
``bad_config``, ``bad_knowledge``, ``azure_<kind>``, ``confirmation``, ``store_unreachable``,
``internal``).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from bot.errors import (
    AzureError,
    BadInput,
    BotError,
    ConfigError,
    ConfirmationError,
    KnowledgeError,
    NotAllowed,
)
from bot.words import localise


def print_json(data: Any) -> None:
    """One JSON document on one line of stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def error_object(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}


def error_code(exc: BotError) -> str:
    if isinstance(exc, AzureError):
        return f"azure_{exc.kind}"
    for kind, code in (
        (BadInput, "bad_input"),
        (NotAllowed, "not_allowed"),
        (ConfigError, "bad_config"),
        (KnowledgeError, "bad_knowledge"),
        (ConfirmationError, "confirmation"),
    ):
        if isinstance(exc, kind):
            return code
    return "error"


def error_lines(exc: BotError, lang: str = "en") -> list[str]:
    """The sentence(s) of ``exc``: one per bad setting or knowledge problem, else one."""
    if isinstance(exc, (ConfigError, KnowledgeError)):
        return [str(problem) for problem in exc.problems]
    return [localise(exc.user_message, lang)]


def fail(message: str | list[str], code: str, *, as_json: bool, status: int = 1) -> int:
    """Report a failure the way the caller asked for (``--json`` or not); return ``status``."""
    lines = [message] if isinstance(message, str) else message
    if as_json:
        print_json(error_object(code, "; ".join(lines)))
    else:
        for line in lines:
            print(f"acrbot: {line}", file=sys.stderr)
    return status


def fail_with(exc: BotError, *, as_json: bool, status: int = 1, lang: str = "en") -> int:
    """``exc`` reported: in ``lang`` on a terminal; with ``--json`` as the contract says
    (English, whatever the language)."""
    lines = error_lines(exc, "en" if as_json else lang)
    return fail(lines, error_code(exc), as_json=as_json, status=status)
