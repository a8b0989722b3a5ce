"""The error-text channel: every signature and question, indexed once, scored with rapidfuzz.

A token prefilter (inverted index, IDF weights) short-lists the knowledge strings that share
the most rare words with a paste; only those pay for a fuzzy comparison. Signatures score by
partial alignment (the error line is usually inside a longer line), questions by how much
of each other's rare words the two texts share plus token order.
"""

from __future__ import annotations

import functools
import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import repeat

from rapidfuzz import fuzz

from bot.knowledge import KnowledgeBase
from bot.matching.normalise import normalise, strip_free_placeholders
from bot.matching.tuning import MatcherConfig
from bot.matching.words import tokens

STATUS = re.compile(r"(?<![\w.])[45]\d\d(?!\w)")
CODE = re.compile(r"\b[a-z]+(?:_[a-z]+){1,5}\b")
_ROUNDING_MARGIN = 1 - 1e-6


@dataclass(frozen=True)
class Doc:
    topic: str
    kind: str  # signature | question
    text: str  # normalised
    original: str
    weight: float  # total IDF weight of its tokens
    tokens: frozenset[str]
    statuses: frozenset[str]  # HTTP status codes in a signature: they must match
    codes: frozenset[str]  # error codes (connectivity_dns_error): they must match too
    generic: bool = False  # another topic's signature contains this whole signature


@dataclass
class StringHit:
    """A topic's best knowledge string against the paste."""

    score: float
    doc: Doc
    segment: str
    support: int = 0  # further signatures of the topic that also match well


class _Segment:
    """A segment being scored, with what every knowledge string compared to it needs: its
    status and error codes are found once, and only if a string with codes reaches it."""

    def __init__(self, text: str, tokens: set[str], weight: float) -> None:
        self.text = text
        self.tokens = tokens
        self.weight = weight

    @functools.cached_property
    def statuses(self) -> set[str]:
        return set(STATUS.findall(self.text))

    @functools.cached_property
    def codes(self) -> set[str]:
        return set(CODE.findall(self.text))


