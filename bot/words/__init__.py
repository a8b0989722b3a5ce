"""Every label and sentence the bot shows, in each language it speaks: one catalogue.

The rows live in this package, one module per area (``answers``, ``commands``, ``azure``,
``health``, ``images``), each a ``ROWS`` mapping of key → (English, Russian). A new language
is one more column, a new sentence one more row; a test checks that every row has every
language and the same ``{fields}`` in each.

Two ways to use it:

* ``words(lang)[key].format(**facts)`` — for a renderer that knows the caller's language.
* ``say(key, **facts)`` — a :class:`Message`, for code that does not know the language (an
  error raised deep in the Azure layer, a health check). A Message *is* a ``str`` holding the
  English sentence, so logs, the command log and the ``--json`` contracts read it unchanged;
  a door shows it in the caller's language with :func:`localise`.

Templates are ``str.format`` templates, plus one addition for plurals: ``{count:run|runs}``
picks a form for ``count`` (English: one|other; Russian: one|few|many —
``{count:запуск|запуска|запусков}``); the number itself is written separately.
This module sits below every other one (even ``bot.errors``), so any layer can name a sentence.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from typing import Any

from bot.words import answers, azure, commands, health, images

__all__ = [
    "LANGUAGES",
    "WORDS",
    "Join",
    "Message",
    "Template",
    "decode",
    "encode",
    "localise",
    "plural",
    "say",
    "words",
]

LANGUAGES = ("en", "ru")
ENGLISH = LANGUAGES[0]


class Template(str):
    """One catalogue entry in one language. Its ``format`` understands plural specs and shows
    nested sentences (a :class:`Message` among the facts) in the same language."""

    lang: str

    def __new__(cls, text: str, lang: str) -> Template:
        self = super().__new__(cls, text)
        self.lang = lang
        return self

    def format(self, *args: object, **facts: object) -> str:
        return _Formatter(self.lang).vformat(self, args, facts)


def _columns(*areas: Mapping[str, tuple[str, ...]]) -> dict[str, dict[str, Template]]:
    """The rows of every area as one column per language; a key used twice is a bug."""
    columns: dict[str, dict[str, Template]] = {lang: {} for lang in LANGUAGES}
    for area in areas:
        for key, row in area.items():
            if key in columns[ENGLISH]:
                raise ValueError(f"catalogue key {key!r} is defined twice")
            if len(row) != len(LANGUAGES):
                raise ValueError(f"catalogue row {key!r} needs {len(LANGUAGES)} languages")
            for lang, text in zip(LANGUAGES, row, strict=True):
                columns[lang][key] = Template(text, lang)
    return columns


WORDS: dict[str, dict[str, Template]] = _columns(
    answers.ROWS, commands.ROWS, azure.ROWS, health.ROWS, images.ROWS
)


def words(lang: str) -> dict[str, Template]:
    """The catalogue column for ``lang`` (English for a language the bot does not speak)."""
    return WORDS.get(lang, WORDS[ENGLISH])


def plural(lang: str, count: object, forms: list[str]) -> str:
    """The form of a noun that goes with ``count``: en one|other, ru one|few|many."""
    try:
        n = abs(int(count) if isinstance(count, (int, float)) else int(str(count)))
    except ValueError:
        return forms[-1]
    if lang == "ru" and len(forms) == 3:
        if n % 10 == 1 and n % 100 != 11:
            return forms[0]
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return forms[1]
        return forms[2]
    return forms[0] if n == 1 else forms[-1]


class _Formatter(string.Formatter):
    """str.format in one language: nested sentences in that language, and plural specs."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if hasattr(value, "in_language"):
            value = value.in_language(self.lang)
        if "|" in format_spec:
            return plural(self.lang, value, format_spec.split("|"))
        return str(format(value, format_spec))


def _render(key: str, facts: Mapping[str, object], lang: str) -> str:
    return words(lang)[key].format(**facts)


class Message(str):
    """One sentence of the catalogue with its facts. As a ``str`` it is the English sentence."""

    key: str
    facts: dict[str, object]

    def __new__(cls, key: str, facts: Mapping[str, object]) -> Message:
        self = super().__new__(cls, _render(key, facts, ENGLISH))
        self.key = key
        self.facts = dict(facts)
        return self

    def in_language(self, lang: str) -> str:
        return _render(self.key, self.facts, lang)


class Join(str):
    """Several sentences or phrases as one, each shown in the reader's language."""

    items: tuple[object, ...]
    separator: str

    def __new__(cls, items: Iterable[object], separator: str = "; ") -> Join:
        kept = tuple(items)
        self = super().__new__(cls, separator.join(str(item) for item in kept))
        self.items = kept
        self.separator = separator
        return self

    def in_language(self, lang: str) -> str:
        return self.separator.join(localise(item, lang) for item in self.items)


def say(key: str, /, **facts: object) -> Message:
    """The sentence ``key`` with its facts (a KeyError names a key the catalogue lacks)."""
    return Message(key, facts)


def localise(text: object, lang: str) -> str:
    """``text`` as the reader of ``lang`` should see it: a Message in that language, any
    other string as it is (Azure's own words, a name)."""
    if hasattr(text, "in_language"):
        return str(text.in_language(lang))
    return str(text)


# --- across processes (a cached Azure failure is read by another replica) --------------------
def encode(text: object) -> object:
    """A JSON-ready form of a sentence that keeps it translatable."""
    if isinstance(text, Message):
        return {"say": text.key, "facts": {k: encode(v) for k, v in text.facts.items()}}
    if isinstance(text, Join):
        return {"join": [encode(item) for item in text.items], "separator": text.separator}
    if isinstance(text, (str, int, float, bool)) or text is None:
        return text
    return str(text)


def decode(data: object) -> Any:
    """The sentence :func:`encode` wrote (plain values come back as they were)."""
    if isinstance(data, dict) and "say" in data:
        facts = data.get("facts") or {}
        return say(str(data["say"]), **{str(k): decode(v) for k, v in facts.items()})
    if isinstance(data, dict) and "join" in data:
        return Join([decode(item) for item in data["join"]], str(data.get("separator", "; ")))
    return data
