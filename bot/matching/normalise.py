"""Replace the variable parts of a paste with placeholders, keeping what identifies the error.

Rules run most specific first (a URL before the host inside it, a digest before the hex
number inside it), the same order Sentry and Drain3 use, so a token is masked once, by the
rule that knows most about it. The same function runs over knowledge signatures, so a
signature written with ``<ip>`` meets a paste with ``203.0.113.7`` on equal terms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_INPUT = 40_000  # characters considered per paste; longer dumps are cut before any work
HEAD = 10_000  # of a longer dump, this much of its start is kept, and the rest from its end

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]")


def _has(literal: str) -> Callable[[str], bool]:
    return lambda text: literal in text


# What a rule cannot match without, checked on the text as the earlier rules left it: a
# substring test is much cheaper than a regular expression failing at every position.
_DIGIT = re.compile(r"\d").search


def _date(text: str) -> object:
    return ("-" in text or "/" in text) and _DIGIT(text)


def _time(text: str) -> object:
    return ":" in text and _DIGIT(text)


def _ip(text: str) -> object:
    return "." in text and _DIGIT(text)


_BACKSLASH = _has("\\")
_URL = _has("://")
# the login-server rule changes only a name containing "azur" (see _login_server)
_AZURE = re.compile("azur", re.I).search
_RULES: tuple[tuple[re.Pattern[str], str | None, Callable[[str], object] | None], ...] = (
    # unicode escapes as JSON bodies print them (\u0027 is an apostrophe)
    (re.compile(r"\\u0027"), "'", _BACKSLASH),
    (re.compile(r"\\u0026"), "&", _BACKSLASH),
    (re.compile(r'\\"'), '"', _BACKSLASH),
    # timestamps: 2024-03-01T10:22:33.123Z, 2024/03/01 10:22:33, 10:22:33
    (
        re.compile(
            r"\b\d{4}[-/]\d{2}[-/]\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
            r"(?:Z|[+-]\d{2}:?\d{2})?)?\b"
        ),
        " <time> ",
        _date,
    ),
    (re.compile(r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\b"), " <time> ", _time),
    (re.compile(r"\bsha256:[0-9a-fA-F]{12,64}\b"), "<digest>", _has("sha256:")),
    (
        re.compile(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"
        ),
        "<id>",
        _has("-"),
    ),
    # login servers, including the azureacr.io typo and sovereign clouds; keep the suffix.
    # Each dotted name is taken whole (possessive), then its ending is checked, so a long
    # run of "a.a.a.…" costs one pass instead of one scan per starting position.
    (re.compile(r"(?<![a-z0-9.-])[a-z0-9][a-z0-9.-]*+", re.I), None, _AZURE),
    # image references: the repository, tag and digest after a login server vary per paste
    (
        re.compile(r"(?<!://)(<registry>\.azurecr\.(?:io|cn|us))/[^\s\"'),\]]+"),
        r"\1/<image>",
        _has("<registry>."),
    ),
    # URLs: keep scheme+host shape but drop paths/queries, which vary per request
    (re.compile(r"\bhttps?://(<registry>\.[a-z.]+)[^\s\"')]*", re.I), r"https://\1", _URL),
    (re.compile(r"\bhttps?://aka\.ms/[^\s\"'<>)]*", re.I), "<akams>", _URL),
    (re.compile(r"\bhttps?://(?!<registry>)[^\s\"')]+", re.I), "<url>", _URL),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?::\d{2,5})?\b"), "<ip>", _ip),
    (re.compile(r"\b[0-9a-f]{32,}\b", re.I), "<hex>", None),
    # file paths with two or more segments (/var/lib/docker/..., C:\Users\...)
    (
        re.compile(r"(?<![\w<])(?:[A-Za-z]:\\|~?/)[\w.@-]+(?:[\\/][\w.@-]+)+[\\/]?"),
        "<path>",
        lambda text: "/" in text or "\\" in text,
    ),
    # HTTP status codes decide between topics (401 credentials, 403 network, 429 throttling)
    (
        re.compile(r"(?<![\w<.])(?!(?:4\d\d|5\d\d)(?!\w|\.\d))\d+(?:\.\d+)*(?![\w>])"),
        "<n>",
        _DIGIT,
    ),
)
_PLACEHOLDERS = re.compile(r"<(?:client-ip|ip-address|address)>")
# Placeholders a writer may use in a signature that no rule can produce from a real paste
# (a repository name looks like any word): they are dropped so they cost no alignment.
_FREE_PLACEHOLDER = re.compile(
    r"<(?!(?:ip|time|digest|id|image|url|akams|hex|path|n)>)[a-z-]+>(?!\.azure)"
)
_SPACES = re.compile(r"\s+")


def strip_free_placeholders(normalised: str) -> str:
    """Drop placeholders such as ``<repository>`` from an already normalised signature."""
    return _SPACES.sub(" ", _FREE_PLACEHOLDER.sub(" ", normalised)).strip()


def bounded(text: str) -> str:
    """At most MAX_INPUT characters: the start of a long dump and, mostly, its end, because
    a build or deploy log usually prints the error that stopped it last."""
    if len(text) <= MAX_INPUT:
        return text
    return text[:HEAD] + "\n" + text[-(MAX_INPUT - HEAD - 1) :]


def _masked(text: str) -> str:
    text = _ANSI.sub("", bounded(text))
    return _apply_rules(_PLACEHOLDERS.sub("<ip>", text)).lower()


def _apply_rules(text: str) -> str:
    for pattern, replacement, needed in _RULES:
        if needed is None or needed(text):
            text = pattern.sub(replacement if replacement is not None else _login_server, text)
    return text


_LOGIN_SERVER = re.compile(r"\.(azurecr\.(?:io|cn|us)|azureacr\.io)(?![a-z0-9-])", re.I)


def _login_server(found: re.Match[str]) -> str:
    """``contoso.azurecr.io`` → ``<registry>.azurecr.io``; any other dotted name unchanged."""
    name = found.group(0)
    if "azur" not in name.lower():
        return name
    suffix = _LOGIN_SERVER.search(name)
    if suffix is None or suffix.start() == 0:
        return name
    return f"<registry>.{suffix.group(1)}{name[suffix.end() :]}"


def normalise(text: str) -> str:
    """Lower-cased text with variable tokens replaced by placeholders, spaces folded."""
    return _SPACES.sub(" ", _masked(text)).strip()


def normalise_line(line: str) -> str:
    """One line's normalised form; the caller has already bounded its length."""
    text = _apply_rules(_PLACEHOLDERS.sub("<ip>", _ANSI.sub("", line)))
    # split() and \s share one definition of whitespace: the same as folding runs and stripping
    return " ".join(text.lower().split())
