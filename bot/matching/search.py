"""`/acr faq <words>`: topics ranked by what the words mean for each topic.

A search is a few key words, not a paste. Each topic is ranked by how much of the query's
information (IDF over topics) it covers, counting a word more when the topic is *about* it
(its title and the questions people ask) than when the word merely occurs somewhere in its
error strings or its answer. So "quota" finds the quota topics first, not a timeout whose
error text happens to say "exceeded".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable

from bot.knowledge import LANGUAGES, Entry, KnowledgeBase
from bot.matching.normalise import normalise
from bot.matching.result import Candidate
from bot.matching.words import tokens

# How far one word can speak for a topic, by where the topic uses it: a topic is about the
# words of its title and of the questions people ask, much less about every word of its error
# strings or answer. ``per_hit`` is what one use adds, up to the cap.
FIELD_CAPS = {"title": 1.0, "question": 0.9, "signature": 0.5, "answer": 0.3}
FIELD_PER_HIT = {"title": 1.0, "question": 0.45, "signature": 0.25, "answer": 0.1}
MINIMUM = 40.0  # share (0–100) of the query's information a topic must cover


class FaqIndex:
    def __init__(self, kb: KnowledgeBase, text_tokens: Callable[[str], list[str]]) -> None:
        coverage: dict[str, dict[str, float]] = {}
        for entry in kb.entries:
            per_field: dict[str, Counter[str]] = {}
            for field, texts in _fields(entry):
                counts: Counter[str] = Counter()
                for text in texts:
                    counts.update(set(text_tokens(text)))
                per_field[field] = counts
            words = set().union(*per_field.values())
            coverage[entry.id] = {
                word: max(
                    min(FIELD_CAPS[f], FIELD_PER_HIT[f] * counts[word])
                    for f, counts in per_field.items()
                )
                for word in words
            }
        df: Counter[str] = Counter()
        for words_of_topic in coverage.values():
            df.update(words_of_topic.keys())
        n = max(len(coverage), 1)
        self.idf = {tok: math.log(1 + n / count) for tok, count in df.items()}
        self.postings: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for topic, words_of_topic in coverage.items():
            for tok, value in words_of_topic.items():
                self.postings[tok].append((topic, value))

    def rank(self, words: str) -> list[tuple[str, float]]:
        query = [t for t in dict.fromkeys(tokens(normalise(words))) if t in self.idf]
        total = sum(self.idf[t] for t in query)
        if not total:
            return []
        scores: dict[str, float] = defaultdict(float)
        for tok in query:
            for topic, value in self.postings[tok]:
                scores[topic] += self.idf[tok] * value
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(topic, 100 * score / total) for topic, score in ranked]


def _fields(entry: Entry) -> list[tuple[str, list[str]]]:
    return [
        ("title", [entry.title[lang] for lang in LANGUAGES]),
        ("question", [q for lang in LANGUAGES for q in entry.questions[lang]]),
        ("signature", list(entry.signatures)),
        (
            "answer",
            [entry.answer[lang].cause for lang in LANGUAGES]
            + [s for lang in LANGUAGES for s in entry.answer[lang].steps],
        ),
    ]


def search(
    index: FaqIndex,
    triage: Callable[[str], list[Candidate]],
    words: str,
    limit: int = 5,
) -> list[Candidate]:
    """Best topics for `/acr faq <words>`; a pasted error string also counts its match."""
    ranked = dict(index.rank(words))
    if len(words) > 40:  # a whole error line: the triage decision knows it best
        for candidate in triage(words):
            ranked[candidate.topic] = max(ranked.get(candidate.topic, 0.0), candidate.score)
    best = sorted(ranked.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Candidate(t, min(100.0, s)) for t, s in best[:limit] if s >= MINIMUM]
