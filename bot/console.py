"""A local chat: paste text and see what the bot would post; `/acr …` commands work too.

This is a door like Slack: it parses, calls a service, renders text. It holds no logic.
The language of an answer follows Slack's rule without the locale: ``--lang`` when given,
else the text's (Russian words in a command, a question asked in Russian), else
ACRBOT_DEFAULT_LANGUAGE.
"""

from __future__ import annotations

import contextlib
import getpass
import sys
from collections.abc import Iterator
from typing import TextIO

from bot.access import CONSOLE, Caller
from bot.commands import BY_NAME, Request, parse
from bot.commands.runner import answer
from bot.errors import BadInput
from bot.render.text import match_text
from bot.render.words import localise, words
from bot.services import Services


def banner(lang: str) -> str:
    return words(lang)["console.banner"]


def respond(services: Services, text: str, lang: str | None = None) -> str:
    """What the bot would answer to one message typed into the console."""
    stripped = text.strip()
    triage = services.triage
    if stripped.startswith("/acr"):
        words_after = stripped[4:]
        lang = lang or triage.command_language(words_after, None, None)
        try:
            invocation = parse(words_after, lang)
        except BadInput as exc:
            return localise(exc.user_message, lang)
        caller = Caller(user_id=getpass.getuser(), source=CONSOLE)
        request = Request(services, invocation, caller, lang)
        return answer(BY_NAME[invocation.name], request).text()
    match = triage.lessons.apply(text, services.matcher.match(text))
    lang = lang or triage.language(text, match.question, None, None)
    return match_text(services.kb, match, lang, paste=text)


PASTE_START = "\x1b[200~"  # a terminal in bracketed-paste mode wraps each paste in these
PASTE_END = "\x1b[201~"


def _messages(stream: TextIO) -> Iterator[str]:
    """Split input into messages, the same for typed, pasted and piped text.

    A line starting with /acr is a message by itself. Other lines gather until an empty line
    (the end marker the banner names). A paste the terminal marks (bracketed paste) is one
    message as soon as it ends, empty lines and all.
    """
    block: list[str] = []
    in_paste = False
    for raw in stream:
        line = raw.rstrip("\r\n")
        if PASTE_START in line:
            in_paste = True
            line = line.replace(PASTE_START, "")
        if in_paste:
            in_paste = PASTE_END not in line
            block.append(line.replace(PASTE_END, ""))
            if not in_paste:
                yield from _flush(block)
            continue
        if not block and line.strip().startswith("/acr"):
            yield line.strip()
        elif line.strip():
            block.append(line)
        else:
            yield from _flush(block)
    yield from _flush(block)


def _flush(block: list[str]) -> Iterator[str]:
    text = "\n".join(block).strip("\n")
    block.clear()
    if text.strip():
        yield text


@contextlib.contextmanager
def _paste_aware(stream: TextIO, out: TextIO) -> Iterator[None]:
    """On a terminal: bracketed-paste mode on, and its markers not echoed as ``^[[200~``."""
    if not (stream.isatty() and out.isatty()):
        yield
        return
    saved = None
    try:
        import termios

        saved = termios.tcgetattr(stream.fileno())
        quiet = list(saved)
        quiet[3] &= ~termios.ECHOCTL
        termios.tcsetattr(stream.fileno(), termios.TCSANOW, quiet)
    except (ImportError, OSError, ValueError, AttributeError):
        saved = None  # not a POSIX terminal: pastes still work, ended by an empty line
    out.write("\x1b[?2004h")
    out.flush()
    try:
        yield
    finally:
        out.write("\x1b[?2004l")
        out.flush()
        if saved is not None:
            termios.tcsetattr(stream.fileno(), termios.TCSANOW, saved)


def run(
    services: Services,
    stream: TextIO | None = None,
    out: TextIO | None = None,
    lang: str | None = None,
) -> int:
    """The chat on ``stream``; ``lang`` answers in that language whatever the text's."""
    stream = stream or sys.stdin
    out = out or sys.stdout
    if stream.isatty():
        print(banner(lang or services.default_language), file=out)
    with _paste_aware(stream, out):
        for message in _messages(stream):
            print(respond(services, message, lang), file=out)
            print("—" * 40, file=out, flush=True)
    return 0
