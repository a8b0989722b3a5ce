"""What one `/acr` command is: the shape of an entry of the command table.

An entry (:class:`CommandSpec`) holds everything about a command in one place — its name,
arguments and options, help in every language, the access rule, the service call, and how its
result is rendered as text, as Block Kit and as JSON. The Slack listener, the console, the
``acrbot`` command line, ``/acr help`` and the access checks are all generated from entries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.access import Caller, Rule
from bot.render.blocks import Block

if TYPE_CHECKING:  # the table is read by every `acrbot` subcommand; services are built later
    from bot.services import Services

R = TypeVar("R")
Text = Mapping[str, str]  # one sentence per language: {"en": …, "ru": …}


@dataclass(frozen=True)
class Param:
    """A positional argument. ``rest`` takes every remaining word (``faq <words>``)."""

    name: str
    help: Text
    missing: Text  # what the bot asks when it is missing ("Which registry?")
    label: Text | None = None  # what one value is called ("registry"), for "give one …"
    required: bool = True
    rest: bool = False
    cli_option: bool = False  # on the command line `--<name> VALUE` instead of a positional
    check: Callable[[str], object] | None = None  # raises BadInput; runs before access


@dataclass(frozen=True)
class Option:
    """A `--name` option: a flag when ``metavar`` is None, else it takes one value."""

    name: str
    help: Text
    metavar: str | None = None
    convert: Callable[[str, str], object] | None = None  # (value, language) → value; BadInput
    default: object = None

    @property
    def flag(self) -> bool:
        return self.metavar is None


@dataclass(frozen=True)
class Invocation:
    """A parsed `/acr` request: the command and the values of its arguments and options."""

    name: str
    values: Mapping[str, object] = field(default_factory=dict)
    unknown: str | None = None  # help shown after an unknown subcommand…
    suggestion: str | None = None  # …with the closest one

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return "" if value is None else str(value)

    def optional(self, name: str) -> str | None:
        value = self.values.get(name)
        return None if value is None else str(value)

    def flag(self, name: str) -> bool:
        return bool(self.values.get(name))

    def number(self, name: str) -> int | None:
        value = self.values.get(name)
        return value if isinstance(value, int) else None


Confirm = Callable[[str, str], bool]  # (what will happen, the question) → yes?
Note = Callable[[str], None]  # a progress sentence, for the door to show while work goes on


@dataclass(frozen=True)
class Request:
    """One run of a command: the shared services, what was asked, by whom, in which language.

    ``confirm`` is how the door asks a yes/no question right away (the command line asks on
    the terminal); None where the door cannot (Slack confirms with a button, later).
    ``progress`` is how a long command tells the door how far it is (Slack shows a note when
    the work takes more than a few seconds); None where nobody is watching.
    """

    services: Services
    invocation: Invocation
    caller: Caller
    lang: str
    confirm: Confirm | None = None
    progress: Note | None = None

    @property
    def door(self) -> str:
        return self.caller.source


@dataclass(frozen=True)
class Audit:
    """How a run of a command is written to the command log."""

    outcome: str = "ok"
    detail: str = ""
    run_ids: tuple[str, ...] = ()


def _registry(invocation: Invocation) -> str | None:
    return invocation.optional("registry")


@dataclass(frozen=True)
class CommandSpec(Generic[R]):
    """One `/acr` subcommand, declared once."""

    name: str
    summary: Text  # one line for /acr help and `acrbot --help`
    access: Rule
    run: Callable[[Request], R]  # the service call
    text: Callable[[R, str], str]  # console, command line, Slack notification text
    blocks: Callable[[R, str], list[Block]] | None = None  # Slack (default: the text)
    json: Callable[[R], dict[str, Any]] | None = None  # `acrbot <name> --json`
    exit_status: Callable[[R], int] | None = None  # the command line's (default 0)
    audit: Callable[[R], Audit] | None = None  # the command log line (default "ok")
    params: tuple[Param, ...] = ()
    options: tuple[Option, ...] = ()
    registry: Callable[[Invocation], str | None] = _registry  # for limits and the log
    instant: bool = False  # local and fast: Slack gets the answer inside the acknowledgement
    cli: bool = True  # also `acrbot <name>`
    asks: bool = False  # asks before acting: the command line gets `--yes`

    @property
    def logged(self) -> bool:
        """Commands that touch a registry are checked and written to the command log."""
        return self.access is not Rule.ANYONE
