"""`acrbot serve`: connect to Slack, or open the console when no Slack tokens are set."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot import console
from bot.config import Settings
from bot.services import build_services


def add_parser(sub: Any) -> None:
    p = sub.add_parser("serve", help="run the Slack bot (the console when no tokens are set)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if not settings.has_slack_tokens:
        print(
            "No Slack tokens: opening the local console. To connect to Slack set SLACK_BOT_TOKEN "
            "and SLACK_APP_TOKEN (Socket Mode), or ACRBOT_MODE=http with SLACK_BOT_TOKEN and "
            "SLACK_SIGNING_SECRET.",
            file=sys.stderr,
        )
        return console.run(build_services(settings))
    raise SystemExit("Slack mode is not built yet")  # replaced by the Slack app (issue 3)
