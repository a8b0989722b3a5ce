"""The renderers' name for the message catalogue, which lives in :mod:`bot.words` (below every
layer, so errors and reports raised deep down can name their sentences too)."""

from __future__ import annotations

from bot.words import LANGUAGES, WORDS, localise, say, words

__all__ = ["LANGUAGES", "WORDS", "localise", "say", "words"]
