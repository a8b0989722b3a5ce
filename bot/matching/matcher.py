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

import functools
import heapq
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from bot.knowledge import KnowledgeBase
from bot.matching.language import detect_language, is_question
from bot.matching.normalise import (
    bounded,
    normalise,
    normalise_lines,
    strip_free_placeholders,
)
from bot.matching.profiles import TopicProfiles

_WORD = re.compile(r"<[a-z]+>|[a-zа-яё_][a-zа-яё0-9_]*", re.IGNORECASE)
_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+){1,5}\b")
_STATUS = re.compile(r"(?<![\w.])[45]\d\d(?!\w)")
_REGISTRY_HOST = re.compile(r"\b([a-z0-9]{5,50})\.azurecr\.(?:io|cn|us)\b", re.IGNORECASE)
# Function words and chat fillers: a rare filler ("really", "guys") shared with one knowledge
# string would otherwise look like strong evidence for its topic.
_STOP_WORDS = (
    "a an the to of in on for and or is are be it this that with from at by as was were my "
    "our your we i you me can how why what when where do does did not no but if so get got "
    "have has any there please help us after before into out up "
    "really very just still even also some anyone someone anything something guys folks team "
    "hi hey hello thanks thank tips idea ideas way ways again now today yesterday "
    "would should could will shall might may one all its it's i'm we're they them their "
    "и в на с по не что как для это из у к о а но ли же или при то так мой наш мне нас есть "
    "бы был была было были от до очень просто ещё еще уже вообще всё все вот тут там "
    "ребята коллеги привет спасибо подскажите кто-нибудь кто может можно сегодня вчера опять "
    "снова почему зачем какой какая какие который мы вы они он она оно я ты"
)
_STOP = frozenset(_STOP_WORDS.split())
RU_STEM = 5
EN_STEM = 6
MAX_LINES = 6
MAX_LINE = 1000
SHORT_PASTE = 300  # characters: shorter pastes are scored whole
LONG_PASTE = 2000  # characters: longer pastes pick their lines before normalising
POSTINGS_BUDGET = 2000
MIN_RECALL = 0.5
MAX_TOKENS = 400
SHORTLIST = 30
DEFAULT_THRESHOLD = 80.0
DEFAULT_MARGIN = 4.0
SPECIFICITY_BONUS = 6.0
FRAGMENT_EXPONENT = 0.25
STATUS_MISMATCH = 0.8
SUPPORT_MIN = 90.0
SUPPORT_BONUS = 3.0  # per further signature of the same topic that also matches the paste
CONTEXT_BONUS = 15.0  # at most, for the topic whose vocabulary fits the whole paste best
CONTEXT_SHARPNESS = 3.0
CONTEXT_MIN = 80.0
SUBSUMED_MIN = 80.0  # the containing match must itself be a real match
SUBSUMED_PENALTY = 20.0
DISAGREEMENT_MIN = 60.0
PROFILE_TOP = 5
PROFILE_COSINE = 0.16
PROFILE_LEAD = 1.3
PROFILE_LEAD_CAP = 2.5
PROFILE_MIN_WORDS = 4
QUESTION_F1_WEIGHT = 0.7


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
    tokens: frozenset[str]
    statuses: frozenset[str]  # HTTP status codes in a signature: they must match
    codes: frozenset[str]  # error codes (connectivity_dns_error): they must match too


_CYRILLIC_WORD = re.compile(r"^[а-яё]")
_ENGLISH_ENDINGS = ("ing", "ies", "ed", "es", "s")


@functools.lru_cache(maxsize=1 << 16)  # words repeat across pastes; the cache is bounded
def stem(word: str) -> str:
    """A crude stem: enough to join registry/registries, образ/образы/образов, push/pushing.

    Russian inflects at the end of the word, so a short prefix is a fair stem; English loses
    a regular ending first, then keeps a longer prefix.
    """
    if _CYRILLIC_WORD.match(word):
        return word[:RU_STEM]
    if len(word) > 4 and not word.startswith("<"):
        for ending in _ENGLISH_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                word = word[: -len(ending)]
                break
    return word[:EN_STEM]


def tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text) if w not in _STOP and len(w) > 1]


