"""A local chat: paste text and see what the bot would post; `/acr …` commands work too.

This is a door like Slack: it parses, calls a service, renders text. It holds no logic.
"""

from __future__ import annotations

import select
import sys
from collections.abc import Callable, Iterator
from typing import TextIO

from bot.azure.console import RUNNERS as AZURE_RUNNERS
from bot.commands import Command, parse
from bot.errors import BotError
from bot.render.text import faq_text, help_text, match_text
from bot.services import Services

CommandRunner = Callable[[Services, Command, str], str]

BANNER = (
    "acr-chatops console — paste an error (end a multi-line paste with an empty line),\n"
    "or type /acr help. Ctrl-D quits."
)


def _help(services: Services, command: Command, lang: str) -> str:
    return help_text(lang, command.unknown, command.suggestion)


def _faq(services: Services, command: Command, lang: str) -> str:
    return faq_text(services.kb, command.words, services.matcher.search(command.words), lang)


RUNNERS: dict[str, CommandRunner] = {"help": _help, "faq": _faq, **AZURE_RUNNERS}


def respond(services: Services, text: str, lang: str | None = None) -> str:
    """What the bot would answer to one message typed into the console."""
    stripped = text.strip()
    if stripped.startswith("/acr"):
        lang = lang or services.default_language
        try:
            command = parse(stripped[4:])
            runner = RUNNERS.get(command.name)
            if runner is None:
                return f"`/acr {command.name}` is not available in this build."
            return runner(services, command, lang)
        except BotError as exc:
            return exc.user_message
    match = services.matcher.match(text)
    return match_text(services.kb, match, lang)


def _messages(stream: TextIO) -> Iterator[str]:
    """Split input into messages: a /acr line alone, or lines up to an empty one.

    On a terminal, lines that arrive together (a paste) form one message, so a one-line
    paste needs no extra empty line.
    """
    block: list[str] = []
    interactive = stream.isatty()
    for raw in stream:
        line = raw.rstrip("\n")
        if not block and line.strip().startswith("/acr"):
            yield line
            continue
        if line.strip():
            block.append(line)
        if block and (not line.strip() or (interactive and not _more_waiting(stream))):
            yield "\n".join(block)
            block = []
    if block:
        yield "\n".join(block)


def _more_waiting(stream: TextIO) -> bool:
    try:
        ready, _, _ = select.select([stream], [], [], 0.05)
    except (OSError, ValueError):
        return False
    return bool(ready)


def run(services: Services, stream: TextIO | None = None, out: TextIO | None = None) -> int:
    stream = stream or sys.stdin
    out = out or sys.stdout
    if stream.isatty():
        print(BANNER, file=out)
    for message in _messages(stream):
        print(respond(services, message), file=out)
        print("—" * 40, file=out, flush=True)
    return 0
