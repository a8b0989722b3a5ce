"""What teaching gains: lessons from half of the corpus's misses, measured on the other half.

    .venv/bin/python bench/teach.py --cases ../shared/eval/real-pastes.jsonl

For each cross-validation fold (as in bench/fit.py: the knowledge base without the strings
taken from that fold's threads), the fold's misses — a topic not answered right, or unrelated
text answered or suggested — are split by thread into two halves. The people of a channel
"teach" the first half (the right topic, or silence), as single unapproved picks and again as
approved lessons. Then:

- *variants*: each taught paste with another registry, address, time and request id — what a
  team sees the next day;
- *unseen*: the other half's misses, never taught — does a lesson reach other threads?
- *harm*: the fold's cases that were right before — does any lesson break one?
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from fit import (  # noqa: E402
    OWN_CASES,
    Case,
    FeatureCache,
    assign_folds,
    corpus_examples,
    read_cases,
    read_relabels,
)

from bot.knowledge import KnowledgeBase, load  # noqa: E402
from bot.learning import Lessons  # noqa: E402
from bot.matching import Match, Matcher  # noqa: E402
from bot.store import MemoryStore  # noqa: E402

_HOST = re.compile(r"\b[a-z0-9-]+(\.azurecr\.(?:io|cn|us))\b", re.IGNORECASE)
_IP = re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}\b")
_GUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)
_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def variant(text: str) -> str:
    """The same paste from another registry, address, time and request id."""
    text = _HOST.sub(r"otherregistry42\1", text)
    text = _IP.sub("198.51.100.77", text)
    text = _GUID.sub("0a0b0c0d-1111-2222-3333-444455556666", text)
    return _TIME.sub("2027-01-05T03:04:05", text)


def right(case: Case, match: Match) -> bool:
    if case.good:
        return match.topic in case.good
    return match.decision == "silent"


@dataclass
class Tally:
    fixed: int = 0
    total: int = 0

    def __str__(self) -> str:
        share = self.fixed / self.total if self.total else 0.0
        return f"{self.fixed:4}/{self.total:<4} ({share:5.1%})"


def half(case: Case) -> int:
    return hashlib.sha256(case.group.encode()).digest()[0] % 2


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--cases", type=Path, action="append", default=[])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    # the bench keeps its lessons in memory on purpose: the bot's warning about that is noise
    logging.getLogger("bot.learning").setLevel(logging.ERROR)
    cases = read_cases([p for p in [OWN_CASES, *args.cases] if p.exists()], read_relabels())
    fold_of = assign_folds(cases, args.folds)
    kb = load()
    kb = KnowledgeBase(kb.entries, corpus_examples(kb, cases))
    cache = FeatureCache(kb, cases, fold_of)
    results = {
        approve: {"variants": Tally(), "unseen": Tally(), "harm": Tally()}
        for approve in (False, True)
    }
    misses_before = 0
    for k in range(args.folds):
        matcher: Matcher = cache.matcher(frozenset({k}))
        fold = [c for c, f in zip(cases, fold_of, strict=True) if f == k]
        before = {c.id: matcher.match(c.text) for c in fold}
        misses = [c for c in fold if not right(c, before[c.id])]
        misses_before += len(misses)
        taught = [c for c in misses if half(c) == 0]
        unseen = [c for c in misses if half(c) == 1]
        fine = [c for c in fold if right(c, before[c.id])]
        for approve in (False, True):
            lessons = Lessons(MemoryStore(), matcher)
            for n, case in enumerate(taught):
                topic = case.expected if case.good else None
                try:
                    lessons.teach(case.text, topic, by=f"U{n}", approve=approve)
                except ValueError:
                    continue  # nothing the bot reads: nothing to learn
            tally = results[approve]
            for case in taught:
                text = variant(case.text)
                tally["variants"].total += 1
                tally["variants"].fixed += right(case, lessons.apply(text, matcher.match(text)))
            for case in unseen:
                tally["unseen"].total += 1
                tally["unseen"].fixed += right(case, lessons.apply(case.text, before[case.id]))
            for case in fine:
                tally["harm"].total += 1
                tally["harm"].fixed += not right(case, lessons.apply(case.text, before[case.id]))
    print(f"{len(cases)} cases, {args.folds} folds, {misses_before} cross-validated misses")
    print(f"{'':34}{'single picks':>22}{'approved':>22}")
    rows = (
        ("taught pastes' variants now right", "variants"),
        ("other threads' misses now right", "unseen"),
        ("cases right before, now wrong", "harm"),
    )
    for label, key in rows:
        print(f"{label:34}{results[False][key]!s:>22}{results[True][key]!s:>22}")


if __name__ == "__main__":
    main()
