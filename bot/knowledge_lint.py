"""Slips a reader would see in an answer, which the loader lets through: what `acrbot kb lint`
checks beyond the shape of each entry.

* **Stray brackets**: an unbalanced ``[``, ``(`` or backtick in a signature, a title, a cause
  or a step (a signature with a stray ``[`` is shown as "Matched on" with it).
* **Placeholders a paste names but an answer cannot fill**: a placeholder in the answer that
  the topic's own signatures contain (so a paste carries its value) but that answers do not
  fill (``bot.pasted.FILLABLE``) — the reader would see ``<x>`` next to the value they pasted.
* **Steps that contradict their command**: a step telling the reader to add a flag that the
  command it points at already has.
* **Editor's notes**: sentences about the source the answer was written from ("the FAQ's line
  had a typo", "TODO") rather than about the reader's problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.errors import KnowledgeProblem
from bot.knowledge import LANGUAGES, Entry
from bot.pasted import FILLABLE, placeholders

_PAIRS = {")": "(", "]": "["}
# the header of a klog/glog line ends in "file.go:123]" with no "[" before it: the tool's own
_KLOG_HEADER = re.compile(r"\b[\w-]+\.go:(?:\d+|<n>)\]")
_ADD_FLAG = re.compile(
    r"(?i)\b(?:add|append|include|добавьте|допишите|добавить)\b[^.;:]{0,40}?`(--[a-z][\w-]*)"
)
_CODE = re.compile(r"`([^`]+)`")
_PROGRAMS = ("az ", "docker ", "kubectl ", "helm ", "oras ", "notation ", "curl ", "nc ")
_BELOW = re.compile(r"(?i)\b(?:below|ниже)\b")
_ORDINALS = (
    (re.compile(r"(?i)\b(?:first|первую|первой|первая)\b"), 0),
    (re.compile(r"(?i)\b(?:second|вторую|второй|вторая)\b"), 1),
    (re.compile(r"(?i)\b(?:third|третью|третьей|третья)\b"), 2),
)
_EDITORS_NOTES = re.compile(
    r"(?i)\b(?:TODO|FIXME|TBD)\b|\(sic\)|\bhad a typo\b|commands? below (?:are|is) fixed"
    r"|команд[аы] ниже исправлен|из FAQ был[аи]? опечатк|в FAQ был[аи]? опечатк"
    r"|\bthe FAQ's (?:bash|powershell|line|command)"
)


def lint(entries: list[Entry]) -> list[KnowledgeProblem]:
    """Every slip in ``entries``, each naming its file and field."""
    problems: list[KnowledgeProblem] = []
    for entry in entries:
        problems += [KnowledgeProblem(f"{entry.id}.yaml", f, p) for f, p in _slips(entry)]
    return problems


def _slips(entry: Entry) -> Iterator[tuple[str, str]]:
    yield from _brackets(entry)
    yield from _unfillable(entry)
    yield from _contradictions(entry)
    yield from _notes(entry)


def _texts(entry: Entry) -> Iterator[tuple[str, str]]:
    """(field, text) of what a reader sees written by the knowledge base's authors."""
    for i, signature in enumerate(entry.signatures):
        yield f"signatures[{i}]", signature
    for lang in LANGUAGES:
        yield f"title.{lang}", entry.title[lang]
        answer = entry.answer[lang]
        yield f"answer.{lang}.cause", answer.cause
        for i, step in enumerate(answer.steps):
            yield f"answer.{lang}.steps[{i}]", step


def unbalanced(text: str, verbatim: bool = False) -> str | None:
    """What is unbalanced in ``text`` (a bracket or a backtick), or None. In ``verbatim``
    tool output (a signature) backticks are the tool's own quoting (docker prints
    ``out: `…```), so only brackets count there."""
    if not verbatim and text.count("`") % 2:
        return "an unpaired backtick (`)"
    text = _KLOG_HEADER.sub("", text)
    stack: list[str] = []
    for character in text:
        if character in "([":
            stack.append(character)
        elif character in ")]":
            if not stack or stack[-1] != _PAIRS[character]:
                return f"a '{character}' that closes nothing"
            stack.pop()
    if stack:
        return f"a '{stack[-1]}' that is never closed"
    return None


def _brackets(entry: Entry) -> Iterator[tuple[str, str]]:
    for field, text in _texts(entry):
        problem = unbalanced(text, verbatim=field.startswith("signatures"))
        if problem:
            yield field, f"stray bracket: {problem}"


def _unfillable(entry: Entry) -> Iterator[tuple[str, str]]:
    named = {name for signature in entry.signatures for name in placeholders(signature)}
    answer_fields = [(f"commands[{i}]", c) for i, c in enumerate(entry.commands)]
    for lang in LANGUAGES:
        answer = entry.answer[lang]
        answer_fields.append((f"answer.{lang}.cause", answer.cause))
        answer_fields += [(f"answer.{lang}.steps[{i}]", s) for i, s in enumerate(answer.steps)]
    for field, text in answer_fields:
        for name in sorted(set(placeholders(text)) & named - FILLABLE):
            yield (
                field,
                f"<{name}> is in a signature, so a paste names it, but answers cannot fill it: "
                "name the placeholders apart if they mean different things, or use one that "
                "answers fill (bot/pasted.py)",
            )


def _commands_meant(step: str, flag_at: int, flag_end: int, entry: Entry) -> list[str]:
    """The commands a step's "add `--flag`" points at: one written just after it ("add
    `--x` to `az …`"), else the last one written before it, else "the … command below"."""
    written = [(m.start(), m.group(1)) for m in _CODE.finditer(step)]
    commands = [(at, code) for at, code in written if code.startswith(_PROGRAMS)]
    after = [code for at, code in commands if flag_end <= at <= flag_end + 80]
    if after:
        return after[:1]
    before = [code for at, code in commands if at < flag_at]
    if before:
        return before[-1:]
    if not _BELOW.search(step):
        return []
    for pattern, index in _ORDINALS:
        if pattern.search(step):
            return list(entry.commands[index : index + 1])
    return list(entry.commands)


def _has_flag(command: str, flag: str) -> bool:
    return re.search(rf"(?<!\S){re.escape(flag)}(?=[\s=]|$)", command) is not None


def _contradictions(entry: Entry) -> Iterator[tuple[str, str]]:
    for lang in LANGUAGES:
        for i, step in enumerate(entry.answer[lang].steps):
            for found in _ADD_FLAG.finditer(step):
                flag = found.group(1)
                meant = _commands_meant(step, found.start(), found.end(), entry)
                if any(_has_flag(command, flag) for command in meant):
                    yield (
                        f"answer.{lang}.steps[{i}]",
                        f"tells the reader to add `{flag}`, which the command it points at "
                        "already has",
                    )


def _notes(entry: Entry) -> Iterator[tuple[str, str]]:
    for field, text in _texts(entry):
        if field.startswith("signatures"):
            continue  # a tool's own words
        found = _EDITORS_NOTES.search(text)
        if found:
            yield field, f"an editor's note, not an answer: “{_sentence(text, found)}”"


def _sentence(text: str, found: re.Match[str]) -> str:
    """The sentence around ``found``, at most 100 characters of it."""
    start = text.rfind(". ", 0, found.start()) + 1
    end = text.find(". ", found.end())
    sentence = text[start : end + 1 if end != -1 else len(text)].strip()
    return sentence if len(sentence) <= 100 else sentence[:99].rstrip() + "…"
