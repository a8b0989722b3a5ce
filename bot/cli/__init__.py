"""`acrbot`: one command line for the bot, its knowledge base and the Azure operations.

Each subcommand lives in its own module exposing ``add_parser(subparsers)``; the module sets
``func`` on its parser, which returns the process exit status. The registry commands are
generated from the command table (``generated.py``). Standard output carries only what the
command answers (text, or JSON with ``--json``); logs go to standard error, and only errors
unless ``ACRBOT_LOG_LEVEL`` asks for more. Failures are one sentence, or an error object with
``--json`` (bot.cli.output), never a stack trace. Modules import at the top only what building
the parser needs, and the rest inside their ``run``; a command that is not one of the table's
does not even read the table: ``acrbot match`` loads neither the Azure SDK nor Slack's
libraries nor the renderers of the registry commands.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
import uuid
from collections.abc import Sequence
from typing import NoReturn

from bot import __version__
from bot.cli.output import fail, fail_with
from bot.config import answer_language
from bot.errors import BotError
from bot.observe.logging import configure_logging, event
from bot.words import words

# subcommand → its module; every other subcommand comes from the command table
MODULES = {
    "match": "bot.cli.match",
    "kb": "bot.cli.kb",
    "console": "bot.cli.console",
    "serve": "bot.cli.serve",
    "config": "bot.cli.config",
}
TABLE = "bot.cli.generated"
USAGE_STATUS = 2
log = logging.getLogger("bot.cli")


class UsageError(Exception):
    """The command line itself is wrong (argparse's complaint, kept to be reported our way)."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


class _Parser(argparse.ArgumentParser):
    """argparse, except that a usage error is raised, so ``--json`` can report it as JSON."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see `{self.prog} --help`)", self.format_usage())


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser for ``argv``: only the named subcommand's when it is not a table command."""
    parser = _Parser(
        prog="acrbot",
        description="Triage Azure Container Registry errors and run registry checks.",
    )
    parser.add_argument("--version", action="version", version=f"acrbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    first = next((word for word in argv or () if not word.startswith("-")), None)
    wanted = [MODULES[first]] if first in MODULES else [*MODULES.values(), TABLE]
    for name in wanted:
        # __import__ rather than importlib: -X importtime then lists these modules too
        __import__(name, fromlist=["add_parser"]).add_parser(sub)
    return parser


def cli_logging() -> None:
    """Logs on stderr, as ACRBOT_LOG_FORMAT says; errors only unless ACRBOT_LOG_LEVEL is set.

    Read straight from the environment (a bad value falls back here and is reported by the
    commands that read the settings), so even `acrbot match` logs the same way as the bot.
    A program that set up logging itself (one calling ``main``, or pytest) keeps its own, as
    with ``logging.basicConfig``.
    """
    if logging.getLogger().handlers:
        return
    fmt = os.environ.get("ACRBOT_LOG_FORMAT", "").strip().lower()
    level = os.environ.get("ACRBOT_LOG_LEVEL", "").strip().upper()
    configure_logging(
        fmt if fmt in ("json", "text") else "json",
        level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "ERROR",
    )


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in words
    cli_logging()
    try:
        args = build_parser(words).parse_args(words)
    except UsageError as exc:
        if not as_json:
            sys.stderr.write(exc.usage)
        return fail(str(exc), "usage", as_json=as_json, status=USAGE_STATUS)
    if not getattr(args, "func", None):
        build_parser().print_help()
        return USAGE_STATUS
    as_json = bool(getattr(args, "json", False))
    lang = answer_language(getattr(args, "lang", None))
    try:
        status: int = args.func(args)
    except BotError as exc:
        return fail_with(exc, as_json=as_json, lang=lang)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: a reference to find it in the log, not a stack trace
        return fail(_internal(exc, "en" if as_json else lang), "internal", as_json=as_json)
    return status


def _internal(exc: Exception, lang: str) -> str:
    reference = uuid.uuid4().hex[:8]
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    event(
        log,
        "cli.internal_error",
        logging.ERROR,
        reference=reference,
        error=type(exc).__name__,
        where=f"{frame.filename}:{frame.lineno}" if frame else None,
    )
    log.debug("cli.internal_error.trace", exc_info=exc)
    return words(lang)["cli.internal"].format(ref=reference)
