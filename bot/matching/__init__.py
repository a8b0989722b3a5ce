"""Recognise which knowledge topic a paste or question is about.

Public surface: ``Matcher`` (build once from a KnowledgeBase), ``Match`` and ``Candidate``
(plain results), ``normalise`` and ``detect_language``.
"""

from bot.matching.language import detect_language, is_question
from bot.matching.matcher import Candidate, Match, Matcher
from bot.matching.normalise import normalise

__all__ = ["Candidate", "Match", "Matcher", "detect_language", "is_question", "normalise"]
