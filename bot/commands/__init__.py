"""The `/acr` commands: one table (``table.py``) from which every door is generated.

    invocation = parse("runs contosoprod --status failed", lang="en")
    spec = BY_NAME[invocation.name]
    reply = runner.answer(spec, Request(services, invocation, caller, lang))

``spec.py`` says what an entry holds, ``grammar.py`` parses text against the table,
``runner.py`` runs an entry (arguments, access rule, service, command log) the same way for
every door, ``confirmations.py`` is the click that confirms a cancel-runs.
"""

from __future__ import annotations

from bot.commands import grammar
from bot.commands.spec import CommandSpec, Invocation, Request
from bot.commands.table import BY_NAME, COMMANDS, registry_commands

# The runner (``bot.commands.runner``) is imported by the doors that run commands; reading
# the table (every `acrbot` subcommand builds its parser from it) does not load it.
__all__ = [
    "BY_NAME",
    "COMMANDS",
    "CommandSpec",
    "Invocation",
    "Request",
    "parse",
    "registry_commands",
]


def parse(text: str, lang: str = "en") -> Invocation:
    """Parse the text after `/acr` against the command table (BadInput when malformed)."""
    return grammar.parse(text, BY_NAME, lang)
