"""Index the knowledge base once; decide about a paste in bounded time.

How a paste is decided:
1. segments.py picks what to read (every line to its end, noise folded, bounded work) and the
   few segments richest in rare knowledge-base vocabulary are kept;
2. two channels score topics: error text (index.py: signatures and questions, rapidfuzz) and
   topic profiles (profiles.py: TF-IDF over everything an entry says);
3. cues (regular expressions in the knowledge base) mark topics whose specific context the
   paste shows, and signals.py reads what kind of text it is;
4. features.py describes each candidate topic; the decision model fitted on real pastes
   (tuning.py, bench/fit.py) turns them into probabilities: answer in the channel, suggest
   privately, or stay silent.
"""

from __future__ import annotations

import functools
import heapq
import re
from collections import defaultdict

from bot.knowledge import KnowledgeBase
from bot.matching.cues import Cue, compile_cue
from bot.matching.examples import ExampleIndex
from bot.matching.features import Evidence, ProfileHit, features_of, is_prose, names_acr
from bot.matching.index import StringHit, StringIndex
from bot.matching.language import detect_language, is_question
from bot.matching.normalise import normalise
from bot.matching.profiles import TopicProfiles
from bot.matching.result import Candidate, Decision, Match
from bot.matching.search import FaqIndex, search
from bot.matching.segments import distinct_normalised, distinct_windows, is_long, raw_lines
from bot.matching.signals import is_error_line, read_signals
from bot.matching.tuning import MatcherConfig
from bot.matching.words import tokens

_REGISTRY_HOST = re.compile(
    r"(?<![a-z0-9.-])([a-z0-9]{5,50})((?:\.[a-z0-9-]{1,30}){0,2})\.azurecr\.(?:io|cn|us)\b",
    re.IGNORECASE,
)
# what may stand between a registry's name and azurecr.io: a private link, a data endpoint
_HOST_MIDDLE = re.compile(r"^(?:\.privatelink|\.[a-z0-9-]+\.data|\.data)?$", re.IGNORECASE)
_SAMPLE = 60_000  # characters of a paste's read lines that cues and signals look at
_SAMPLE_LINE = 4_000
_SIGNAL_SAMPLE = 20_000
_HEAD_SAMPLE = 3_000


