"""The `/acr` grammar, generated from the command table: text → Invocation, and usage lines.

Parsing never raises anything but BadInput, whose message says what was wrong (in the
caller's language) and shows the right form, so no door ever prints a stack trace for a typo.
Slack, the console and the command line (which turns its options back into these words) all
accept exactly the same input.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from typing import Any

from rapidfuzz import process

from bot.commands.spec import CommandSpec, Invocation, Option, Param
from bot.errors import BadInput
from bot.mrkdwn import quote
from bot.render.words import words

HELP = "help"
_HELP_WORDS = ("-h", "--help", "?")
# Characters after `/acr` that are parsed at all: the longest real command (a resource id and
# options) is a few hundred; shlex on a megabyte took 34 s.
MAX_TEXT = 1000


def usage(spec: CommandSpec[Any]) -> str:
    """`/acr runs <registry> [--status Running] [--task NAME] [--top N]`."""
    parts = ["/acr", spec.name]
    for param in spec.params:
        parts.append(f"<{param.name}>" if param.required else f"[{param.name}]")
    for option in spec.options:
        shown = f"--{option.name}" if option.flag else f"--{option.name} {option.metavar}"
        parts.append(f"[{shown}]")
    return " ".join(parts)


def suggest(word: str, names: Sequence[str]) -> str | None:
    """The closest subcommand to a mistyped one, if any is close enough."""
    best = process.extractOne(word.lower(), list(names), score_cutoff=60)
    return str(best[0]) if best else None


def parse(text: str, commands: Mapping[str, CommandSpec[Any]], lang: str = "en") -> Invocation:
    """Parse the text after `/acr`. Empty or unknown subcommands become help."""
    if len(text) > MAX_TEXT:
        raise BadInput(words(lang)["too_long"].format(length=len(text), limit=MAX_TEXT))
    try:
        tokens = shlex.split(text.strip())
    except ValueError:
        raise BadInput(words(lang)["unbalanced_quotes"]) from None
    if not tokens:
        return Invocation(HELP)
    name, args = tokens[0].lower(), tokens[1:]
    if name in _HELP_WORDS:
        return Invocation(HELP)
    spec = commands.get(name)
    if spec is None:
        return Invocation(HELP, unknown=tokens[0], suggestion=suggest(name, list(commands)))
    return _Binder(spec, lang).bind(args)


class _Binder:
    """Binds the words after the subcommand to one command's arguments and options."""

    def __init__(self, spec: CommandSpec[Any], lang: str) -> None:
        self.spec = spec
        self.lang = lang
        self.words = words(lang)

    def bad(self, sentence: str) -> BadInput:
        line = self.words["usage"].format(usage=usage(self.spec))
        return BadInput(f"{sentence} {line}")

    def bind(self, args: list[str]) -> Invocation:
        values: dict[str, object] = {o.name: o.default for o in self.spec.options}
        rest = next((p for p in self.spec.params if p.rest), None)
        if rest is not None:  # every word is the argument (faq <words>)
            joined = " ".join(args).strip()
            if not joined:
                raise self.bad(rest.missing[self.lang])
            values[rest.name] = joined
            return Invocation(self.spec.name, values)
        positional = self._options(args, values)
        self._positional(positional, values)
        return Invocation(self.spec.name, values)

    def _options(self, args: list[str], values: dict[str, object]) -> list[str]:
        options = {o.name: o for o in self.spec.options}
        positional: list[str] = []
        i = 0
        while i < len(args):
            arg = args[i]
            if not arg.startswith("--"):
                positional.append(arg)
                i += 1
                continue
            key, _, inline = arg[2:].partition("=")
            option = options.get(key.lower())
            if option is None:
                known = ", ".join(f"--{o}" for o in options) or self.words["no_options"]
                raise self.bad(self.words["unknown_option"].format(option=quote(arg), known=known))
            if option.flag:
                values[option.name] = True
            else:
                if inline:
                    raw = inline
                elif i + 1 < len(args):
                    raw = args[i + 1]
                    i += 1
                else:
                    raise self.bad(self.words["needs_value"].format(option=option.name))
                values[option.name] = self._convert(option, raw)
            i += 1
        return positional

    def _convert(self, option: Option, raw: str) -> object:
        return option.convert(raw, self.lang) if option.convert else raw

    def _positional(self, given: list[str], values: dict[str, object]) -> None:
        params: list[Param] = list(self.spec.params)
        for param, value in zip(params, given, strict=False):
            values[param.name] = value
        for param in params[len(given) :]:
            if param.required:
                raise self.bad(param.missing[self.lang])
            values[param.name] = None
        extra = given[len(params) :]
        if not extra:
            return
        if len(params) == 1 and params[0].label is not None:
            what = params[0].label[self.lang]
            raise self.bad(self.words["one_only"].format(what=what, count=len(given)))
        raise self.bad(self.words["too_many"].format(extra=quote(" ".join(extra))))
