"""`acrbot kb teach | learned`: what the team taught the bot, from the command line.

Lessons live in Redis (REDIS_URL, under ACRBOT_REDIS_PREFIX), where every replica reads them;
a command-line process has no memory worth teaching, so these commands need Redis. Only the
two variables are read, so an unrelated setting cannot stop an admin from reviewing lessons.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from bot.cli.output import fail, print_json
from bot.config import knowledge_directory
from bot.knowledge import default_directory
from bot.learning import Lessons
from bot.matching import Matcher
from bot.matching.cache import load_matcher


def add_parsers(kb_sub: Any) -> None:
    teach = kb_sub.add_parser(
        "teach",
        help="teach the bot what a paste is (or that it should stay silent on it)",
        description="acrbot kb teach <topic> TEXT  |  acrbot kb teach --silent TEXT",
    )
    teach.add_argument(
        "words", nargs="*", help="<topic> then the text (the text only with --silent)"
    )
    teach.add_argument("--silent", action="store_true", help="this text should get no answer")
    teach.add_argument("--approve", action="store_true", help="approved: applies to variants too")
    teach.add_argument("--by", default=None, help="who teaches (default: the login name)")
    teach.add_argument("--json", action="store_true", help="print the lesson as JSON")
    teach.set_defaults(func=run_teach)

    learned = kb_sub.add_parser("learned", help="list, approve, forget or export taught lessons")
    learned.add_argument("--json", action="store_true", help="as a JSON array")
    learned.set_defaults(func=run_list)
    actions = learned.add_subparsers(dest="learned_action", metavar="ACTION")
    forget = actions.add_parser("forget", help="remove a lesson")
    forget.add_argument("id")
    forget.add_argument("--json", action="store_true")
    forget.set_defaults(func=run_forget)
    approve = actions.add_parser("approve", help="approve a lesson: it then applies to variants")
    approve.add_argument("id")
    approve.add_argument("--json", action="store_true")
    approve.set_defaults(func=run_approve)
    export = actions.add_parser("export", help="write approved lessons into the topic files")
    export.add_argument("--dir", type=Path, required=True, help="the knowledge directory")
    export.add_argument("--json", action="store_true")
    export.set_defaults(func=run_export)


def shared_lessons(matcher: Matcher) -> Lessons | None:
    """The deployment's lessons when REDIS_URL is set (and answers), else None."""
    url = os.environ.get("REDIS_URL", "").strip()
    if not url:
        return None
    from bot.store.redis import RedisStore

    store = RedisStore(url, os.environ.get("ACRBOT_REDIS_PREFIX", "").strip() or "acrbot:")
    if store.degraded:
        store.close()
        return None
    return Lessons(store, matcher)


def _lessons(args: argparse.Namespace) -> Lessons | int:
    if not os.environ.get("REDIS_URL", "").strip():
        return fail(
            "lessons are kept in Redis, where every replica reads them; set REDIS_URL (and "
            "ACRBOT_REDIS_PREFIX if the bot uses one) to the bot's Redis",
            "no_redis",
            as_json=args.json,
        )
    _, matcher = load_matcher(knowledge_directory())
    lessons = shared_lessons(matcher)
    if lessons is None:
        return fail(
            "the Redis at REDIS_URL does not answer; start it or fix REDIS_URL, then try again",
            "store_unreachable",
            as_json=args.json,
        )
    return lessons


def run_teach(args: argparse.Namespace) -> int:
    words = list(args.words)
    topic = None if args.silent else (words.pop(0) if words else None)
    text = " ".join(words) if words else ("" if sys.stdin.isatty() else sys.stdin.read())
    if not args.silent and not topic:
        return fail(
            "name the topic first: acrbot kb teach <topic> TEXT",
            "usage",
            as_json=args.json,
            status=2,
        )
    if not text.strip():
        return fail(
            "give the text to learn, as words or on stdin", "no_text", as_json=args.json, status=2
        )
    lessons = _lessons(args)
    if isinstance(lessons, int):
        return lessons
    try:
        lesson = lessons.teach(
            text, topic, by=args.by or f"cli:{getpass.getuser()}", approve=args.approve
        )
    except ValueError as exc:
        return fail(str(exc), "bad_lesson", as_json=args.json, status=1)
    if args.json:
        print_json(lesson.to_json())
    else:
        what = f"`{lesson.topic}`" if lesson.topic else "silence"
        reach = "near-identical and similar text" if lesson.trusted else "near-identical text"
        print(f"Learned {lesson.id}: {what} for {reach}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    lessons = _lessons(args)
    if isinstance(lessons, int):
        return lessons
    rows = lessons.all()
    if args.json:
        print_json([lesson.to_json() for lesson in rows])
        return 0
    if not rows:
        print("Nothing taught yet.")
        return 0
    for lesson in rows:
        state = "approved" if lesson.approved else f"{len(set(lesson.confirmed_by))} person(s)"
        first = lesson.text.split("\n", 1)[0][:90]
        print(
            f"{lesson.id}  {lesson.topic or '(silent)':32} {state:12} uses {lesson.uses:<4} {first}"
        )
    return 0


def run_forget(args: argparse.Namespace) -> int:
    lessons = _lessons(args)
    if isinstance(lessons, int):
        return lessons
    if not lessons.forget(args.id):
        return fail(
            f"no lesson {args.id!r} (see acrbot kb learned)", "not_found", as_json=args.json
        )
    if args.json:
        print_json({"forgotten": args.id})
    else:
        print(f"Forgot {args.id}.")
    return 0


def run_approve(args: argparse.Namespace) -> int:
    lessons = _lessons(args)
    if isinstance(lessons, int):
        return lessons
    lesson = lessons.approve(args.id)
    if lesson is None:
        return fail(
            f"no lesson {args.id!r} (see acrbot kb learned)", "not_found", as_json=args.json
        )
    if args.json:
        print_json(lesson.to_json())
    else:
        print(f"Approved {args.id}: it now applies to similar text too.")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from bot.learning_export import export

    if args.dir.resolve() == default_directory().resolve():
        return fail(
            "export into a checkout's knowledge/ folder, not into the installed package",
            "usage",
            as_json=args.json,
        )
    lessons = _lessons(args)
    if isinstance(lessons, int):
        return lessons
    try:
        result = export(lessons.all(), args.dir)
    except FileNotFoundError as exc:
        return fail(str(exc), "not_found", as_json=args.json)
    counts = {
        "signatures": result.signatures,
        "questions": result.questions,
        "silent_not_exported": result.silent,
        "unapproved_not_exported": result.unapproved,
        "already_present": result.present,
    }
    if args.json:
        print_json(counts)
    else:
        print(
            f"Wrote {result.signatures} signature(s) and {result.questions} question(s) into "
            f"{args.dir}; left out {result.silent} silent and {result.unapproved} unapproved "
            "lesson(s). Review with git diff, then run acrbot kb lint."
        )
    return 0
