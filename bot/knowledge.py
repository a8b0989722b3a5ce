"""Load and validate the knowledge base (``knowledge/*.yaml``) into immutable entries.

Validation collects every problem, each naming the file, the field and what is wrong, so
``acrbot kb lint`` can list them all at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.errors import KnowledgeError, KnowledgeProblem
from bot.words import LANGUAGES as SPOKEN

LANGUAGES = SPOKEN  # every entry is written in each language the bot speaks (bot.words)
# The C parser when PyYAML was built with libyaml: the same data, about twenty times faster.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_KNOWN_KEYS = frozenset(
    {
        "id",
        "title",
        "signatures",
        "questions",
        "answer",
        "commands",
        "docs",
        "bot_command",
        "related",
        "cues",
    }
)
MIN_QUESTIONS = 3


@dataclass(frozen=True)
class Answer:
    """What to tell a user in one language: why it happens and what to do."""

    cause: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One knowledge topic."""

    id: str
    title: dict[str, str]
    signatures: tuple[str, ...]
    questions: dict[str, tuple[str, ...]]
    answer: dict[str, Answer]
    commands: tuple[str, ...]
    docs: str
    bot_command: str | None
    related: tuple[str, ...]
    # where a signature or question came from, when it was taken from a real report: the
    # cross-validation in bench/fit.py leaves out strings whose source is being tested
    sources: Mapping[str, str] = field(default_factory=dict)
    # regular expressions over the raw paste that point at this topic rather than a more
    # general one (an upper-case login server, a kubelet pull event)
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Example:
    """A real paste whose right outcome is known: a topic, or silence (``topic`` None).

    Only its normalised lines are kept (variable parts masked), never the raw paste.
    """

    id: str
    topic: str | None
    lines: tuple[str, ...]
    source: str | None = None


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[Entry, ...]
    examples: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {e.id: e for e in self.entries})

    def get(self, topic_id: str) -> Entry | None:
        by_id: dict[str, Entry] = self._by_id  # type: ignore[attr-defined]
        return by_id.get(topic_id)

    def __getitem__(self, topic_id: str) -> Entry:
        entry = self.get(topic_id)
        if entry is None:
            raise KeyError(topic_id)
        return entry

    def __len__(self) -> int:
        return len(self.entries)

    def ids(self) -> list[str]:
        return [e.id for e in self.entries]


def default_directory() -> Path:
    """Where the shipped knowledge base lives (inside the installed package)."""
    return Path(str(resources.files("knowledge")))


def read_catalog(directory: Path) -> list[str]:
    path = directory / "catalog.txt"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def load(directory: Path | None = None) -> KnowledgeBase:
    """Load every entry, or raise KnowledgeError listing every problem found."""
    entries, examples, problems = _parse(directory or default_directory())
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(tuple(sorted(entries, key=lambda e: e.id)), examples)


EXAMPLES_FILE = "examples.jsonl"


def read_examples(
    directory: Path, topics: set[str], problems: list[KnowledgeProblem]
) -> tuple[Example, ...]:
    """The labelled real pastes shipped beside the topics (written by bench/fit.py --write)."""
    path = directory / EXAMPLES_FILE
    if not path.exists():
        return ()
    examples = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError:
            problems.append(KnowledgeProblem(EXAMPLES_FILE, where, "not valid JSON"))
            continue
        topic = raw.get("topic") if isinstance(raw, dict) else None
        lines = raw.get("lines") if isinstance(raw, dict) else None
        if topic is not None and topic not in topics:
            problems.append(KnowledgeProblem(EXAMPLES_FILE, where, f"unknown topic {topic!r}"))
            continue
        if not isinstance(lines, list) or not all(isinstance(x, str) for x in lines):
            problems.append(KnowledgeProblem(EXAMPLES_FILE, where, "lines must be strings"))
            continue
        examples.append(Example(str(raw.get("id", number)), topic, tuple(lines), raw.get("source")))
    return tuple(examples)


def check(
    directory: Path | None = None, bot_commands: Collection[str] | None = None
) -> tuple[list[Entry], list[KnowledgeProblem]]:
    """Parse and validate; return the good entries and every problem (for `kb lint`).

    ``bot_commands`` are the /acr commands a topic may offer to run (the command table's,
    given by the door that lints); without them ``bot_command`` is not checked.
    """
    entries, _, problems = _parse(directory or default_directory(), bot_commands)
    return entries, problems


