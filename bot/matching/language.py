"""Which language a text is written in, and whether it reads as a question."""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[а-яёА-ЯЁ]")
_LATIN = re.compile(r"[a-zA-Z]")
_QUESTION_WORDS = re.compile(
    r"^\s*(how|why|what|where|when|which|who|can|could|is|are|does|do|should|any|"
    r"как|почему|что|где|когда|какой|какая|какие|можно|ли|зачем|кто|подскажите|помогите)\b",
    re.IGNORECASE,
)
# a question mark that ends a sentence, not one inside a URL's query string
_ASKS = re.compile(r"\?(?:\s|$)")


def detect_language(text: str, default: str = "en") -> str:
    """'ru' when Cyrillic letters make up a real share of the letters, else 'en'.

    Error messages are English even in Russian conversations, so a few Russian words around
    a pasted English error still count as Russian.
    """
    sample = text[:4000]
    if sample.isascii():  # most pastes: no Cyrillic, so one Latin letter decides
        return "en" if _LATIN.search(sample) else default
    cyr = len(_CYRILLIC.findall(sample))
    lat = len(_LATIN.findall(sample))
    if cyr == 0 and lat == 0:
        return default
    if cyr >= 8 or cyr > lat * 0.15:
        return "ru"
    return "en"


def is_question(text: str) -> bool:
    """A human question rather than a machine paste: short, and phrased as a question."""
    stripped = text.strip()
    if not stripped or len(stripped) > 600 or "\n" in stripped.strip("\n"):
        return False
    # people often ask first and explain after: "Does ACR support X? We want to ..."
    return bool(_ASKS.search(stripped)) or bool(_QUESTION_WORDS.match(stripped))
