"""The message catalogue (bot/words): every sentence in every language, the same facts in each,
every key the code names present, Russian plurals, and sentences that keep their language
across a store."""

from __future__ import annotations

import re
import string
import threading
from pathlib import Path

import pytest

from bot.azure.cache import single_flight
from bot.azure.health.codes import PROBLEMS
from bot.azure.health.rules import RULES
from bot.errors import AzureError
from bot.store import MemoryStore
from bot.words import LANGUAGES, WORDS, Join, localise, plural, say, words
from tests.reference import REPO

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
# rows that read the same in Russian: pure facts, names, and terms ACR users keep in English
SAME_IN_RUSSIAN = {
    "health.probe-crashed",
    "token.tried",
    "source.workload",
    "source.cli",
}
# how the code names a key: say("…"), words(lang)["…"] and the names it keeps that column in
_NAMED = re.compile(
    r"""(?:\bsay\(\s*|\b(?:w|label|said|words\([^)]*\))\[\s*)["']([a-z_][a-z0-9_.\-]*)["']"""
)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_row_has_every_language_with_the_same_facts() -> None:
    """A sentence names the same facts in English and Russian (a missing or misspelt
    {field} would fail at the moment the bot says it)."""
    assert set(WORDS) == set(LANGUAGES)
    english = WORDS["en"]
    for lang in LANGUAGES:
        assert set(WORDS[lang]) == set(english), lang
        for key, template in WORDS[lang].items():
            assert _fields(template) == _fields(english[key]), (lang, key)


def test_russian_is_written_not_copied() -> None:
    """Each Russian row is Russian, except the few that are facts or English terms."""
    for key, english in WORDS["en"].items():
        russian = WORDS["ru"][key]
        if key in SAME_IN_RUSSIAN:
            continue
        assert russian != english, key
        if re.search("[a-z]{3}", english.replace("{", " {")) and key != "no_options":
            assert CYRILLIC.search(russian), key


def _sources() -> list[Path]:
    return sorted([*(REPO / "bot").rglob("*.py"), *(REPO / "handlers").rglob("*.py")])


def test_every_sentence_the_code_names_is_in_the_catalogue() -> None:
    """Keys written in the code, health problems, rule cases and Azure targets all exist."""
    named = set()
    for path in _sources():
        if path.parent.name == "words":
            continue
        named |= set(_NAMED.findall(path.read_text(encoding="utf-8")))
    named |= {f"health.{problem.sentence or name}" for name, problem in PROBLEMS.items()}
    named |= {case.sentence for rule in RULES for case in rule.cases}
    targets = re.compile(r"""Target\(\s*["']([a-z_]+)["']""")
    for path in _sources():
        named |= {f"do.{action}" for action in targets.findall(path.read_text(encoding="utf-8"))}
    assert len(named) > 150
    assert sorted(named - set(WORDS["en"])) == []


RUSSIAN_FORMS = [(1, "запуск"), (2, "запуска"), (4, "запуска"), (5, "запусков"), (11, "запусков")]
RUSSIAN_FORMS += [(12, "запусков"), (21, "запуск"), (22, "запуска"), (111, "запусков")]


@pytest.mark.parametrize(("count", "form"), [*RUSSIAN_FORMS, (0, "запусков")])
def test_russian_plurals(count: int, form: str) -> None:
    assert plural("ru", count, ["запуск", "запуска", "запусков"]) == form
    question = words("ru")["cancel_question"].format(count=count, registry="contosoprod")
    assert question == f"Отменить {count} {form} в contosoprod?"


def test_english_keeps_its_wording() -> None:
    assert plural("en", 1, ["run", "runs"]) == "run" and plural("en", 3, ["run", "runs"]) == "runs"
    assert words("en")["cancel_button"].format(count=3) == "Cancel 3 run(s)"


def test_a_message_is_its_english_sentence_and_shows_in_the_readers_language() -> None:
    """What the Azure layer raises reads as English (logs, audit, --json) and is shown in
    Russian to a Russian reader — nested sentences included, facts from Azure verbatim."""
    what = say("do.usage", registry="contosoprod")
    said = say("azure.said", code="AuthorizationFailed", detail="The client 'x' has no access.")
    message = say("azure.forbidden", what=what, role="Reader", scope="/subs/1", said=said)
    assert message.startswith("The bot's identity is not allowed to read the usage of registry")
    assert isinstance(message, str) and "Reader" in message
    russian = localise(message, "ru")
    assert russian.startswith("Удостоверению бота не разрешено прочитать использование реестра")
    assert "(ответ Azure: AuthorizationFailed: The client 'x' has no access.)" in russian
    joined = Join([say("reason.not_installed"), "azure-identity said so"])
    assert localise(joined, "ru") == "не установлен; azure-identity said so"
    assert localise("plain text", "ru") == "plain text"
    assert localise(message, "de") == message  # a language the bot does not speak: English


class _WatchedStore(MemoryStore):
    """The in-process store, telling when a claim was refused (someone else holds it)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused = threading.Event()

    def claim(self, key: str, ttl: float, owner: str | None = None) -> bool:
        claimed = super().claim(key, ttl, owner)
        if not claimed:
            self.refused.set()
        return claimed


def test_a_failure_cached_for_other_replicas_keeps_its_language() -> None:
    """A crowd waiting on one Azure call (single flight) gets its failure from the store, and
    still reads it in Russian."""
    store = _WatchedStore()
    started, release = threading.Event(), threading.Event()
    what = say("do.usage", registry="contosoprod")
    later = say("azure.wait", wait=say("duration.minutes", count=60))
    failure = AzureError(say("azure.throttled", what=what, later=later, said=""), "throttled", 429)

    def slow_failure() -> str:
        started.set()
        release.wait(5)
        raise failure

    def compute_and_fail() -> None:
        with pytest.raises(AzureError):
            single_flight(store, "k", 60, slow_failure, cache="t")

    first = threading.Thread(target=compute_and_fail)
    first.start()
    assert started.wait(5)
    waiting: list[AzureError] = []

    def wait_for_it() -> None:
        try:
            single_flight(store, "k", 60, lambda: "never", cache="t", wait=5)
        except AzureError as exc:
            waiting.append(exc)

    second = threading.Thread(target=wait_for_it)
    second.start()
    assert store.refused.wait(5)  # the second caller is waiting on the first one's call
    release.set()
    first.join(5)
    second.join(5)
    (error,) = waiting
    assert error is not failure and error.kind == "throttled"
    assert error.user_message == failure.user_message
    russian = localise(error.user_message, "ru")
    assert russian.startswith("Azure ограничивает частоту запросов")
    assert "Azure просит подождать 60 минут до следующей попытки." in russian
