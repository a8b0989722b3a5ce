"""`acrbot match`: triage text from the arguments or, with --jsonl, a stream of lines.

``--jsonl`` is a contract for tools: exactly one output line per input line, in order, flushed
as it goes. A line ``{"text": "…"}`` (other keys are ignored) gets the match object; any other
line — blank, not JSON, not an object, no string ``text``, not UTF-8 — gets an error object
``{"error": {"code", "message"}}`` naming the line, and the stream goes on.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from bot.cli.output import error_object, fail, print_json
from bot.config import answer_language, knowledge_directory
from bot.matching import Match, Matcher
from bot.matching.cache import load_matcher
from bot.render.text import match_text
from bot.words import LANGUAGES, words

log = logging.getLogger("bot.cli.match")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("match", help="match text against the knowledge base")
    p.add_argument("text", nargs="*", help="the text to triage (quoted or as several words)")
    p.add_argument("--lang", choices=LANGUAGES, help="answer language (default: the text's)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument(
        "--jsonl",
        action="store_true",
        help='read {"text": ...} lines from stdin, write one object per line (errors included)',
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    said = words("en" if args.json else answer_language(args.lang))
    if args.jsonl and args.text:
        return fail(said["cli.jsonl_or_words"], "usage", as_json=False, status=2)
    _, matcher = load_matcher(knowledge_directory())
    decide = _decider(matcher)
    if args.jsonl:
        return _stream(decide, sys.stdin.buffer)
    text = " ".join(args.text) if args.text else ("" if sys.stdin.isatty() else sys.stdin.read())
    if not text.strip():
        return fail(said["cli.no_text"], "no_text", as_json=args.json, status=2)
    result = decide(text)
    if args.json:
        print_json(result.to_json())
    else:
        print(match_text(matcher.kb, result, args.lang, paste=text))
    return 0


_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return _JSON_TYPES.get(type(value), type(value).__name__)


class _BadLine(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _text_of(raw: bytes) -> str:
    """The ``text`` of one input line, or _BadLine saying what is wrong with it."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _BadLine("invalid_utf8", "is not UTF-8 text") from None
    if not line.strip():
        raise _BadLine("empty_line", 'is empty; expected {"text": "…"}')
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise _BadLine("invalid_json", f"is not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise _BadLine("not_an_object", f'is {_json_type(item)}, not an object {{"text": "…"}}')
    text = item.get("text")
    if not isinstance(text, str):
        found = "no" if "text" not in item else _json_type(text)
        raise _BadLine("missing_text", f'has {found} "text"; expected a string under "text"')
    return text


def _decider(matcher: Matcher) -> Callable[[str], Match]:
    """The matcher, with the deployment's lessons on top when REDIS_URL names its Redis (read
    only then: a plain match needs neither Redis nor the learning code)."""
    if not os.environ.get("REDIS_URL", "").strip():
        return matcher.match
    from bot.cli.lessons import shared_lessons

    lessons = shared_lessons(matcher)
    if lessons is None:
        return matcher.match
    return lambda text: lessons.apply(text, matcher.match(text))


def _stream(decide: Callable[[str], Match], lines: BinaryIO) -> int:
    """One output line per input line, flushed as it goes so callers can pipe thousands."""
    for number, raw in enumerate(lines, 1):
        try:
            answer = decide(_text_of(raw.rstrip(b"\r\n"))).to_json()
        except _BadLine as bad:
            answer = error_object(bad.code, f"line {number} {bad}")
        except Exception:  # a bug must not cost the rest of the stream its answers
            log.exception("match.line_failed", extra={"fields": {"line": number}})
            answer = error_object("internal", f"line {number} could not be matched (a bug)")
        print_json(answer)
    return 0
