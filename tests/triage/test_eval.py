"""Triage quality on the labelled evaluation set: right topic, or silence when there is none."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import load
from bot.matching import Matcher

CASES = Path(__file__).resolve().parents[1] / "eval" / "cases.jsonl"
MIN_TOP1 = 0.90
MAX_FALSE_ANSWERS = 0.05


def load_cases() -> list[dict[str, Any]]:
    with CASES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def half(case: dict[str, Any]) -> str:
    """A stable split into two halves, so one half can stand in for unseen pastes."""
    digest = hashlib.sha256(case["text"].encode("utf-8")).digest()
    return "a" if digest[0] % 2 == 0 else "b"


@pytest.fixture(scope="module")
def results() -> list[tuple[dict[str, Any], str | None]]:
    matcher = Matcher(load())
    return [(case, matcher.match(case["text"]).topic) for case in load_cases()]


def figures(rows: list[tuple[dict[str, Any], str | None]]) -> tuple[float, float, list[str]]:
    topical = [(c, got) for c, got in rows if c["topic"]]
    silent = [(c, got) for c, got in rows if not c["topic"]]
    misses = [
        f"{c['topic']} ← got {got}: {c['text'][:90]!r}" for c, got in topical if got != c["topic"]
    ]
    misses += [f"none ← got {got}: {c['text'][:90]!r}" for c, got in silent if got is not None]
    top1 = sum(got == c["topic"] for c, got in topical) / len(topical)
    false = sum(got is not None for _, got in silent) / len(silent)
    return top1, false, misses


def test_set_is_large_and_sourced() -> None:
    """The set has at least 150 cases, each with a source, and labels from the catalog."""
    cases = load_cases()
    known = set(load().ids())
    assert len(cases) >= 150
    assert all(c.get("source") for c in cases)
    assert {c["topic"] for c in cases if c["topic"]} <= known
    kinds = Counter(c["topic"] is None for c in cases)
    assert kinds[True] >= 40 and kinds[False] >= 100


def test_accuracy_on_whole_set(results: list[tuple[dict[str, Any], str | None]]) -> None:
    """Top-1 accuracy ≥ 90 % on cases with a topic; answers on ≤ 5 % of cases without one."""
    top1, false, misses = figures(results)
    detail = "\n".join(misses)
    assert top1 >= MIN_TOP1, f"top-1 {top1:.1%}\n{detail}"
    assert false <= MAX_FALSE_ANSWERS, f"false answers {false:.1%}\n{detail}"


@pytest.mark.parametrize("which", ["a", "b"])
def test_accuracy_holds_on_each_half(
    results: list[tuple[dict[str, Any], str | None]], which: str
) -> None:
    """The figures hold on each half alone: no reliance on a few tuned cases."""
    top1, false, misses = figures([r for r in results if half(r[0]) == which])
    assert top1 >= MIN_TOP1 - 0.03, f"half {which}: top-1 {top1:.1%}\n" + "\n".join(misses)
    assert false <= MAX_FALSE_ANSWERS + 0.03, f"half {which}: false {false:.1%}\n" + "\n".join(
        misses
    )
