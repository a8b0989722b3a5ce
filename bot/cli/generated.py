"""`acrbot usage | check-health | runs | cancel-runs …`: the command table on a terminal.

One subparser per table entry marked ``cli``, generated from its arguments and options; the
options are turned back into `/acr` words and parsed by the table's grammar, so the command
line, the console and Slack accept exactly the same input. ``--json`` (entries that have a
JSON rendering) prints the entry's JSON contract; ``--yes`` (entries that ask first) answers
the question in advance. The exit status is the entry's (1 for an error sentence). Text is
in ``--lang``, else ACRBOT_DEFAULT_LANGUAGE; the JSON contracts are the same in any language.
"""

from __future__ import annotations

import argparse
import getpass
import shlex
import sys
from functools import partial
from typing import Any

from bot.access import CLI, Caller
from bot.commands import COMMANDS, CommandSpec, Request, parse
from bot.config import answer_language
from bot.words import LANGUAGES

YES = ("y", "yes", "д", "да")  # what counts as yes to "Cancel …? [y/N]", in either language


def add_parser(sub: Any) -> None:
    for spec in COMMANDS:
        if spec.cli:
            add_command(sub, spec)


def add_command(sub: Any, spec: CommandSpec[Any]) -> None:
    p = sub.add_parser(spec.name, help=spec.summary["en"])
    for param in spec.params:
        if param.cli_option:
            p.add_argument(f"--{param.name}", help=param.help["en"], required=param.required)
        elif param.rest:
            p.add_argument(param.name, nargs="+", help=param.help["en"])
        else:
            p.add_argument(param.name, nargs=None if param.required else "?", help=param.help["en"])
    for option in spec.options:
        if option.flag:
            p.add_argument(f"--{option.name}", action="store_true", help=option.help["en"])
        else:
            p.add_argument(f"--{option.name}", metavar=option.metavar, help=option.help["en"])
    if spec.asks:
        p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    if spec.json is not None:
        p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="answer in this language (default: ACRBOT_DEFAULT_LANGUAGE)",
    )
    p.set_defaults(func=partial(run, spec))


def words_of(spec: CommandSpec[Any], args: argparse.Namespace) -> str:
    """The `/acr` text the command line's arguments stand for."""
    words = [spec.name]
    for param in spec.params:
        value = getattr(args, param.name, None)
        if isinstance(value, list):
            words += value
        elif value is not None:
            words.append(value)
    for option in spec.options:
        value = getattr(args, option.name.replace("-", "_"), None)
        if value is True:
            words.append(f"--{option.name}")
        elif value not in (None, False):
            words += [f"--{option.name}", str(value)]
    return shlex.join(words)


def _ask(details: str, question: str, *, yes: bool, out: Any) -> bool:
    print(details, file=out)
    if yes:
        return True
    print(question, end=" ", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in YES


def run(spec: CommandSpec[Any], args: argparse.Namespace) -> int:
    """Run the entry like every door does; print its JSON contract or its text.

    A refusal or an error is raised as the BotError it is, so ``bot.cli.main`` reports it
    the command line's way (one sentence, or an error object with ``--json``).
    """
    from bot.cli.output import print_json
    from bot.commands.runner import execute
    from bot.config import Settings
    from bot.services import Services

    want_json = bool(getattr(args, "json", False)) and spec.json is not None
    lang = answer_language(getattr(args, "lang", None))
    invocation = parse(words_of(spec, args), lang)
    services = Services(Settings.from_env())
    out = sys.stderr if want_json else sys.stdout
    confirm = partial(_ask, yes=bool(getattr(args, "yes", False)), out=out)
    caller = Caller(user_id=getpass.getuser(), source=CLI)
    try:
        result = execute(spec, Request(services, invocation, caller, lang, confirm=confirm))
    finally:
        services.close()
    if want_json and spec.json is not None:
        print_json(spec.json(result))
    else:
        print(spec.text(result, lang))
    return spec.exit_status(result) if spec.exit_status else 0
