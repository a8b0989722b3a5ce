"""`acrbot kb lint` catches the slips a reader would see: stray brackets, placeholders a paste
names but answers cannot fill, steps that contradict their command, editor's notes."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from bot.knowledge import Answer, Entry, check, default_directory, load
from bot.knowledge_lint import lint, unbalanced
from tests.reference import REPO
from tests.triage.test_cli import acrbot

BEFORE_FIX = REPO / "tests" / "data" / "knowledge" / "delete-untagged-manifests.before-fix.yaml"


@pytest.fixture(scope="module")
def shipped() -> list[Entry]:
    return list(load().entries)


def _problems(entry: Entry) -> list[str]:
    return [f"{p.field}: {p.problem}" for p in lint([entry])]


def test_the_shipped_knowledge_base_has_no_slips(shipped: list[Entry]) -> None:
    assert [str(p) for p in lint(shipped)] == []


def test_an_editors_note_and_a_step_against_its_command_are_caught(tmp_path: Path) -> None:
    """The topic as it once was: "the FAQ's Bash line had a typo" in both languages, and
    "add `--yes`" to the first command below, which already has it — `kb lint` exits 1."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(default_directory(), knowledge)
    shutil.copy(BEFORE_FIX, knowledge / "delete-untagged-manifests.yaml")
    entries, problems = check(knowledge)
    assert problems == []  # well formed: only the lint sees what is wrong
    found = sorted(str(p) for p in lint(entries))
    notes = [line for line in found if "an editor's note" in line]
    name = "delete-untagged-manifests.yaml"
    assert len(notes) == 2
    assert notes[0].startswith(
        f"{name}: answer.en.cause: an editor's note, not an answer: “The FAQ's Bash line had a typo"
    )
    assert notes[1].startswith(f"{name}: answer.ru.cause: an editor's note, not an answer: “В bash")
    assert [line for line in found if line not in notes] == [
        f"{name}: answer.{lang}.steps[0]: tells the reader to add `--yes`, which the command it "
        "points at already has"
        for lang in ("en", "ru")
    ]
    done = acrbot("kb", "lint", "--dir", str(knowledge))
    assert done.returncode == 1
    assert "delete-untagged-manifests.yaml: answer.en.steps[0]: tells the reader" in done.stderr
    assert done.stderr.rstrip().endswith("4 problem(s) in the knowledge base")


def _topic(shipped: list[Entry], topic: str) -> Entry:
    return next(e for e in shipped if e.id == topic)


def test_stray_brackets_are_caught_but_a_tools_own_format_is_not(shipped: list[Entry]) -> None:
    entry = _topic(shipped, "aks-image-pull-unauthorized")
    stray = 'Failed to pull image "<registry>.azurecr.io/<repository>:<tag>": [rpc error: x'
    slipped = replace(entry, signatures=(stray, *entry.signatures[1:]))
    assert _problems(slipped) == ["signatures[0]: stray bracket: a '[' that is never closed"]
    steps = ("Run `az acr login --name <registry>.", *entry.answer["en"].steps[1:])
    answers = {**entry.answer, "en": Answer(entry.answer["en"].cause, steps)}
    assert _problems(replace(entry, answer=answers)) == [
        "answer.en.steps[0]: stray bracket: an unpaired backtick (`)"
    ]
    title = {**entry.title, "ru": entry.title["ru"] + ")"}
    assert _problems(replace(entry, title=title)) == [
        "title.ru: stray bracket: a ')' that closes nothing"
    ]
    assert unbalanced('E0212 10:01:02.123 1 azure_credentials.go:150] failed: "x"') is None
    assert unbalanced('{"errors":[{"code":"DENIED"}]}') is None


def test_a_placeholder_the_paste_names_but_answers_cannot_fill(shipped: list[Entry]) -> None:
    """too-many-requests once told the reader `--registry-username <user> --registry-password
    <token>` while its signature uses <user> and <token> for what Docker Hub printed."""
    entry = _topic(shipped, "too-many-requests")
    clash = "pass `--registry-username <user> --registry-password <token>`"
    steps = (*entry.answer["en"].steps[:-1], clash)
    answers = {**entry.answer, "en": Answer(entry.answer["en"].cause, steps)}
    last = f"answer.en.steps[{len(steps) - 1}]"
    assert [p.split(" is in a")[0] for p in _problems(replace(entry, answer=answers))] == [
        f"{last}: <token>",
        f"{last}: <user>",
    ]
    # a placeholder the signatures do not have is the reader's to fill: no problem
    own = (*entry.answer["en"].steps[:-1], "pass `--registry-username <docker-hub-user>`")
    answers = {**entry.answer, "en": Answer(entry.answer["en"].cause, own)}
    assert _problems(replace(entry, answer=answers)) == []


def test_adding_a_flag_to_another_command_is_not_a_contradiction(shipped: list[Entry]) -> None:
    """ "run `az aks update --attach-acr` (or add `--attach-acr` to `az aks create`)" is fine:
    the flag goes to the command written after it."""
    entry = _topic(shipped, "kubernetes-integration")
    step = "Run `az aks update --attach-acr` (or add `--attach-acr` to `az aks create`)."
    steps = (step, *entry.answer["en"].steps[1:])
    answers = {**entry.answer, "en": Answer(entry.answer["en"].cause, steps)}
    assert _problems(replace(entry, answer=answers)) == []
    wrong = "Run `az aks create --attach-acr`; add `--attach-acr` to it."
    answers = {**entry.answer, "en": Answer(entry.answer["en"].cause, (wrong, *steps[1:]))}
    assert _problems(replace(entry, answer=answers)) == [
        "answer.en.steps[0]: tells the reader to add `--attach-acr`, which the command it "
        "points at already has"
    ]
