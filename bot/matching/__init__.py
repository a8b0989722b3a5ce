"""Recognise which knowledge topic a paste or question is about.

Public surface: ``Matcher`` (build once from a KnowledgeBase), ``Match``, ``Candidate`` and
``Decision`` (plain results), ``MatcherConfig`` (every tuned value), ``normalise`` and
``detect_language``.
"""

from bot.matching.language import detect_language, is_question
from bot.matching.matcher import Matcher
from bot.matching.normalise import normalise
from bot.matching.result import Candidate, Decision, Match
from bot.matching.tuning import DecisionModel, MatcherConfig

__all__ = [
    "Candidate",
    "Decision",
    "DecisionModel",
    "Match",
    "Matcher",
    "MatcherConfig",
    "detect_language",
    "is_question",
    "normalise",
]
