"""`acrbot kb lint | export --json | stats`: look after the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.cli import lessons
from bot.cli.output import fail, print_json
from bot.config import Settings, answer_language, knowledge_directory
from bot.knowledge import check, load
from bot.words import LANGUAGES, words


def add_parser(sub: Any) -> None:
    p = sub.add_parser("kb", help="validate, export or inspect the knowledge base")
    kb_sub = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    checks = kb_sub.add_parser(
        "lint",
        help="validate every entry and look for slips a reader would see (stray brackets, "
        "placeholders answers cannot fill, steps contradicting their command, editor's notes); "
        "exit 1 listing the problems",
    )
    checks.add_argument(
        "--dir",
        type=Path,
        help="knowledge directory (default: ACRBOT_KNOWLEDGE_DIR, else the shipped one)",
    )
    checks.set_defaults(func=run_lint)
    export = kb_sub.add_parser("export", help="print every entry")
    export.add_argument("--json", action="store_true", required=True, help="as a JSON array")
    export.set_defaults(func=run_export)
    stats = kb_sub.add_parser("stats", help="feedback per topic: helped / not it (from the store)")
    stats.add_argument("--json", action="store_true", help="as a JSON array")
    stats.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="answer in this language (default: ACRBOT_DEFAULT_LANGUAGE)",
    )
    stats.set_defaults(func=run_stats)
    lessons.add_parsers(kb_sub)


def run_lint(args: argparse.Namespace) -> int:
    from bot.commands import registry_commands
    from bot.knowledge_lint import lint

    entries, problems = check(knowledge_directory(args.dir), bot_commands=registry_commands())
    problems += lint(entries)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem(s) in the knowledge base", file=sys.stderr)
        return 1
    print(f"ok: {len(entries)} entries")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from bot.render.text import export_entry

    kb = load(knowledge_directory())
    json.dump(
        [export_entry(entry) for entry in kb.entries], sys.stdout, ensure_ascii=False, indent=2
    )
    sys.stdout.write("\n")
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Print the Helped / Not it counts per topic that the Slack buttons collected."""
    from bot.store import connect
    from bot.triage import feedback_counts

    settings = Settings.from_env()
    said = words("en" if args.json else answer_language(args.lang))
    store = connect(settings)
    try:
        if store.degraded:
            unreachable = said["stats.unreachable"].format(where=_where(settings))
            return fail(unreachable, "store_unreachable", as_json=args.json)
        rows = feedback_counts(store)
    finally:
        store.close()
    if args.json:
        print_json([{"topic": r.topic, "helped": r.helped, "not_it": r.not_it} for r in rows])
        return 0
    if not rows:
        print(said["stats.none_redis" if store.kind == "redis" else "stats.none_memory"])
        return 0
    topic, helped, not_it = said["stats.header"].split("|")
    width = max(len(topic), *(len(r.topic) for r in rows))
    counts = max(len(helped), len(not_it), 6)
    print(f"{topic:<{width}}  {helped:>{counts}}  {not_it:>{counts}}")
    for r in rows:
        print(f"{r.topic:<{width}}  {r.helped:>{counts}}  {r.not_it:>{counts}}")
    return 0


def _where(settings: Settings) -> str:
    """Which Redis did not answer, without its password."""
    parts = urlsplit(settings.redis_url or "")
    return parts.path if parts.scheme == "unix" else f"{parts.hostname}:{parts.port or 6379}"
