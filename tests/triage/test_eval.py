"""Triage quality on real pastes: the right topic in the channel, a private suggestion when
unsure, silence on unrelated text. Cross-validated figures come from bench/fit.py; these
guard the shipped model against regressions on the corpus and on the written set."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import load
from bot.matching import Match, Matcher

EVAL = Path(__file__).resolve().parents[1] / "eval"
REAL = EVAL / "real.jsonl"
WRITTEN = EVAL / "cases.jsonl"


def load_cases(path: Path) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    for row in rows:
        row.setdefault("expected", row.get("topic"))
    return rows


def half(case: dict[str, Any]) -> str:
    """A stable split into two halves, so one half can stand in for unseen pastes."""
    digest = hashlib.sha256(case["text"].encode("utf-8")).digest()
    return "a" if digest[0] % 2 == 0 else "b"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load())


@pytest.fixture(scope="module")
def real(matcher: Matcher) -> list[tuple[dict[str, Any], Match]]:
    return [(case, matcher.match(case["text"])) for case in load_cases(REAL)]


@pytest.fixture(scope="module")
def written(matcher: Matcher) -> list[tuple[dict[str, Any], Match]]:
    return [(case, matcher.match(case["text"])) for case in load_cases(WRITTEN)]


def figures(rows: list[tuple[dict[str, Any], Match]]) -> tuple[float, float, float, str]:
    """Answered right and answered-or-suggested right (of cases with a topic), answers on
    cases without one, and the misses for the assertion message."""
    topical = [(c, m) for c, m in rows if c["expected"]]
    silent = [(c, m) for c, m in rows if not c["expected"]]
    right = offered = 0
    misses = []
    for case, match in topical:
        good = {case["expected"], *case.get("also", [])}
        right += match.topic in good
        offered += match.topic in good or match.suggestion in good
        if match.topic not in good:
            misses.append(f"{case['expected']} <- {match.decision} {match.best}")
    false = sum(m.topic is not None for _, m in silent)
    misses += [f"none <- {m.topic}" for _, m in silent if m.topic]
    return (
        right / len(topical),
        offered / len(topical),
        false / max(len(silent), 1),
        "\n".join(misses),
    )


def test_the_real_corpus_is_large_sourced_and_labelled_from_the_catalog() -> None:
    """At least 600 real pastes, each with its public source, labels from the catalog, no
    text twice, and unrelated text among them (chatter, other tools, look-alikes)."""
    cases = load_cases(REAL)
    known = set(load().ids())
    assert len(cases) >= 600
    assert all(c["source"].startswith("https://") for c in cases)
    assert {c["expected"] for c in cases if c["expected"]} <= known
    assert all(set(c.get("also", [])) <= known for c in cases)
    assert len({c["text"] for c in cases}) == len(cases)
    kinds = Counter(c["kind"] for c in cases)
    assert kinds["error-paste"] >= 340 and kinds["hard-negative"] + kinds["negative"] >= 250


def test_real_pastes_are_answered_suggested_or_left_alone(
    real: list[tuple[dict[str, Any], Match]],
) -> None:
    """On the real corpus: most pastes answered with the right topic, nearly all answered or
    suggested, and at most 4 % of unrelated text answered in the channel (the shipped model
    saw these cases: bench/fit.py gives the cross-validated figures; this guards the level)."""
    right, offered, false, misses = figures(real)
    assert right >= 0.72, f"answered right {right:.1%}\n{misses}"
    assert offered >= 0.90, f"answered or suggested right {offered:.1%}\n{misses}"
    assert false <= 0.04, f"answers on unrelated text {false:.1%}\n{misses}"


@pytest.mark.parametrize("which", ["a", "b"])
def test_accuracy_holds_on_each_half(real: list[tuple[dict[str, Any], Match]], which: str) -> None:
    """The figures hold on each half alone: no reliance on a few tuned cases."""
    right, offered, false, misses = figures([r for r in real if half(r[0]) == which])
    assert right >= 0.70 and offered >= 0.88 and false <= 0.06, (
        f"half {which}: {right:.1%} / {offered:.1%} / {false:.1%}\n{misses}"
    )


def test_written_cases_keep_their_level(written: list[tuple[dict[str, Any], Match]]) -> None:
    """The written set (reported apart: it shares wording with the knowledge base) stays
    where it was when the decision was fitted on real text."""
    right, offered, false, misses = figures(written)
    assert right >= 0.76 and offered >= 0.85 and false <= 0.03, (
        f"{right:.1%} / {offered:.1%} / {false:.1%}\n{misses}"
    )
