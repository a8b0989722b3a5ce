"""Word stems shared by every scorer: the same text always yields the same tokens."""

from __future__ import annotations

import functools
import re

# Words, and placeholders such as <ip>, in either case: CASELESS_WORD's matches, with the
# characters its IGNORECASE classes accept spelled out (beyond A-Z and А-ЯЁ: İ ı ſ, the Kelvin
# sign, and the old Cyrillic letters U+1C80–1C86), because IGNORECASE makes the engine fold
# every character it tries, and this runs over every paste. tests/triage/test_normalise.py
# checks that the two accept the same characters.
CASELESS_WORD = re.compile(r"<[a-z]+>|[a-zа-яё_][a-zа-яё0-9_]*", re.IGNORECASE)
_FOLDED_LATIN = "a-zA-Z\u0130\u0131\u017f\u212a"
_LETTER = _FOLDED_LATIN + "а-яА-ЯёЁ\u1c80-\u1c86"
WORD = re.compile(f"<[{_FOLDED_LATIN}]+>|[{_LETTER}_][{_LETTER}0-9_]*")
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
STOP = frozenset(_STOP_WORDS.split())
RU_STEM = 5
EN_STEM = 6
_CYRILLIC_WORD = re.compile(r"^[а-яё]")


@functools.lru_cache(maxsize=1 << 16)  # words repeat across pastes; the cache is bounded
def stem(word: str) -> str:
    """A light stem: enough to join registry/registries, image/images, scan/scanning,
    образ/образы/образов.

    Russian inflects at the end of the word, so a short prefix is a fair stem. English loses
    a plural, then an -ing or -ed (with a doubled consonant undone: scanning → scan), then a
    final e (create/creating), and keeps a longer prefix.
    """
    if _CYRILLIC_WORD.match(word):
        return word[:RU_STEM]
    if word.startswith("<") or len(word) <= 3:
        return word[:EN_STEM]
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for ending, shortest in (("ing", 6), ("ed", 5)):
        if word.endswith(ending) and len(word) >= shortest:
            word = word[: -len(ending)]
            if len(word) > 2 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # scanning → scann → scan (but pull, access stay)
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word[:EN_STEM]


def tokens(text: str) -> list[str]:
    """Stems of the words of an already lower-cased text, function words left out.

    An error code (``connectivity_dns_error``) counts whole, so codes that share a prefix
    stay apart, and by its parts, so "dns" in a question meets the code's "dns".
    """
    out = []
    for word in WORD.findall(text):
        if word in STOP or len(word) < 2:
            continue
        if "_" in word and "_" in word.strip("_"):  # most words have none: skip the copy
            out.append(word)
            out += [stem(part) for part in word.split("_") if len(part) > 1 and part not in STOP]
        else:
            out.append(stem(word))
    return out