def _parse(
    directory: Path, bot_commands: Collection[str] | None = None
) -> tuple[list[Entry], tuple[Example, ...], list[KnowledgeProblem]]:
    """The good entries, the examples and every problem, each file read once."""
    catalog = read_catalog(directory)
    catalogued = set(catalog)
    problems: list[KnowledgeProblem] = []
    entries: list[Entry] = []
    seen: dict[str, str] = {}
    files = sorted(directory.glob("*.yaml"))
    if not files:
        problems.append(KnowledgeProblem(str(directory), "-", "no *.yaml entries found"))
    for path in files:
        raw = _read(path, problems)
        if raw is None:
            continue
        topic = raw.get("id")
        if isinstance(topic, str) and topic in seen:
            problems.append(
                KnowledgeProblem(path.name, "id", f"duplicate id {topic!r} (also in {seen[topic]})")
            )
            continue
        if isinstance(topic, str):
            seen[topic] = path.name
        entry = _validate(path.name, raw, catalogued, problems, bot_commands)
        if entry is not None:
            entries.append(entry)
    for topic in catalog:
        if topic not in seen:
            problems.append(
                KnowledgeProblem("catalog.txt", topic, "catalog topic has no entry file")
            )
    known = set(seen)
    examples = read_examples(directory, known, problems)
    for entry in entries:
        for rel in entry.related:
            if rel not in known:
                problems.append(
                    KnowledgeProblem(f"{entry.id}.yaml", "related", f"unknown id {rel!r}")
                )
    return entries, examples, problems


def _read(path: Path, problems: list[KnowledgeProblem]) -> dict[str, Any] | None:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - safe
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(KnowledgeProblem(path.name, "-", f"not valid YAML: {exc}".splitlines()[0]))
        return None
    if not isinstance(data, dict):
        problems.append(KnowledgeProblem(path.name, "-", "must be a mapping of fields"))
        return None
    return data


