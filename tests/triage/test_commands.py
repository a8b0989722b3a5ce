"""The /acr grammar: every input gives a Command or a BadInput with the right usage."""

from __future__ import annotations

import pytest

from bot.commands import parse
from bot.errors import BadInput


def test_empty_is_help() -> None:
    """`/acr` alone shows help."""
    assert parse("   ").name == "help"


def test_unknown_subcommand_suggests() -> None:
    """A typo gives help with the closest subcommand."""
    command = parse("usgae contoso")
    assert (command.name, command.unknown, command.suggestion) == ("help", "usgae", "usage")


def test_registry_commands_parse_options() -> None:
    """Options of runs are parsed, with the status in its canonical case."""
    command = parse("runs ContosoProd --status running --task build-api --top 5")
    assert (command.registry, command.status, command.task, command.top) == (
        "ContosoProd",
        "Running",
        "build-api",
        5,
    )
    assert parse("cancel-runs contoso --dry-run").dry_run
    assert parse("usage contoso --refresh").refresh


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("usage", "Which registry? Usage: `/acr usage <registry> [--refresh]`"),
        ("usage a b", "Give one registry, not 2"),
        ("runs contoso --top many", "`--top` takes a whole number"),
        ("runs contoso --top 1000", "`--top` takes a whole number from 1 to 100"),
        ("runs contoso --status Sleeping", "Unknown status `Sleeping`"),
        ("runs contoso --task", "`--task` needs a value"),
        ("check-health contoso --force", "Unknown option `--force`"),
        ("faq", "Tell me what to look for"),
        ('faq "unclosed', "Unbalanced quotes"),
    ],
)
def test_bad_input_says_what_and_how(text: str, fragment: str) -> None:
    """Bad input is a BadInput whose message says what was wrong and the right form."""
    with pytest.raises(BadInput) as caught:
        parse(text)
    assert fragment in caught.value.user_message