@dataclass
class _Ranking:
    """Scores from both channels for one text."""

    strings: list[tuple[str, float]]  # signatures and questions, best first
    profile: list[tuple[str, float]]  # topic profiles, best first
    why: dict[str, _Doc]

    def combined(self) -> list[tuple[str, float]]:
        merged = dict(self.profile)
        for topic, score in self.strings:
            merged[topic] = max(score, merged.get(topic, 0.0))
        return sorted(merged.items(), key=lambda kv: kv[1], reverse=True)

    def decide(self, threshold: float, margin: float) -> tuple[str | None, float]:
        """The confident topic, if any.

        Error text decides first: the best string match must clear the threshold and lead
        the next topic by the margin. Otherwise the topic profiles may decide, their lead
        being part of their score, unless some other topic's error text also matched.
        """
        strings = self.strings
        if strings and strings[0][1] >= threshold:
            runner_up = strings[1][1] if len(strings) > 1 else 0.0
            if strings[0][1] - runner_up >= margin:
                return strings[0]
            return None, strings[0][1]
        if self.profile and self.profile[0][1] >= threshold:
            leader = self.profile[0][0]
            rivals = {topic for topic, _ in self.profile[1:2]}
            # the closest wording and the closest vocabulary disagree between two topics:
            # a question sitting between siblings gets no answer rather than a coin toss
            closest, closeness = strings[0] if strings else (None, 0.0)
            if closest != leader and closest in rivals and closeness >= DISAGREEMENT_MIN:
                return None, self.profile[0][1]
            return self.profile[0]
        return None, 0.0


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
        # entries repeat text (shared steps, commands): tokenise each distinct string once
        self.profiles = TopicProfiles.build(
            kb.entries, functools.lru_cache(maxsize=None)(lambda text: tokens(normalise(text)))
        )
        self.docs: list[_Doc] = []
        self.postings: dict[str, list[int]] = defaultdict(list)
        for i, ((topic, kind, original), norm, toks) in enumerate(
            zip(raw, normalised, doc_tokens, strict=True)
        ):
            weight = sum(self.idf[t] for t in toks) or 1.0
            signature = kind == "signature"
            statuses = frozenset(_STATUS.findall(norm)) if signature else frozenset()
            codes = frozenset(_CODE.findall(norm)) if signature else frozenset()
            self.docs.append(
                _Doc(topic, kind, norm, original, weight, frozenset(toks), statuses, codes)
            )
            for tok in toks:
                self.postings[tok].append(i)
        self.inverse_weight = [1.0 / d.weight for d in self.docs]
        self.first_doc: dict[str, int] = {}
        for i, doc in enumerate(self.docs):
            self.first_doc.setdefault(doc.topic, i)

    # -- public -------------------------------------------------------------------------

    def match(self, text: str, threshold: float | None = None) -> Match:
        threshold = self.threshold if threshold is None else threshold
        language = detect_language(text)
        registry = _find_registry(text)
        question = is_question(text)
        ranking = self._rank(self._segments(text))
        combined = ranking.combined()
        if not combined:
            return Match(None, 0.0, language, (), None, None, None, registry, question)
        topic, score = ranking.decide(threshold, self.margin)
        lead_topic, lead_score = (topic, score) if topic else combined[0]
        doc = ranking.why[lead_topic]
        others = [(t, s) for t, s in combined if t != topic][:3]
        return Match(
            topic=topic,
            score=_clamp(lead_score),
            language=language,
            alternatives=tuple(Candidate(t, _clamp(s)) for t, s in others),
            best=Candidate(lead_topic, _clamp(lead_score)),
            matched_on=doc.original,
            matched_kind=doc.kind,
            registry=registry,
            question=question,
            scores={t: _clamp(s) for t, s in combined},
        )

    def search(self, words: str, limit: int = 5, minimum: float = 45.0) -> list[Candidate]:
        """Best topics for `/acr faq <words>`: looser than triage, ranked by score."""
        # a search is a few key words, not a sentence: no penalty for using few of them
        ranked = self._rank(self._segments(words), min_words=1).combined()
        return [Candidate(t, _clamp(s)) for t, s in ranked[:limit] if s >= minimum]

    # -- internals ----------------------------------------------------------------------

    def _segments(self, text: str) -> list[str]:
        """The text to score: all of a short paste, or the most telling lines of a long one."""
        text = bounded(text)
        if len(text) <= LONG_PASTE:
            lines = normalise_lines(text)
            if sum(len(line) for line in lines) <= SHORT_PASTE:
                joined = " ".join(lines)
                return [joined] if joined else []
        else:
            # pick lines on their raw words first, so only a few lines pay for normalisation
            lines = [line for _, line in heapq.nlargest(2 * MAX_LINES, self._salient(text))]
            lines = normalise_lines("\n".join(lines))
        scored = [(self._salience(line[:MAX_LINE]), line[:MAX_LINE]) for line in set(lines)]
        return [line for salience, line in heapq.nlargest(MAX_LINES, scored) if salience > 0]

    def _salient(self, text: str) -> list[tuple[float, str]]:
        seen: set[str] = set()
        out = []
        for raw in text.splitlines():
            line = raw[:MAX_LINE]
            if line in seen:
                continue
            seen.add(line)
            salience = self._salience(line.lower())
            if salience > 0:
                out.append((salience, line))
        return out

    def _salience(self, line: str) -> float:
        """How much rare knowledge-base vocabulary a line carries."""
        return sum(self.idf.get(t, 0.0) for t in set(tokens(line)))

    def _shortlist(self, words: set[str]) -> list[int]:
        """Knowledge strings sharing the most (relative) IDF mass with the text.

        Rare words go first and the number of postings read is capped, so a huge knowledge
        base or a word every entry uses cannot make one paste expensive.
        """
        overlap: dict[int, float] = defaultdict(float)
        budget = POSTINGS_BUDGET
        for tok in sorted(words, key=lambda t: -self.idf.get(t, 0.0)):
            weight = self.idf.get(tok)
            if weight is None or budget <= 0:
                continue
            postings = self.postings[tok][:budget]
            budget -= len(postings)
            for i in postings:
                overlap[i] += weight
        inverse = self.inverse_weight
        return heapq.nlargest(SHORTLIST, overlap, key=lambda i: overlap[i] * inverse[i])

    def _rank(self, segments: list[str], min_words: int = PROFILE_MIN_WORDS) -> _Ranking:
        if not segments:
            return _Ranking([], [], {})
        seg_tokens = [set(tokens(s)[:MAX_TOKENS]) for s in segments]
        union = set().union(*seg_tokens)
        best, why = self._string_scores(segments, seg_tokens, union)
        profile = self._profile_scores(union, best, why, min_words)
        return _Ranking(_prefer_specific(best, why, self.margin), profile, why)

    def _string_scores(
        self, segments: list[str], seg_tokens: list[set[str]], union: set[str]
    ) -> tuple[dict[str, float], dict[str, _Doc]]:
        """Each topic's best signature or question score against the text."""
        seg_weights = [self._weight(toks) for toks in seg_tokens]
        best: dict[str, float] = {}
        why: dict[str, _Doc] = {}
        support: dict[str, int] = defaultdict(int)
        for i in self._shortlist(union):
            doc = self.docs[i]
            score = 0.0
            for seg, toks, seg_weight in zip(segments, seg_tokens, seg_weights, strict=True):
                shared = sum(self.idf[t] for t in doc.tokens & toks)
                # a string whose rare words are mostly absent cannot align well: skip the
                # costly fuzzy comparison
                if shared >= MIN_RECALL * doc.weight:
                    score = max(score, self._score(doc, seg, shared, seg_weight))
            if doc.kind == "signature" and score >= SUPPORT_MIN:
                support[doc.topic] += 1
            if score > best.get(doc.topic, -1.0):
                best[doc.topic] = score
                why[doc.topic] = doc
        for topic, count in support.items():
            best[topic] += SUPPORT_BONUS * min(count - 1, 2)
        return best, why

    def _profile_scores(
        self, union: set[str], best: dict[str, float], why: dict[str, _Doc], min_words: int
    ) -> list[tuple[str, float]]:
        """Topic-profile scores: a tie-breaker for pastes (added to ``best``, the string
        scores) and, returned on their own, the main signal for questions."""
        profile = self.profiles.score(list(union), top=PROFILE_TOP)
        if not profile:
            return []
        leader = max(profile[0][1], 1e-3)
        for topic, cosine in profile:
            # context breaks ties between strings that already match well; it never makes
            # a weak match strong
            if best.get(topic, 0.0) >= CONTEXT_MIN:
                best[topic] += CONTEXT_BONUS * (cosine / leader) ** CONTEXT_SHARPNESS
        runner_up = profile[1][1] if len(profile) > 1 else 0.0
        scored = []
        for rank, (topic, cosine) in enumerate(profile):
            # the leader is judged by its lead over the next topic, the rest by how far
            # behind the leader they are
            lead = cosine / max(runner_up, 1e-3) if rank == 0 else cosine / leader
            # two rare words in common ("github actions") are a coincidence, not a topic
            shared = len(union & self.profiles.asked[topic])
            evidence = min(1.0, shared / min_words) ** 2
            scored.append((topic, evidence * profile_score(cosine, lead)))
            why.setdefault(topic, self.docs[self.first_doc[topic]])
        return scored

    def _weight(self, toks: set[str]) -> float:
        """IDF mass of a segment; words the knowledge base never uses weigh the most."""
        return sum(self.idf.get(t, self.max_idf) for t in toks) or 1.0

    @staticmethod
    def _score(doc: _Doc, segment: str, shared: float, seg_weight: float) -> float:
        recall = min(1.0, shared / doc.weight)  # how much of the knowledge string is present
        if doc.kind == "signature":
            aligned = fuzz.partial_ratio(doc.text, segment)
            # a paste much shorter than the signature is only a fragment of it
            ratio = len(segment) / max(len(doc.text), 1)
            if ratio < 1.0:
                aligned *= max(ratio, 0.1) ** FRAGMENT_EXPONENT
            if doc.statuses and not doc.statuses & set(_STATUS.findall(segment)):
                aligned *= STATUS_MISMATCH  # 401 and 429 differ in three characters only
            if doc.codes and not doc.codes & set(_CODE.findall(segment)):
                aligned *= STATUS_MISMATCH  # CONNECTIVITY_DNS_ERROR is not ..._SSL_ERROR
            # between two signatures that both align, the longer one is the more specific
            specificity = SPECIFICITY_BONUS * min(len(doc.text), 200) / 200
            return float(aligned * (0.7 + 0.3 * recall) + specificity)
        precision = min(1.0, shared / seg_weight)  # how much of the text the question explains
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        fuzzy = fuzz.token_sort_ratio(doc.text, segment)
        return float(QUESTION_F1_WEIGHT * 100 * f1 + (1 - QUESTION_F1_WEIGHT) * fuzzy)


