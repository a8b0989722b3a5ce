"""`acrbot console`: the local chat."""

from __future__ import annotations

import argparse
from typing import Any

from bot.words import LANGUAGES


def add_parser(sub: Any) -> None:
    p = sub.add_parser("console", help="chat with the bot locally, without Slack")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="answer in this language (default: the text's, else ACRBOT_DEFAULT_LANGUAGE)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot import console
    from bot.config import Settings
    from bot.services import build_services

    return console.run(build_services(Settings.from_env()), lang=args.lang)
