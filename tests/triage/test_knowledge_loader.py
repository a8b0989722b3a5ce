"""Loading the knowledge base: every problem names the file, the field and what is wrong."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.commands import registry_commands
from bot.errors import KnowledgeError
from bot.knowledge import check, load


def entry(topic: str = "sample-topic", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": topic,
        "title": {"en": "Sample", "ru": "Пример"},
        "signatures": ["sample failure: <registry>.azurecr.io refused"],
        "questions": {
            "en": ["why does sample fail", "sample refused again", "how to fix sample"],
            "ru": ["почему падает пример", "пример отказал", "как починить пример"],
        },
        "answer": {
            "en": {"cause": "Because.", "steps": ["Do this."]},
            "ru": {"cause": "Потому что.", "steps": ["Сделайте так."]},
        },
        "commands": ["az acr show --name <registry>"],
        "docs": "https://learn.microsoft.com/azure/container-registry/",
    }
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def write_kb(tmp_path: Path, entries: dict[str, dict[str, Any]], catalog: list[str]) -> Path:
    (tmp_path / "catalog.txt").write_text("# ids\n" + "\n".join(catalog) + "\n", encoding="utf-8")
    for name, data in entries.items():
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return tmp_path


def problems_of(directory: Path) -> list[str]:
    return [str(p) for p in check(directory, bot_commands=registry_commands())[1]]


def test_valid_entry_loads(tmp_path: Path) -> None:
    """A complete entry loads and keeps its fields."""
    kb = load(write_kb(tmp_path, {"sample-topic.yaml": entry()}, ["sample-topic"]))
    assert kb["sample-topic"].title["ru"] == "Пример"
    assert kb["sample-topic"].answer["en"].steps == ("Do this.",)


def test_missing_language_is_named(tmp_path: Path) -> None:
    """An answer without Russian is reported with the file and the field."""
    bad = entry(answer={"en": {"cause": "Because.", "steps": ["Do this."]}})
    problems = problems_of(write_kb(tmp_path, {"sample-topic.yaml": bad}, ["sample-topic"]))
    assert "sample-topic.yaml: answer.ru: missing language" in problems


def test_duplicate_id_is_named(tmp_path: Path) -> None:
    """Two files claiming one id: the second is reported, naming the first."""
    kb = write_kb(tmp_path, {"sample-topic.yaml": entry(), "copy.yaml": entry()}, ["sample-topic"])
    problems = problems_of(kb)
    assert any(
        p.startswith("sample-topic.yaml: id: duplicate id") and "copy.yaml" in p for p in problems
    )


def test_unknown_id_is_named(tmp_path: Path) -> None:
    """An id that is not in the catalog is refused with a hint to add it."""
    kb = write_kb(tmp_path, {"other-topic.yaml": entry("other-topic")}, ["sample-topic"])
    problems = problems_of(kb)
    assert "other-topic.yaml: id: unknown id 'other-topic': add it to catalog.txt first" in problems
    assert "catalog.txt: sample-topic: catalog topic has no entry file" in problems


def test_nothing_to_match_on(tmp_path: Path) -> None:
    """No signatures and no questions leaves the matcher nothing: refused."""
    bad = entry(signatures=[], questions={"en": [], "ru": []})
    problems = problems_of(write_kb(tmp_path, {"sample-topic.yaml": bad}, ["sample-topic"]))
    assert (
        "sample-topic.yaml: signatures: empty signature list and no questions: nothing to match on"
        in problems
    )


def test_too_few_questions(tmp_path: Path) -> None:
    """One way to ask is not enough to recognise a question."""
    bad = entry(questions={"en": ["only one"], "ru": ["а", "б", "в"]})
    problems = problems_of(write_kb(tmp_path, {"sample-topic.yaml": bad}, ["sample-topic"]))
    assert "sample-topic.yaml: questions.en: needs at least 3 ways to ask (has 1)" in problems


def test_bad_yaml_and_unknown_fields(tmp_path: Path) -> None:
    """Broken YAML and misspelt fields are reported, not crashed on."""
    kb = write_kb(tmp_path, {"sample-topic.yaml": entry(answr="typo")}, ["sample-topic", "broken"])
    (kb / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    problems = problems_of(kb)
    assert any(p.startswith("broken.yaml: -: not valid YAML") for p in problems)
    assert any(p.startswith("sample-topic.yaml: answr: unknown field") for p in problems)


def test_wrong_docs_and_bot_command(tmp_path: Path) -> None:
    """Docs must be a Microsoft page and bot_command one of the real commands."""
    bad = entry(docs="http://example.com", bot_command="reboot")
    problems = problems_of(write_kb(tmp_path, {"sample-topic.yaml": bad}, ["sample-topic"]))
    assert any(p.startswith("sample-topic.yaml: docs: must link") for p in problems)
    assert any(
        p.startswith("sample-topic.yaml: bot_command: 'reboot' is not one of") for p in problems
    )


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    """load() fails with one error listing every problem, not just the first."""
    bad = entry(title={"en": "x"}, answer={"ru": {"cause": "y", "steps": ["z"]}})
    with pytest.raises(KnowledgeError) as caught:
        load(write_kb(tmp_path, {"sample-topic.yaml": bad}, ["sample-topic"]))
    text = caught.value.user_message
    assert "title.ru: missing language" in text and "answer.en: missing language" in text
