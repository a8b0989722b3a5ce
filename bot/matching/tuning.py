"""Every tuned value of the matcher in one frozen object, passed in rather than patched.

``MatcherConfig.default()`` carries the decision model fitted by ``bench/fit.py`` (shipped as
``bot/matching/model.json``); a benchmark or a test builds its own config with
``dataclasses.replace`` instead of mutating module globals.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field
from importlib import resources
from itertools import repeat
from operator import mul
from typing import Any

from bot.matching.segments import SegmentLimits

MODEL_FILE = "model.json"


# The kinds of text with thresholds of their own (bench/fit.py fits one pair for each):
# people's sentences, tool output that names ACR, tool output that names none
THRESHOLD_GROUPS = ("tool", "prose", "no_acr")


def threshold_group(prose: bool, acr: bool) -> str:
    return "prose" if prose else ("tool" if acr else "no_acr")


@dataclass(frozen=True)
class DecisionModel:
    """A conditional-logit choice among candidate topics, plus "none of them".

    Each candidate's utility is ``bias + Σ weight·feature``; "none" has utility 0. The
    probability of a candidate is its share of ``exp(utility)`` against all candidates and
    "none". The bot answers in the channel at ``answer`` or above, offers a private
    suggestion at ``suggest`` or above, and stays silent below.
    """

    weights: dict[str, float]
    bias: float
    answer: float
    suggest: float
    # people's sentences are judged by thresholds of their own (unrelated prose is chatter,
    # far from any topic; unrelated tool output is often another product's look-alike error)
    answer_prose: float | None = None
    suggest_prose: float | None = None
    # and so is tool output that names no ACR host or command: most look-alikes that reach
    # the answer band are such output, while most right answers name the registry
    answer_no_acr: float | None = None
    suggest_no_acr: float | None = None
    info: dict[str, Any] = field(default_factory=dict, compare=False)

    def thresholds(self, prose: bool, acr: bool = True) -> tuple[float, float]:
        group = threshold_group(prose, acr)
        if group == "prose" and self.answer_prose is not None and self.suggest_prose is not None:
            return self.answer_prose, self.suggest_prose
        if group == "no_acr" and self.answer_no_acr is not None:
            return self.answer_no_acr, self.suggest_no_acr or self.suggest
        return self.answer, self.suggest

    def utility(self, features: dict[str, float]) -> float:
        # the same products summed in the same order as a generator would, without its frames
        products: map[float] = map(
            mul, map(self.weights.get, features, repeat(0.0)), features.values()
        )
        return self.bias + sum(products)

    def choose(self, utilities: list[float]) -> list[float]:
        """Probabilities of the candidates (same order); the rest is "none of them"."""
        if not utilities:
            return []
        top = max(*utilities, 0.0)
        exps = [math.exp(u - top) for u in utilities]
        total = math.exp(-top) + sum(exps)
        return [e / total for e in exps]

    def to_json(self) -> dict[str, Any]:
        return {
            "bias": self.bias,
            "weights": dict(sorted(self.weights.items())),
            "answer": self.answer,
            "suggest": self.suggest,
            "answer_prose": self.answer_prose,
            "suggest_prose": self.suggest_prose,
            "answer_no_acr": self.answer_no_acr,
            "suggest_no_acr": self.suggest_no_acr,
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DecisionModel:
        return cls(
            weights={str(k): float(v) for k, v in data["weights"].items()},
            bias=float(data["bias"]),
            answer=float(data["answer"]),
            suggest=float(data["suggest"]),
            answer_prose=_optional(data.get("answer_prose")),
            suggest_prose=_optional(data.get("suggest_prose")),
            answer_no_acr=_optional(data.get("answer_no_acr")),
            suggest_no_acr=_optional(data.get("suggest_no_acr")),
            info=dict(data.get("info", {})),
        )


def _optional(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


@functools.cache
def shipped_model() -> DecisionModel:
    """The model fitted on the real corpus, read once from the package."""
    text = resources.files("bot.matching").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return DecisionModel.from_json(json.loads(text))


@dataclass(frozen=True)
class MatcherConfig:
    model: DecisionModel
    limits: SegmentLimits = field(default_factory=SegmentLimits)
    # how much of a paste is scored
    max_segments: int = 8
    normalise_at_most: int = 40  # pieces of a long paste normalised, after a raw ranking
    error_line_bonus: float = 3.0  # salience of a line that reports an error, in rare words
    short_paste: int = 300  # characters: shorter pastes are also scored as one segment
    max_tokens: int = 400
    # the inverted index that short-lists knowledge strings
    postings_budget: int = 1000
    shortlist: int = 22
    min_recall: float = 0.5  # share of a string's rare words a segment needs before fuzzing
    # string scores
    fragment_exponent: float = 0.25  # a paste much shorter than a signature is a fragment
    code_mismatch: float = 0.8  # a signature's status or error code absent from the paste
    support_min: float = 90.0  # a further signature this good supports its topic
    question_f1_weight: float = 0.7
    # topic profiles
    profile_top: int = 5
    profile_cosine: float = 0.16  # a cosine this strong with this lead scores 80
    profile_lead: float = 1.3
    profile_lead_cap: float = 2.5
    profile_min_words: int = 4
    # candidates handed to the decision
    candidates: int = 6
    example_candidate: float = 0.3  # a real paste this similar makes its topic a candidate

    @classmethod
    def default(cls) -> MatcherConfig:
        return cls(model=shipped_model())
