"""Topic profiles: one TF-IDF vector per topic from everything the entry says.

Error signatures catch pastes; people's questions use words no signature has ("how do I let
my CI runner through the firewall"). A profile gathers the topic's title, questions,
signatures, answer and commands into one weighted bag of word stems, so a question is scored
against the whole topic rather than against one phrasing of it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from bot.knowledge import LANGUAGES, Entry

# How much each part of an entry says about what the topic is.
WEIGHTS = {
    "title": 3.0,
    "question": 2.0,
    "signature": 1.0,
    "cause": 0.7,
    "step": 0.4,
    "command": 0.3,
}
ASKED_PARTS = frozenset({"title", "question", "signature"})
# Postings kept per word: enough for any real knowledge base, bounded for a huge synthetic one.
MAX_POSTINGS = 120


def entry_parts(entry: Entry) -> Iterable[tuple[str, str]]:
    for lang in LANGUAGES:
        yield "title", entry.title[lang]
        for question in entry.questions[lang]:
            yield "question", question
        yield "cause", entry.answer[lang].cause
        for step in entry.answer[lang].steps:
            yield "step", step
    for signature in entry.signatures:
        yield "signature", signature
    for command in entry.commands:
        yield "command", command


class TopicProfiles:
    """Cosine similarity between a text and every topic profile, via an inverted index."""

    def __init__(
        self, bags: dict[str, dict[str, float]], asked: dict[str, frozenset[str]] | None = None
    ) -> None:
        self.topics = list(bags)
        # words people use when they ask about the topic (not the answer's own vocabulary)
        self.asked = asked or {topic: frozenset(bag) for topic, bag in bags.items()}
        df: Counter[str] = Counter()
        for bag in bags.values():
            df.update(bag.keys())
        n = max(len(bags), 1)
        self.idf = {tok: math.log(1 + n / count) for tok, count in df.items()}
        self.max_idf = math.log(1 + n)
        postings: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for index, bag in enumerate(bags.values()):
            vector = {t: math.log1p(w) * self.idf[t] for t, w in bag.items() if w > 0}
            norm = math.sqrt(math.fsum(v * v for v in vector.values())) or 1.0
            for tok, value in vector.items():
                postings[tok].append((value / norm, index))
        self.postings = {
            tok: sorted(items, reverse=True)[:MAX_POSTINGS] for tok, items in postings.items()
        }

    @classmethod
    def build(cls, entries: Iterable[Entry], tokenize: Callable[[str], list[str]]) -> TopicProfiles:
        bags: dict[str, dict[str, float]] = {}
        asked: dict[str, frozenset[str]] = {}
        for entry in entries:
            bag: dict[str, float] = defaultdict(float)
            words: set[str] = set()
            for part, text in entry_parts(entry):
                toks = set(tokenize(text))
                for tok in toks:
                    bag[tok] += WEIGHTS[part]
                if part in ASKED_PARTS:
                    words |= toks
            bags[entry.id] = bag
            asked[entry.id] = frozenset(words)
        return cls(bags, asked)

    def score(self, toks: list[str], top: int = 5) -> list[tuple[str, float]]:
        """The ``top`` topics by cosine similarity (0–1) with the text's word stems."""
        counts = Counter(toks)
        query = {t: (1 + math.log(c)) * self.idf.get(t, self.max_idf) for t, c in counts.items()}
        norm = math.sqrt(math.fsum(v * v for v in query.values())) or 1.0
        # sums in a list, cheaper than a dict; every product is positive, so 0.0 means not yet
        # reached, and ``reached`` keeps the order topics were first reached in (ties follow it)
        totals = [0.0] * len(self.topics)
        reached: list[int] = []
        for tok, weight in query.items():
            for value, index in self.postings.get(tok, ()):
                if totals[index]:
                    totals[index] += weight * value
                else:
                    totals[index] = weight * value
                    reached.append(index)
        # what heapq.nlargest would pick, ties included, by a sort that runs in C
        best = sorted(reached, key=totals.__getitem__, reverse=True)[:top]
        return [(self.topics[i], totals[i] / norm) for i in best]
