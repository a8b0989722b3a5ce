"""What matching one text produced: plain data for the renderers and the `--json` contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Decision:
    ANSWER = "answer"
    SUGGEST = "suggest"
    SILENT = "silent"


@dataclass(frozen=True)
class Candidate:
    topic: str
    score: float  # 0–100: the decision's confidence that this is the right topic


@dataclass(frozen=True)
class Match:
    """The outcome of matching one text.

    ``topic`` is the answer posted in the channel (None unless the decision is to answer);
    ``suggestion`` is a topic offered privately to the person who pasted.
    """

    topic: str | None
    score: float
    language: str
    alternatives: tuple[Candidate, ...] = ()
    best: Candidate | None = None
    matched_on: str | None = None
    matched_kind: str | None = None
    registry: str | None = None
    question: bool = False
    decision: str = Decision.SILENT
    suggestion: str | None = None
    exact: bool = False  # the best topic's own error text was found in the paste
    taught: str | None = None  # the id of the lesson that decided, if one did

    def to_json(self) -> dict[str, Any]:
        """The `acrbot match --json` object (a contract: keep the keys)."""
        return {
            "topic": self.topic,
            "decision": self.decision,
            "suggestion": self.suggestion,
            "score": round(self.score, 1),
            "language": self.language,
            "alternatives": [
                {"topic": c.topic, "score": round(c.score, 1)} for c in self.alternatives
            ],
        }
