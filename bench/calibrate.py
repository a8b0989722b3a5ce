"""Calibrate the question channel without touching the evaluation set.

Positives: the knowledge base's own questions, each matched by an index built WITHOUT it
(5-fold). Negatives: bench/data/dev_negatives.txt. Prints top-1, wrong-answer and
false-answer rates for a grid of the profile thresholds (PROFILE_COSINE scores 80 with a lead
of PROFILE_LEAD), so thresholds are chosen on data the evaluation set never sees. Held-out
knowledge-base questions are short and terse, so their top-1 is far below real questions':
what matters here is the wrong-answer and false-answer columns.

    .venv/bin/python bench/calibrate.py
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bot.matching.matcher as matcher_module  # noqa: E402
from bot.knowledge import KnowledgeBase, load  # noqa: E402
from bot.matching import Matcher  # noqa: E402

FOLDS = 5


def folds(kb: KnowledgeBase) -> list[tuple[KnowledgeBase, list[tuple[str, str]]]]:
    out = []
    for k in range(FOLDS):
        held: list[tuple[str, str]] = []
        entries = []
        for entry in kb.entries:
            kept = {}
            for lang, questions in entry.questions.items():
                kept[lang] = tuple(q for i, q in enumerate(questions) if i % FOLDS != k)
                held += [(entry.id, q) for i, q in enumerate(questions) if i % FOLDS == k]
            entries.append(replace(entry, questions=kept))
        out.append((KnowledgeBase(tuple(entries)), held))
    return out


def main() -> None:
    kb = load()
    negatives = [
        line.strip()
        for line in (ROOT / "bench" / "data" / "dev_negatives.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    # the thresholds are read when a text is matched, so each index is built once for the grid
    splits = [(Matcher(fold_kb), held) for fold_kb, held in folds(kb)]
    full = Matcher(kb)
    grid = itertools.product((0.12, 0.16, 0.2, 0.24), (1.15, 1.3, 1.5))
    print(f"{'cosine':>7}{'lead':>6}{'q top-1':>9}{'q wrong':>9}{'neg false':>11}")
    for cosine, lead in grid:
        matcher_module.PROFILE_COSINE = cosine
        matcher_module.PROFILE_LEAD = lead
        right = wrong = total = 0
        for m, held in splits:
            for topic, question in held:
                got = m.match(question).topic
                total += 1
                right += got == topic
                wrong += got is not None and got != topic
        false = sum(full.match(text).topic is not None for text in negatives)
        print(
            f"{cosine:>7}{lead:>6}{right / total:>9.1%}{wrong / total:>9.1%}"
            f"{false / len(negatives):>11.1%}"
        )


if __name__ == "__main__":
    main()
