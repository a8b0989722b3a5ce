"""`acrbot config`: show the effective configuration (secrets masked) or say what is wrong.

Exit status 0 with the settings, one per line (or ``--json``); exit status 1 with one line per
bad value when the environment does not validate, so a deployment is fixed in one pass (with
``--json``: the error object, its message listing every bad value).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.cli.output import fail
from bot.config import Settings
from bot.errors import ConfigError


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "config", help="print the effective configuration with secrets masked; exit 1 if invalid"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        if args.json:
            return fail(exc.problems, "bad_config", as_json=True)
        for problem in exc.problems:
            print(f"acrbot config: {problem}", file=sys.stderr)
        print(f"acrbot config: {len(exc.problems)} bad value(s)", file=sys.stderr)
        return 1
    shown = settings.masked()
    shown["effective_arm_endpoint"] = settings.effective_arm_endpoint
    if args.json:
        json.dump(shown, sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return 0
    width = max(len(key) for key in shown)
    for key, value in shown.items():
        print(f"{key:<{width}}  {_plain(value)}")
    return 0


def _plain(value: Any) -> str:
    if value is None:
        return "(unset)"
    if isinstance(value, list):
        return ",".join(str(item) for item in value) or "(none)"
    return str(value)
