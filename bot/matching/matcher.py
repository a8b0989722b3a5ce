"""Index the knowledge base once; match a paste to a topic in bounded time.

How a paste is scored:
1. normalise it (variable tokens out) and, for long dumps, keep the few lines whose words are
   rarest in the knowledge base: those carry the error, the rest is log noise;
2. a token prefilter (inverted index, IDF weights) picks a short list of knowledge strings;
3. rapidfuzz scores each short-listed string against the kept lines — error signatures by
   partial alignment, questions by token overlap — and each topic keeps its best string;
4. the best topic is an answer only above the threshold and clear of the runner-up.
The per-paste work is capped by the line cut, the token cap and the short-list size, not by
the size of the paste or of the knowledge base.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.knowledge import KnowledgeBase
from bot.matching.language import detect_language, is_question
from bot.matching.normalise import normalise

_WORD = re.compile(r"<[a-z]+>|[a-zа-яё_][a-zа-яё0-9_]*", re.IGNORECASE)
_REGISTRY_HOST = re.compile(r"\b([a-z0-9]{5,50})\.azurecr\.(?:io|cn|us)\b", re.IGNORECASE)
_STOP_WORDS = (
    "a an the to of in on for and or is are be it this that with from at by as was were my "
    "our your we i you me can how why what when where do does did not no but if so get got "
    "have has any there please help us after before into out up "
    "и в на с по не что как для это из у к о а но ли же или при то так мой наш мне нас есть "
    "бы был была было были от до"
)
_STOP = frozenset(_STOP_WORDS.split())
MAX_LINES = 8
MAX_TOKENS = 400
SHORTLIST = 40
DEFAULT_THRESHOLD = 80.0
DEFAULT_MARGIN = 4.0


@dataclass(frozen=True)
class Candidate:
    topic: str
    score: float


@dataclass(frozen=True)
class Match:
    """The outcome of matching one text. ``topic`` is None when no answer is confident."""

    topic: str | None
    score: float
    language: str
    alternatives: tuple[Candidate, ...] = ()
    best: Candidate | None = None
    matched_on: str | None = None
    matched_kind: str | None = None
    registry: str | None = None
    question: bool = False
    scores: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        """The `acrbot match --json` object (a contract: keep the keys)."""
        return {
            "topic": self.topic,
            "score": round(self.score, 1),
            "language": self.language,
            "alternatives": [
                {"topic": c.topic, "score": round(c.score, 1)} for c in self.alternatives
            ],
        }


@dataclass(frozen=True)
class _Doc:
    topic: str
    kind: str  # signature | question
    text: str  # normalised
    original: str
    weight: float  # total IDF weight of its tokens


def stem(word: str) -> str:
    """A crude stem: enough to join registry/registries, образ/образы, push/pushing."""
    return word[:6] if len(word) > 6 else word


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text) if w not in _STOP and len(w) > 1]


class Matcher:
    """Built once per knowledge base; ``match`` is thread-safe (read-only state)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float = DEFAULT_THRESHOLD,
        margin: float = DEFAULT_MARGIN,
    ) -> None:
        self.kb = kb
        self.threshold = threshold
        self.margin = margin
        raw: list[tuple[str, str, str]] = []
        for entry in kb.entries:
            raw += [(entry.id, "signature", s) for s in entry.signatures]
            for lang in entry.questions:
                raw += [(entry.id, "question", q) for q in entry.questions[lang]]
            raw += [(entry.id, "question", entry.title[lang]) for lang in entry.title]
        normalised = [normalise(text) for _, _, text in raw]
        doc_tokens = [set(tokens(n)) for n in normalised]
        df: dict[str, int] = defaultdict(int)
        for toks in doc_tokens:
            for tok in toks:
                df[tok] += 1
        n_docs = max(len(raw), 1)
        self.idf = {tok: math.log(1 + n_docs / count) for tok, count in df.items()}
        self.docs: list[_Doc] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, ((topic, kind, original), norm, toks) in enumerate(
            zip(raw, normalised, doc_tokens, strict=True)
        ):
            weight = sum(self.idf[t] for t in toks) or 1.0
            self.docs.append(_Doc(topic, kind, norm, original, weight))
            for tok in toks:
                self.postings[tok].append(i)

    # -- public -------------------------------------------------------------------------

    def match(self, text: str, threshold: float | None = None) -> Match:
        threshold = self.threshold if threshold is None else threshold
        language = detect_language(text)
        registry = _find_registry(text)
        question = is_question(text)
        segments = self._segments(text)
        ranked, why = self._rank(segments)
        alternatives = tuple(Candidate(t, s) for t, s in ranked[1:4])
        if not ranked:
            return Match(None, 0.0, language, (), None, None, None, registry, question)
        best_topic, best_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confident = best_score >= threshold and best_score - runner_up >= self.margin
        doc = why.get(best_topic)
        return Match(
            topic=best_topic if confident else None,
            score=best_score,
            language=language,
            alternatives=alternatives
            if confident
            else tuple(Candidate(t, s) for t, s in ranked[:3]),
            best=Candidate(best_topic, best_score),
            matched_on=doc.original if doc else None,
            matched_kind=doc.kind if doc else None,
            registry=registry,
            question=question,
            scores=dict(ranked),
        )

    def search(self, words: str, limit: int = 5, minimum: float = 45.0) -> list[Candidate]:
        """Best topics for `/acr faq <words>`: looser than triage, ranked by score."""
        ranked, _ = self._rank(self._segments(words))
        return [Candidate(t, s) for t, s in ranked[:limit] if s >= minimum]

    # -- internals ----------------------------------------------------------------------

    def _segments(self, text: str) -> list[str]:
        normalised = normalise(text)
        if len(normalised) <= 300:
            return [normalised] if normalised else []
        lines = {normalise(line) for line in text[:40_000].splitlines()}
        scored = []
        for line in lines:
            toks = set(tokens(line)[:MAX_TOKENS])
            salience = sum(self.idf.get(t, 0.0) for t in toks)
            if salience > 0:
                scored.append((salience, line[:400]))
        scored.sort(reverse=True)
        return [line for _, line in scored[:MAX_LINES]]

    def _rank(self, segments: list[str]) -> tuple[list[tuple[str, float]], dict[str, _Doc]]:
        if not segments:
            return [], {}
        seg_tokens = [set(tokens(s)[:MAX_TOKENS]) for s in segments]
        overlap: dict[int, float] = defaultdict(float)
        for toks in seg_tokens:
            for tok in toks:
                w = self.idf.get(tok)
                if w is None:
                    continue
                for i in self.postings[tok]:
                    overlap[i] += w
        shortlist = sorted(overlap, key=lambda i: overlap[i] / self.docs[i].weight, reverse=True)
        best: dict[str, float] = {}
        why: dict[str, _Doc] = {}
        for i in shortlist[:SHORTLIST]:
            doc = self.docs[i]
            coverage = min(1.0, overlap[i] / doc.weight)
            score = max(self._score(doc, seg, coverage) for seg in segments)
            if score > best.get(doc.topic, -1.0):
                best[doc.topic] = score
                why[doc.topic] = doc
        ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
        return ranked, why

    @staticmethod
    def _score(doc: _Doc, segment: str, coverage: float) -> float:
        if doc.kind == "signature":
            aligned = fuzz.partial_ratio(doc.text, segment)
            # a paste much shorter than the signature is only a fragment of it
            ratio = len(segment) / max(len(doc.text), 1)
            if ratio < 0.5:
                aligned *= max(ratio / 0.5, 0.3) ** 0.5
            return float(aligned * (0.6 + 0.4 * coverage))
        overlap = fuzz.token_set_ratio(doc.text, segment)
        return float(0.5 * overlap + 50.0 * coverage)


def _find_registry(text: str) -> str | None:
    found = _REGISTRY_HOST.search(text[:40_000])
    return found.group(1).lower() if found else None
