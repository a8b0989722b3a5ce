"""The /acr grammar: every input gives a Command or a BadInput with the right usage."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, parse
from bot.commands.grammar import usage
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
    values = ("registry", "status", "task", "top")
    assert tuple(command.values[name] for name in values) == (
        "ContosoProd",
        "Running",
        "build-api",
        5,
    )
    assert parse("runs contoso").values["top"] == 20
    assert parse("cancel-runs contoso --dry-run").flag("dry-run")
    assert parse("usage contoso --refresh").flag("refresh")
    assert not parse("usage contoso").flag("refresh")


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


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("usage", "Какой реестр? Как вызывать: `/acr usage <registry> [--refresh]`"),
        ("runs contoso --top many", "`--top` принимает целое число от 1 до 100"),
        ("check-health contoso --force", "Неизвестный параметр `--force`"),
    ],
)
def test_bad_input_is_explained_in_the_callers_language(text: str, fragment: str) -> None:
    """A Russian-speaking caller is told what was wrong in Russian, with the same usage line."""
    with pytest.raises(BadInput) as caught:
        parse(text, "ru")
    assert fragment in caught.value.user_message


def test_usage_lines_come_from_the_table() -> None:
    """Each command's usage names its arguments and options as the grammar accepts them."""
    lines = {spec.name: usage(spec) for spec in COMMANDS}
    assert lines["runs"] == "/acr runs <registry> [--status Running] [--task NAME] [--top N]"
    assert lines["cancel-runs"] == "/acr cancel-runs <registry> [--task NAME] [--dry-run]"
    assert lines["faq"] == "/acr faq <words>"
    assert parse("runs contoso --status Running --task NAME --top 3").name == "runs"
