"""What the decision sees about each candidate topic: numbers between about 0 and 1.

Names are the contract between this module, the fitted model (``model.json``) and the
fitting script (``bench/fit.py``): renaming one means refitting.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from operator import itemgetter

from bot.matching.examples import SILENT
from bot.matching.index import CODE, STATUS, StringHit
from bot.matching.signals import Signals, is_error_line

PROSE = 0.3  # share of function words from which a text reads as people's sentences


def is_prose(features: dict[str, float]) -> bool:
    """People's sentences (a question, a description) rather than a tool's output."""
    return features.get("question", 0.0) >= 1.0 or features.get("prose", 0.0) >= PROSE


def names_acr(features: dict[str, float]) -> bool:
    """The paste names ACR: a login server, `az acr`, the words "container registry"."""
    return features.get("acr", 0.0) >= 1.0


@dataclass(frozen=True)
class ProfileHit:
    score: float  # 0–100-ish: cosine and lead over the next topic, discounted for thin evidence
    cosine: float


@dataclass(frozen=True)
class Evidence:
    """What one paste showed, shared by every candidate topic's features."""

    strings: dict[str, StringHit]
    profiles: dict[str, ProfileHit]
    cued: Collection[str]
    with_cues: Collection[str]
    neighbours: dict[str, float]
    signals: Signals


def features_of(topics: list[str], evidence: Evidence) -> dict[str, dict[str, float]]:
    """Each candidate topic's features. What every topic compares itself with (the best other
    topic of each channel, the strong string matches) is found once for the paste."""
    strings = evidence.strings
    leaders = _Leaders(
        string=_best_other({t: h.score / 100 for t, h in strings.items()}),
        profile=_best_other({t: min(p.score / 100, 1.5) for t, p in evidence.profiles.items()}),
        example=_best_other({t: v for t, v in evidence.neighbours.items() if t != SILENT}),
        strong=[(t, h.doc.text) for t, h in strings.items() if h.score >= 80],
    )
    return {topic: candidate_features(topic, evidence, leaders) for topic in topics}


@dataclass(frozen=True)
class _Leaders:
    string: Callable[[str], float]
    profile: Callable[[str], float]
    example: Callable[[str], float]
    strong: list[tuple[str, str]]  # (topic, matched text) of every string match scoring 80+


def _best_other(values: dict[str, float]) -> Callable[[str], float]:
    """For any topic, the largest value of the other topics (0 if none), from the top two."""
    # heapq.nlargest's pick, ties included (its documented equivalent), for a few values
    ranked = sorted(values.items(), key=itemgetter(1), reverse=True)[:2]
    if not ranked:
        return lambda topic: 0.0
    leader, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    return lambda topic: second if topic == leader else top


def candidate_features(topic: str, evidence: Evidence, leaders: _Leaders) -> dict[str, float]:
    signals = evidence.signals
    hit = evidence.strings.get(topic)
    string = hit.score / 100 if hit else 0.0
    best_other = leaders.string(topic)
    profile_hit = evidence.profiles.get(topic)
    profile = min(profile_hit.score / 100, 1.5) if profile_hit else 0.0
    best_other_profile = leaders.profile(topic)
    signature = 1.0 if hit and hit.doc.kind == "signature" else 0.0
    neighbours = evidence.neighbours
    example = neighbours.get(topic, 0.0)
    best_other_example = leaders.example(topic)
    silent = neighbours.get(SILENT, 0.0)
    cued = evidence.cued
    features = {
        "string": string,
        "string_gap": max(-1.0, min(1.0, string - best_other)),
        "string_top": 1.0 if hit and string >= best_other else 0.0,
        "signature": signature,
        "profile": profile,
        "profile_gap": max(-1.0, min(1.0, profile - best_other_profile)),
        "profile_top": 1.0 if profile_hit and profile >= best_other_profile else 0.0,
        "cue": 1.0 if topic in cued else 0.0,
        "cue_elsewhere": 1.0 if cued and topic not in cued else 0.0,
        # the topic names the context it needs (an upper-case login server, a kubelet event)
        # and this paste lacks it; a question the topic lists as its own needs no context
        "cue_absent": (
            1.0
            if topic in evidence.with_cues
            and topic not in cued
            and not (hit and hit.doc.kind == "question" and string >= 0.9)
            else 0.0
        ),
        "example": example,
        "example_gap": example - best_other_example,
        "example_silent": silent,
        "silent_lead": max(0.0, silent - example),
        "prose": signals.prose,
        "question": signals.question,
        "acr": signals.acr,
        "registry": signals.registry,
        "foreign": signals.foreign,
        "elsewhere": signals.elsewhere,
        "unrelated": signals.unrelated,
        "length": signals.length,
        "failure": signals.failure,
        # how often this topic's best candidacy was right in the real corpus (learned per
        # topic, shrunk hard towards zero: a topic with few cases keeps a neutral prior)
        f"topic:{topic}": 1.0,
    }
    if hit and signature:
        doc = hit.doc
        features["support"] = min(hit.support, 2) / 2
        features["specific"] = min(len(doc.text), 200) / 200
        features["coded"] = (
            1.0
            if (doc.statuses and doc.statuses & set(STATUS.findall(hit.segment)))
            or (doc.codes and doc.codes & set(CODE.findall(hit.segment)))
            else 0.0
        )
        features["error_line"] = 1.0 if is_error_line(hit.segment) else 0.0
        features["explains"] = min(1.0, len(doc.text) / max(len(hit.segment), 1))
        features["subsumed"] = _subsumed(topic, doc.text, leaders.strong)
        features["generic"] = 1.0 if doc.generic else 0.0
        features["exact"] = 1.0 if string >= 0.95 else 0.0
    # interactions a linear model cannot form by itself
    features["string_prose"] = string * signals.prose
    features["profile_prose"] = profile * signals.prose
    features["string_foreign"] = string * signals.foreign
    features["string_elsewhere"] = string * signals.elsewhere
    # neither a failure nor a question: a stand-up note or a hand-over that shares words
    features["profile_no_trouble"] = profile * (1 - signals.failure) * (1 - signals.question)
    features["profile_no_acr"] = profile * (1 - signals.acr)
    features["string_no_acr"] = string * (1 - signals.acr)
    features["string_no_registry"] = string * (1 - signals.registry)
    return features


def _subsumed(topic: str, inner: str, strong: list[tuple[str, str]]) -> float:
    """1 when another topic matched a longer string that contains this topic's whole match:
    the longer signature explains the paste more specifically (a bare `unauthorized:
    authentication required` inside a Red Hat pull failure)."""
    for other, outer in strong:
        if other != topic and len(inner) < len(outer) and inner in outer:
            return 1.0
    return 0.0