class StringIndex:
    def __init__(self, kb: KnowledgeBase, config: MatcherConfig) -> None:
        self.config = config
        raw: list[tuple[str, str, str]] = []
        for entry in kb.entries:
            raw += [(entry.id, "signature", s) for s in entry.signatures]
            for lang in entry.questions:
                raw += [(entry.id, "question", q) for q in entry.questions[lang]]
            raw += [(entry.id, "question", entry.title[lang]) for lang in entry.title]
        normalised = [
            strip_free_placeholders(normalise(text)) if kind == "signature" else normalise(text)
            for _, kind, text in raw
        ]
        doc_tokens = [set(tokens(n)) for n in normalised]
        df: dict[str, int] = defaultdict(int)
        for toks in doc_tokens:
            for tok in toks:
                df[tok] += 1
        n_docs = max(len(raw), 1)
        self.idf = {tok: math.log(1 + n_docs / count) for tok, count in df.items()}
        self.max_idf = math.log(1 + n_docs)
        self.docs: list[Doc] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, ((topic, kind, original), norm, toks) in enumerate(
            zip(raw, normalised, doc_tokens, strict=True)
        ):
            weight = math.fsum(self.idf[t] for t in toks) or 1.0
            signature = kind == "signature"
            self.docs.append(
                Doc(
                    topic=topic,
                    kind=kind,
                    text=norm,
                    original=original,
                    weight=weight,
                    tokens=frozenset(toks),
                    statuses=frozenset(STATUS.findall(norm)) if signature else frozenset(),
                    codes=frozenset(CODE.findall(norm)) if signature else frozenset(),
                )
            )
            for tok in toks:
                self.postings[tok].append(i)
        self.inverse_weight = [1.0 / d.weight for d in self.docs]
        # the order the short-list reads words in, rare ones first
        order = sorted(self.idf, key=lambda t: (-self.idf[t], t))
        self.rarest_first = {tok: rank for rank, tok in enumerate(order)}
        self._mark_generic()

    def _mark_generic(self) -> None:
        """A signature that is part of another topic's longer signature is the generic form
        of that error (a bare `unauthorized: authentication required`). Only signatures
        sharing the signature's rarest word can contain it, so only those are compared."""
        for i, doc in enumerate(self.docs):
            if doc.kind != "signature" or len(doc.text) < 12 or not doc.tokens:
                continue
            rarest = max(doc.tokens, key=lambda t: self.idf[t])
            for j in self.postings[rarest]:
                other = self.docs[j]
                if (
                    other.kind == "signature"
                    and other.topic != doc.topic
                    and len(other.text) > len(doc.text)
                    and doc.text in other.text
                ):
                    self.docs[i] = replace(doc, generic=True)
                    break

    def salience(self, segment_tokens: set[str]) -> float:
        """How much rare knowledge-base vocabulary a segment carries."""
        return math.fsum(map(self.idf.get, segment_tokens, repeat(0.0)))

    def weight(self, toks: set[str]) -> float:
        """IDF mass of a segment; words the knowledge base never uses weigh the most."""
        return math.fsum(map(self.idf.get, toks, repeat(self.max_idf))) or 1.0

    def best_per_topic(
        self, segments: list[str], seg_tokens: list[set[str]]
    ) -> dict[str, StringHit]:
        """Each topic's best signature or question against any of the segments."""
        config = self.config
        union = set().union(*seg_tokens) if seg_tokens else set()
        read = [
            _Segment(seg, toks, self.weight(toks))
            for seg, toks in zip(segments, seg_tokens, strict=True)
        ]
        # fsum is exactly rounded, so the order the shared words are summed in is immaterial
        idf = self.idf.__getitem__
        min_recall = config.min_recall
        best: dict[str, StringHit] = {}
        support: dict[str, int] = defaultdict(int)
        for i in self._shortlist(union):
            doc = self.docs[i]
            doc_tokens = doc.tokens
            needed = min_recall * doc.weight
            # a string's score below ``matters`` changes nothing: not its topic's best hit,
            # which it must beat, nor the topic's support, which it must reach
            hit = best.get(doc.topic)
            matters = -math.inf if hit is None else hit.score
            if doc.kind == "signature":
                matters = min(matters, config.support_min)
            score, where = 0.0, ""
            for segment in read:
                shared = math.fsum(map(idf, doc_tokens & segment.tokens))
                # a string whose rare words are mostly absent cannot align well: skip the
                # costly fuzzy comparison
                if shared >= needed:
                    value = self._score(doc, segment, shared, max(score, matters))
                    if value > score:
                        score, where = value, segment.text
            if doc.kind == "signature" and score >= config.support_min:
                support[doc.topic] += 1
            hit = best.get(doc.topic)
            if hit is None or score > hit.score:
                best[doc.topic] = StringHit(score, doc, where)
        for topic, count in support.items():
            best[topic].support = count - 1
        return {topic: hit for topic, hit in best.items() if hit.score > 0}

    def _shortlist(self, words: set[str]) -> list[int]:
        """Knowledge strings sharing the most (relative) IDF mass with the text.

        Rare words go first and the number of postings read is capped, so a huge knowledge
        base or a word every entry uses cannot make one paste expensive.
        """
        overlap: dict[int, float] = {}
        budget = self.config.postings_budget
        idf = self.idf
        for tok in sorted([t for t in words if t in idf], key=self.rarest_first.__getitem__):
            if budget <= 0:
                break
            weight = idf[tok]
            postings = self.postings[tok]
            if len(postings) > budget:
                postings = postings[:budget]  # copied only when cut
            budget -= len(postings)
            for i in postings:
                # a plain dict and a test: cheaper than defaultdict calling float() per string
                if i in overlap:
                    overlap[i] += weight
                else:
                    overlap[i] = weight
        return [i for _, i in _largest(overlap, self.inverse_weight, self.config.shortlist)]

    def _score(self, doc: Doc, segment: _Segment, shared: float, floor: float) -> float:
        """The string's score against the segment; a signature's may be 0 instead when it
        would be below ``floor``, which lets rapidfuzz give up early on a poor alignment."""
        config = self.config
        recall = min(1.0, shared / doc.weight)  # how much of the knowledge string is present
        text = segment.text
        if doc.kind == "signature":
            # a paste much shorter than the signature is only a fragment of it
            ratio = len(text) / max(len(doc.text), 1)
            fragment = max(ratio, 0.1) ** config.fragment_exponent if ratio < 1.0 else 1.0
            # 401 and 429 differ in three characters only
            status_differs = doc.statuses and not doc.statuses & segment.statuses
            # CONNECTIVITY_DNS_ERROR is not ..._SSL_ERROR
            code_differs = doc.codes and not doc.codes & segment.codes
            mismatch = config.code_mismatch ** (bool(status_differs) + bool(code_differs))
            scale = fragment * mismatch * (0.7 + 0.3 * recall)
            # the alignment the score needs to reach ``floor``, a hair lower so rounding in
            # the products below cannot turn a score that matters into a 0
            cutoff = floor / scale * _ROUNDING_MARGIN if floor > 0 and scale > 0 else 0.0
            if cutoff > 100:
                return 0.0
            return float(fuzz.partial_ratio(doc.text, text, score_cutoff=cutoff) * scale)
        # how much of the text the question explains
        precision = min(1.0, shared / segment.weight)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        fuzzy = fuzz.token_sort_ratio(doc.text, text)
        weight = config.question_f1_weight
        return float(weight * 100 * f1 + (1 - weight) * fuzzy)


def _largest(overlap: dict[int, float], inverse: list[float], n: int) -> list[tuple[float, int]]:
    """``heapq.nlargest(n, ((mass * inverse[i], i) for i, mass in overlap.items()))``, the
    same list, for hundreds of strings per paste: a string is compared with the heap's least
    by its score alone, and becomes a tuple only when it enters."""
    if n <= 0:
        return []
    items = iter(overlap.items())
    heap: list[tuple[float, int]] = []
    for i, mass in items:
        heap.append((mass * inverse[i], i))
        if len(heap) >= n:
            break
    heapq.heapify(heap)
    if heap:
        low, low_i = heap[0]
        for i, mass in items:
            score = mass * inverse[i]
            if score > low or (score == low and i > low_i):
                heapq.heapreplace(heap, (score, i))
                low, low_i = heap[0]
    heap.sort(reverse=True)
    return heap
