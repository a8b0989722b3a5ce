"""`acrbot kb learned export`: approved lessons into the topic files, for review like any change.

A lesson's text becomes a signature of its topic (error output) or a question (a sentence
someone asked), appended to the YAML file as it stands: comments and layout are kept, so the
diff shows exactly what was learned. Lessons that ask for silence have no topic file; they
are counted and left in the store.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.learning import Lesson
from bot.matching import detect_language, is_question

_TOP_KEY = re.compile(r"^[A-Za-z_]+:")


@dataclass
class ExportResult:
    signatures: int = 0
    questions: int = 0
    silent: int = 0  # lessons that ask for silence: not exported
    unapproved: int = 0
    present: int = 0  # already in the file


def export(lessons: Iterable[Lesson], directory: Path) -> ExportResult:
    result = ExportResult()
    for lesson in lessons:
        if not lesson.approved:
            result.unapproved += 1
            continue
        if lesson.topic is None:
            result.silent += 1
            continue
        path = directory / f"{lesson.topic}.yaml"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: export into the knowledge directory")
        lines = path.read_text(encoding="utf-8").splitlines()
        text = " ".join(lesson.text.split("\n"))
        quoted = json.dumps(text, ensure_ascii=False)
        if any(line.strip() == f"- {quoted}" for line in lines):
            result.present += 1
            continue
        if is_question(text):
            language = detect_language(text)
            lines = _append(lines, "questions", f"    - {quoted}", sub=f"  {language}:")
            result.questions += 1
        else:
            lines = _append(lines, "signatures", f"  - {quoted}")
            result.signatures += 1
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return result


def _append(lines: list[str], key: str, item: str, sub: str | None = None) -> list[str]:
    """``item`` added at the end of the block under ``key:`` (and ``sub`` within it)."""
    start = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), None)
    if start is None:
        block = [f"{key}:"] + ([sub] if sub else []) + [item]
        return [*lines, *block]
    if lines[start].split("#", 1)[0].strip() != f"{key}:":  # an inline value such as []
        lines = [*lines[:start], f"{key}:", *lines[start + 1 :]]
    end = next((i for i in range(start + 1, len(lines)) if _TOP_KEY.match(lines[i])), len(lines))
    if sub is not None:
        inner = next((i for i in range(start + 1, end) if lines[i].rstrip() == sub), None)
        if inner is None:
            return [*lines[:end], sub, item, *lines[end:]]
        start = inner
        end = next(
            (
                i
                for i in range(inner + 1, end)
                if lines[i].strip() and not lines[i].startswith("    ")
            ),
            end,
        )
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # keep blank lines after the block where they were
    return [*lines[:end], item, *lines[end:]]