class _Fields:
    """Typed accessors that record a problem instead of raising."""

    def __init__(self, name: str, raw: dict[str, Any], problems: list[KnowledgeProblem]) -> None:
        self.name = name
        self.raw = raw
        self.problems = problems

    def bad(self, field: str, problem: str) -> None:
        self.problems.append(KnowledgeProblem(self.name, field, problem))

    def string(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.bad(field, "missing or empty text")
            return ""
        return value.strip()

    def sourced(self, value: Any, field: str, sources: dict[str, str]) -> tuple[str, ...]:
        """Strings, each either plain text or ``{text: ..., source: <url>}``."""
        if value is None:
            return ()
        if not isinstance(value, list):
            self.bad(field, "must be a list of strings (or {text, source} mappings)")
            return ()
        out = []
        for i, item in enumerate(value):
            where = f"{field}[{i}]"
            if isinstance(item, dict):
                unknown = set(item) - {"text", "source"}
                if unknown:
                    self.bad(where, f"unknown keys {sorted(unknown)} (use text and source)")
                text = self.string(item.get("text"), f"{where}.text")
                source = self.string(item.get("source"), f"{where}.source")
                if source and not source.startswith("https://"):
                    self.bad(f"{where}.source", "must be an https:// address")
                if text and source:
                    sources[text] = source
            else:
                text = self.string(item, where)
            if text:
                out.append(text)
        return tuple(out)

    def patterns(self, value: Any, field: str) -> tuple[str, ...]:
        items = self.strings(value, field)
        for i, pattern in enumerate(items):
            problem = pattern_problem(pattern)
            if problem:
                self.bad(f"{field}[{i}]", problem)
        return items

    def strings(self, value: Any, field: str, allow_empty: bool = True) -> tuple[str, ...]:
        if value is None:
            value = []
        if not isinstance(value, list):
            self.bad(field, "must be a list of strings")
            return ()
        items = tuple(self.string(v, f"{field}[{i}]") for i, v in enumerate(value))
        if not items and not allow_empty:
            self.bad(field, "must not be empty")
        return tuple(i for i in items if i)

    def per_language(self, field: str) -> dict[str, Any]:
        value = self.raw.get(field)
        if not isinstance(value, dict):
            self.bad(field, f"missing: needs one value per language ({', '.join(LANGUAGES)})")
            return {}
        for lang in LANGUAGES:
            if lang not in value:
                self.bad(f"{field}.{lang}", "missing language")
        for lang in value:
            if lang not in LANGUAGES:
                self.bad(f"{field}.{lang}", f"unknown language (use {', '.join(LANGUAGES)})")
        return value


def _validate(
    name: str,
    raw: dict[str, Any],
    catalog: set[str],
    problems: list[KnowledgeProblem],
    bot_commands: Collection[str] | None,
) -> Entry | None:
    before = len(problems)
    f = _Fields(name, raw, problems)
    for key in raw:
        if key not in _KNOWN_KEYS:
            f.bad(str(key), f"unknown field (known: {', '.join(sorted(_KNOWN_KEYS))})")
    topic = f.string(raw.get("id"), "id")
    if topic and not _ID.match(topic):
        f.bad("id", f"{topic!r} must be lower-case words joined by '-'")
    if topic and catalog and topic not in catalog:
        f.bad("id", f"unknown id {topic!r}: add it to catalog.txt first")
    if topic and name != f"{topic}.yaml":
        f.bad("id", f"file name must be {topic}.yaml")

    titles = f.per_language("title")
    title = {
        lang: f.string(titles.get(lang), f"title.{lang}") for lang in LANGUAGES if lang in titles
    }
    sources: dict[str, str] = {}
    signatures = f.sourced(raw.get("signatures"), "signatures", sources)
    questions_raw = f.per_language("questions")
    questions = {
        lang: f.sourced(questions_raw.get(lang), f"questions.{lang}", sources)
        for lang in LANGUAGES
        if lang in questions_raw
    }
    if not signatures and not any(questions.values()):
        f.bad("signatures", "empty signature list and no questions: nothing to match on")
    for lang, items in questions.items():
        if len(items) < MIN_QUESTIONS:
            f.bad(
                f"questions.{lang}",
                f"needs at least {MIN_QUESTIONS} ways to ask (has {len(items)})",
            )
    answers_raw = f.per_language("answer")
    answer: dict[str, Answer] = {}
    for lang in LANGUAGES:
        block = answers_raw.get(lang)
        if lang not in answers_raw:
            continue
        if not isinstance(block, dict):
            f.bad(f"answer.{lang}", "must have cause and steps")
            continue
        answer[lang] = Answer(
            cause=f.string(block.get("cause"), f"answer.{lang}.cause"),
            steps=f.strings(block.get("steps"), f"answer.{lang}.steps", allow_empty=False),
        )
    docs = f.string(raw.get("docs"), "docs")
    if docs and not docs.startswith("https://learn.microsoft.com/"):
        f.bad("docs", "must link a Microsoft docs page (https://learn.microsoft.com/...)")
    bot_command = raw.get("bot_command")
    if bot_command is not None and not isinstance(bot_command, str):
        f.bad("bot_command", "must be the name of an /acr command")
    elif bot_command is not None and bot_commands is not None and bot_command not in bot_commands:
        f.bad("bot_command", f"{bot_command!r} is not one of {', '.join(bot_commands)}")
    commands = f.strings(raw.get("commands"), "commands")
    related = f.strings(raw.get("related"), "related")
    cues = f.patterns(raw.get("cues"), "cues")
    if len(problems) > before:
        return None
    return Entry(
        id=topic,
        title=title,
        signatures=signatures,
        questions=questions,
        answer=answer,
        commands=commands,
        docs=docs,
        bot_command=bot_command,
        related=related,
        sources=sources,
        cues=cues,
    )


# A cue runs over every paste: nested or adjacent unbounded repeats could backtrack for
# seconds on a hostile 50,000-character text, so they are refused at load time.
_NESTED_REPEAT = re.compile(r"\([^()]*[*+][^()]*\)[*+{]|[*+]\??[^\\]?[*+]")


def pattern_problem(pattern: str) -> str | None:
    """Why a cue pattern is unusable, or None."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc}"
    if _NESTED_REPEAT.search(pattern):
        return "nested or adjacent repeats (e.g. (a+)+) can take seconds on long pastes"
    if len(pattern) > 300:
        return "longer than 300 characters"
    return None