def _prefer_specific(
    best: dict[str, float], why: dict[str, _Doc], margin: float
) -> list[tuple[str, float]]:
    """Rank topics; a topic matched only by text that another strong topic's match contains
    steps well back, because the longer signature explains the paste more specifically (a
    bare `unauthorized: authentication required` inside a Red Hat pull failure, or a bare
    health-check code inside the line that also gives the response code)."""
    ranked = sorted(best.items(), key=lambda kv: kv[1], reverse=True)
    head = ranked[:4]
    demoted: set[str] = set()
    for topic, score in head:
        for other, other_score in head:
            if other == topic or other_score < SUBSUMED_MIN or score - other_score > 4 * margin:
                continue
            inner, outer = why[topic].text, why[other].text
            if len(inner) < len(outer) and inner in outer:
                demoted.add(topic)
    if not demoted:
        return ranked
    adjusted = [(t, s - SUBSUMED_PENALTY if t in demoted else s) for t, s in ranked]
    return sorted(adjusted, key=lambda kv: kv[1], reverse=True)


def profile_score(cosine: float, lead: float) -> float:
    """Map a profile cosine and its lead (ratio to the next topic) to a score (80 = sure).

    Exactly PROFILE_COSINE with a lead of PROFILE_LEAD scores 80, the default threshold:
    chosen from bench/calibrate.py, where ordinary chat and other systems' errors rarely
    reach either.
    """
    lead = min(lead, PROFILE_LEAD_CAP)
    strength = (max(cosine, 0.0) / PROFILE_COSINE) * (lead / PROFILE_LEAD) ** 0.5
    return float(80.0 * strength)


def _clamp(score: float) -> float:
    return max(0.0, min(100.0, score))


def _find_registry(text: str) -> str | None:
    found = _REGISTRY_HOST.search(bounded(text))
    return found.group(1).lower() if found else None
