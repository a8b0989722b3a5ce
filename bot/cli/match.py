"""`acrbot match`: triage text from the arguments or, with --jsonl, a stream of lines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.knowledge import load
from bot.matching import Matcher
from bot.render.text import match_text


def add_parser(sub: Any) -> None:
    p = sub.add_parser("match", help="match text against the knowledge base")
    p.add_argument("text", nargs="*", help="the text to triage (quoted or as several words)")
    p.add_argument("--lang", choices=("ru", "en"), help="answer language (default: the text's)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ...} lines from stdin, write one object each',
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    matcher = Matcher(load())
    if args.jsonl:
        return _stream(matcher)
    text = " ".join(args.text) if args.text else ("" if sys.stdin.isatty() else sys.stdin.read())
    if not text.strip():
        print(
            "acrbot match: give the text to triage, e.g. acrbot match 'manifest unknown'",
            file=sys.stderr,
        )
        return 2
    result = matcher.match(text)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        print(match_text(matcher.kb, result, args.lang))
    return 0


def _stream(matcher: Matcher) -> int:
    """One output line per input line, flushed as it goes so callers can pipe thousands."""
    for number, line in enumerate(sys.stdin, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text = item["text"] if isinstance(item, dict) else None
        except json.JSONDecodeError:
            text = None
        if not isinstance(text, str):
            print(
                f"acrbot match: line {number}: expected a JSON object with a string 'text'",
                file=sys.stderr,
            )
            print(
                json.dumps(
                    {
                        "topic": None,
                        "score": 0,
                        "language": "en",
                        "alternatives": [],
                        "error": "invalid input line",
                    }
                ),
                flush=True,
            )
            continue
        sys.stdout.write(json.dumps(matcher.match(text).to_json(), ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0
