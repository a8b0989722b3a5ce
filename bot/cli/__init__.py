"""`acrbot`: one command line for the bot, its knowledge base and the Azure operations.

Each subcommand lives in its own module exposing ``add_parser(subparsers)``; the module sets
``func`` on its parser, which returns the process exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import azure, config, console, kb, match, serve
from bot.errors import BotError

MODULES = (match, kb, console, serve, config, azure)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="acrbot",
        description="Triage Azure Container Registry errors and run registry checks.",
    )
    parser.add_argument("--version", action="version", version=f"acrbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in MODULES:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        status: int = args.func(args)
    except BotError as exc:
        print(f"acrbot: {exc.user_message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return status
