"""`acrbot console`: the local chat."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("console", help="chat with the bot locally, without Slack")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from bot import console
    from bot.config import Settings
    from bot.services import build_services

    return console.run(build_services(Settings.from_env()))