class Matcher:
    """Built once per knowledge base; ``match`` is thread-safe (read-only state, but for a
    memo of the last text's segments that is replaced whole, never changed in place)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        threshold: float | None = None,
        config: MatcherConfig | None = None,
    ) -> None:
        self.kb = kb
        self.config = config or MatcherConfig.default()
        self.set_threshold(threshold)
        self.index = StringIndex(kb, self.config)
        # entries repeat text (shared steps, commands): tokenise each distinct string once
        text_tokens = functools.lru_cache(maxsize=None)(lambda text: tokens(normalise(text)))
        self.profiles = TopicProfiles.build(kb.entries, text_tokens)
        self.faq = FaqIndex(kb, text_tokens)
        self.examples = ExampleIndex(kb.examples)
        self.cues = [
            compile_cue(entry.id, pattern) for entry in kb.entries for pattern in entry.cues
        ]
        self.cues_of: dict[str, list[Cue]] = defaultdict(list)
        for cue in self.cues:
            self.cues_of[cue.topic].append(cue)
        # the bot asks for a paste's segments (a lesson's text) right after matching it
        self._recent: tuple[str, tuple[str, ...]] | None = None

    # -- public -------------------------------------------------------------------------

    def set_threshold(self, threshold: float | None) -> None:
        """The confidence (0–100) an answer in the channel needs; None: the fitted ones."""
        self.override = threshold

    def thresholds(self, prose: bool, acr: bool = True) -> tuple[float, float]:
        """(answer, suggest) confidences for a paste of tool output (naming ACR, ``acr``, or
        not) or, ``prose``, people's sentences: the fitted model has one pair for each."""
        answer, suggest = self.config.model.thresholds(prose, acr)
        if self.override is not None:
            answer = self.override / 100
        return 100 * answer, 100 * min(suggest, answer)

    def match(self, text: str, *, on_demand: bool = False) -> Match:
        """The decision about ``text``; ``on_demand`` (someone asked for triage of this
        message) answers what a channel would only be offered privately."""
        language = detect_language(text)
        # a long paste is lower-cased once, for its error lines and its registry's name
        lower = text.lower() if is_long(text, self.config.limits) else None
        registry = _find_registry(text, lower)
        question = is_question(text)
        features, strings = self._analyse(text, question, lower)
        candidates = self._choose(features)
        if not candidates:
            return Match(None, 0.0, language, registry=registry, question=question)
        ranked = sorted(candidates, key=lambda c: -c.score)
        best = ranked[0]
        hit = strings.get(best.topic)
        chosen = features[best.topic]
        threshold, suggest = self.thresholds(is_prose(chosen), names_acr(chosen))
        if on_demand:
            threshold = suggest
        if best.score >= threshold:
            decision = Decision.ANSWER
        elif best.score >= suggest:
            decision = Decision.SUGGEST
        else:
            decision = Decision.SILENT
        return Match(
            topic=best.topic if decision == Decision.ANSWER else None,
            score=best.score,
            language=language,
            alternatives=tuple(ranked[1:4]),
            best=best,
            matched_on=hit.doc.original if hit else None,
            matched_kind=hit.doc.kind if hit else None,
            registry=registry,
            question=question,
            decision=decision,
            suggestion=best.topic if decision == Decision.SUGGEST else None,
            exact=bool(hit and hit.doc.kind == "signature" and hit.score >= 95),
        )

    def search(self, words: str, limit: int = 5) -> list[Candidate]:
        """Best topics for `/acr faq <words>`."""
        return search(self.faq, self.candidates, words, limit)

    def candidates(self, text: str) -> list[Candidate]:
        """Every candidate topic with the decision's confidence in it (0–100)."""
        return self._choose(self._analyse(text, is_question(text))[0])

    def segments(self, text: str) -> list[str]:
        """The normalised parts of a text that matching reads (what an example keeps)."""
        recent = self._recent
        if recent is not None and recent[0] == text:
            return list(recent[1])
        return self._segments(raw_lines(text, self.config.limits))[0]

    def features(self, text: str) -> dict[str, dict[str, float]]:
        """The candidate topics and what the decision sees about each (for bench/fit.py)."""
        return self._analyse(text, is_question(text))[0]

    # -- internals ----------------------------------------------------------------------

    def _choose(self, features: dict[str, dict[str, float]]) -> list[Candidate]:
        model = self.config.model
        topics = list(features)
        probabilities = model.choose([model.utility(features[t]) for t in topics])
        return [Candidate(t, 100 * p) for t, p in zip(topics, probabilities, strict=True)]

    def _analyse(
        self, text: str, question: bool, lower_text: str | None = None
    ) -> tuple[dict[str, dict[str, float]], dict[str, StringHit]]:
        config = self.config
        lines = raw_lines(text, config.limits, lower_text)
        segments, read, segment_tokens = self._segments(lines)
        self._recent = (text, tuple(segments))
        if not segments:
            # no word the knowledge base knows ("thanks!"): no channel has evidence, so
            # there is no candidate, whatever the signals would say
            return {}, {}
        seg_tokens = [set(toks[: config.max_tokens]) for toks in segment_tokens]
        strings = self.index.best_per_topic(segments, seg_tokens)
        union = set().union(*seg_tokens) if seg_tokens else set()
        profiles = self._profiles(union)
        # the pieces matched on, the start (where people say what they did) and the end
        sample = "\n".join([*read, text[:_HEAD_SAMPLE], _sample(lines)])
        lower = sample.lower()
        # only topics with some evidence can become candidates: only their cues are run
        # in a fixed order (strings', then profiles'), so candidates do not follow hash order
        cues_of = self.cues_of
        cued = {
            topic: None
            for topic in dict.fromkeys([*strings, *profiles])
            if topic in cues_of and any(cue.found(sample, lower) for cue in cues_of[topic])
        }
        neighbours = self.examples.nearest(union)
        # the few best of a few dozen: sorted() gives heapq.nlargest's pick, ties included
        n = config.candidates
        by_string = sorted(strings, key=lambda t: strings[t].score, reverse=True)[:n]
        by_profile = sorted(profiles, key=lambda t: profiles[t].score, reverse=True)[:n]
        topics = list(dict.fromkeys([*by_string, *by_profile]))
        topics += [t for t in cued if t not in topics]
        topics += [
            t
            for t, similarity in neighbours.items()
            if t and t not in topics and similarity >= config.example_candidate
        ]
        # the sample is lower-cased once: a prefix of its lower case is the lower case of its
        # prefix unless some character lower-cases to two (then the lengths differ)
        head = sample[:_SIGNAL_SAMPLE]
        low = lower[:_SIGNAL_SAMPLE] if len(lower) == len(sample) else head.lower()
        signals = read_signals(head, len(text), question, low)
        evidence = Evidence(strings, profiles, cued, self.cues_of, neighbours, signals)
        return features_of(topics, evidence), strings

    def _segments(self, lines: list[str]) -> tuple[list[str], list[str], list[list[str]]]:
        """The text to score: the distinct segments richest in knowledge-base vocabulary;
        a short paste is also scored whole, so a signature split over lines still aligns.
        Also the raw pieces they came from, and the segments' tokens (ranking needed them)."""
        config = self.config
        pieces = distinct_windows(lines, config.limits)
        if len(pieces) > config.normalise_at_most:
            # rank on the raw words first, so only a few pieces pay for normalisation
            pieces = [
                piece
                for _, _, piece in heapq.nlargest(
                    config.normalise_at_most,
                    ((self._salience(p.lower())[0], -i, p) for i, p in enumerate(pieces)),
                )
            ]
        pairs = distinct_normalised(pieces)
        rows = []
        for i, (s, raw) in enumerate(pairs):
            salience, toks = self._salience(s)
            rows.append((salience, -i, s, raw, toks))
        # ranked on salience, then order of appearance (unique, so tokens are never compared);
        # a handful of rows: sorted() gives heapq.nlargest's pick
        ranked = sorted(rows, reverse=True)[: config.max_segments]
        kept = [row for row in ranked if row[0] > 0]
        chosen = [s for _, _, s, _, _ in kept]
        read = [raw for _, _, _, raw, _ in kept]
        chosen_tokens = [toks for _, _, _, _, toks in kept]
        joined = " ".join(s for s, _ in pairs)
        if len(pairs) > 1 and len(joined) <= config.short_paste:
            chosen.append(joined)
            chosen_tokens.append(tokens(joined))
        return chosen, read, chosen_tokens

    def _salience(self, lowered: str) -> tuple[float, list[str]]:
        """Rare knowledge-base vocabulary in a piece, and more for a line that reports an
        error: build steps share many words with the knowledge base, the error is the point.
        Also the piece's tokens, which scoring reuses."""
        toks = tokens(lowered)
        salience = self.index.salience(set(toks))
        if salience and is_error_line(lowered):
            salience += self.config.error_line_bonus * self.index.max_idf
        return salience, toks

    def _profiles(self, union: set[str]) -> dict[str, ProfileHit]:
        config = self.config
        profile = self.profiles.score(sorted(union), top=config.profile_top)
        if not profile:
            return {}
        leader = max(profile[0][1], 1e-3)
        runner_up = profile[1][1] if len(profile) > 1 else 0.0
        hits = {}
        for rank, (topic, cosine) in enumerate(profile):
            # the leader is judged by its lead over the next topic, the rest by how far
            # behind the leader they are
            lead = cosine / max(runner_up, 1e-3) if rank == 0 else cosine / leader
            # two rare words in common ("github actions") are a coincidence, not a topic
            shared = len(union & self.profiles.asked[topic])
            evidence = min(1.0, shared / config.profile_min_words) ** 2
            lead = min(lead, config.profile_lead_cap)
            strength = (max(cosine, 0.0) / config.profile_cosine) * (
                lead / config.profile_lead
            ) ** 0.5
            hits[topic] = ProfileHit(evidence * 80.0 * strength, cosine)
        return hits


def _sample(lines: list[str]) -> str:
    """The read lines (a long paste's head, tail and error lines) that cues and signals
    look at, the end of the text first, since that is where logs print what stopped them."""
    kept: list[str] = []
    size = 0
    for line in reversed(lines):
        kept.append(line[:_SAMPLE_LINE])
        size += len(kept[-1]) + 1
        if size >= _SAMPLE:
            break
    return "\n".join(kept)


def _find_registry(text: str, lower: str | None = None) -> str | None:
    """The registry a paste names (its first ``<name>.azurecr.io``), if any; ``lower`` is the
    text lower-cased, if the caller has it."""
    haystack = text if ".azurecr." in text else (text.lower() if lower is None else lower)
    at = haystack.find(".azurecr.")
    for _ in range(20):  # a placeholder or a wildcard may come before a real name
        if at == -1:
            return None
        found = _REGISTRY_HOST.search(text, max(0, at - 120), at + 12)
        if found and _HOST_MIDDLE.match(found.group(2)):
            return found.group(1).lower()
        at = haystack.find(".azurecr.", at + 1)
    return None
