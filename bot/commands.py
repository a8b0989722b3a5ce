"""The `/acr` grammar: text → Command. Shared by Slack, the console and the command line.

Parsing never raises anything but BadInput, whose message says what was wrong and shows the
right form, so no door ever prints a stack trace for a typo.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from rapidfuzz import process

from bot.errors import BadInput

RUN_STATUSES = (
    "Queued",
    "Started",
    "Running",
    "Succeeded",
    "Failed",
    "Canceled",
    "Error",
    "Timeout",
)


@dataclass(frozen=True)
class Spec:
    name: str
    usage: str
    summary: dict[str, str]


SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        Spec("help", "/acr help", {"en": "show this help", "ru": "показать эту справку"}),
        Spec(
            "faq",
            "/acr faq <words>",
            {"en": "search the knowledge base", "ru": "поиск по базе знаний"},
        ),
        Spec(
            "usage",
            "/acr usage <registry> [--refresh]",
            {"en": "storage and quota usage of a registry", "ru": "использование хранилища и квот"},
        ),
        Spec(
            "check-health",
            "/acr check-health <registry>",
            {"en": "diagnose a registry end to end", "ru": "проверить реестр от DNS до токена"},
        ),
        Spec(
            "runs",
            "/acr runs <registry> [--status Running] [--task NAME] [--top N]",
            {"en": "list ACR Tasks runs", "ru": "список запусков ACR Tasks"},
        ),
        Spec(
            "cancel-runs",
            "/acr cancel-runs <registry> [--task NAME] [--dry-run]",
            {
                "en": "cancel running and queued runs (asks to confirm)",
                "ru": "отменить выполняемые и ожидающие запуски (с подтверждением)",
            },
        ),
    )
}


@dataclass(frozen=True)
class Command:
    """A parsed `/acr` request."""

    name: str
    registry: str | None = None
    words: str = ""
    refresh: bool = False
    dry_run: bool = False
    status: str | None = None
    task: str | None = None
    top: int = 20
    suggestion: str | None = None  # for help shown after an unknown subcommand
    unknown: str | None = None


def suggest(word: str) -> str | None:
    """The closest subcommand to a mistyped one, if any is close enough."""
    best = process.extractOne(word.lower(), list(SPECS), score_cutoff=60)
    return best[0] if best else None


def parse(text: str) -> Command:
    """Parse the text after `/acr`. Empty or unknown subcommands become help."""
    try:
        tokens = shlex.split(text.strip())
    except ValueError:
        raise BadInput('Unbalanced quotes. Example: `/acr faq "manifest unknown"`.') from None
    if not tokens:
        return Command("help")
    name, args = tokens[0].lower(), tokens[1:]
    if name in ("-h", "--help", "?"):
        return Command("help")
    if name not in SPECS:
        return Command("help", unknown=tokens[0], suggestion=suggest(name))
    spec = SPECS[name]
    if name == "help":
        return Command("help")
    if name == "faq":
        words = " ".join(args).strip()
        if not words:
            raise BadInput(f"Tell me what to look for. Usage: `{spec.usage}`")
        return Command("faq", words=words)
    return _parse_registry_command(spec, args)


# option name → whether it takes a value
OPTIONS: dict[str, dict[str, bool]] = {
    "usage": {"refresh": False},
    "check-health": {},
    "runs": {"status": True, "task": True, "top": True},
    "cancel-runs": {"task": True, "dry-run": False},
}


def _parse_registry_command(spec: Spec, args: list[str]) -> Command:
    positional: list[str] = []
    flags: dict[str, str] = {}
    allowed = OPTIONS.get(spec.name, {})
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("--"):
            key, _, inline = arg[2:].partition("=")
            key = key.lower()
            if key not in allowed:
                known = ", ".join(f"--{k}" for k in allowed) or "none"
                raise BadInput(f"Unknown option `{arg}`. Options: {known}. Usage: `{spec.usage}`")
            if allowed[key]:
                if inline:
                    flags[key] = inline
                elif i + 1 < len(args):
                    flags[key] = args[i + 1]
                    i += 1
                else:
                    raise BadInput(f"`--{key}` needs a value. Usage: `{spec.usage}`")
            else:
                flags[key] = "1"
        else:
            positional.append(arg)
        i += 1
    if not positional:
        raise BadInput(f"Which registry? Usage: `{spec.usage}`")
    if len(positional) > 1:
        raise BadInput(f"Give one registry, not {len(positional)}. Usage: `{spec.usage}`")
    # only runs accepts --status and --top, so the other commands keep the defaults
    return Command(
        spec.name,
        registry=positional[0],
        refresh="refresh" in flags,
        dry_run="dry-run" in flags,
        status=_status(flags.get("status")),
        task=flags.get("task"),
        top=_top(flags.get("top")),
    )


def _status(status: str | None) -> str | None:
    """The run status as Azure spells it, whatever the case it was typed in."""
    if status is None:
        return None
    match = [s for s in RUN_STATUSES if s.lower() == status.lower()]
    if not match:
        raise BadInput(f"Unknown status `{status}`. Use one of: {', '.join(RUN_STATUSES)}.")
    return match[0]


def _top(top: str | None) -> int:
    if top is None:
        return 20
    try:
        value = int(top)
    except ValueError:
        raise BadInput(f"`--top` takes a whole number from 1 to 100, not `{top}`.") from None
    if not 1 <= value <= 100:
        raise BadInput("`--top` takes a whole number from 1 to 100.")
    return value
