"""Cues: regular expressions from the knowledge base, run over every paste, cheaply.

A paste is checked against every topic's cues; running each pattern over tens of thousands of
characters would cost more than all the rest of matching. Most cues say "this literal text
somewhere" (``ImagePullBackOff``, ``privatelink.azurecr.io``), so each is paired with the
literals one of which must occur for it to match, checked first with plain substring search;
the pattern itself runs only when one is present.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPECIAL = set(".^$*+?{}[]\\|()")
_ESCAPED_LITERAL = set(".^$*+?{}[]\\|()-/ '\"#:=@")
MIN_LITERAL = 3
_INLINE_FLAGS = re.compile(r"\(\?[aiLmsux-]")


@dataclass(frozen=True)
class Cue:
    topic: str
    pattern: re.Pattern[str]
    literals: tuple[str, ...] | None  # None: no prefilter, always run the pattern
    folded: bool  # literals are lower-case and compared with the lower-cased text

    def found(self, text: str, lower: str) -> bool:
        if self.literals is not None:
            haystack = lower if self.folded else text
            if not any(literal in haystack for literal in self.literals):
                return False
        return self.pattern.search(text) is not None


def compile_cue(topic: str, source: str) -> Cue:
    folded = source.startswith("(?i)")
    body = source[4:] if folded else source
    literals = required_literals(body)
    if literals is not None and folded:
        literals = tuple(literal.lower() for literal in literals)
    return Cue(topic, re.compile(source), literals, folded)


def required_literals(body: str) -> tuple[str, ...] | None:
    """One literal per top-level alternative that any match must contain, or None."""
    if _INLINE_FLAGS.search(body):
        return None  # a flag in mid-pattern may change what a literal means
    out = []
    for alternative in _split_top_level(body):
        literal = _longest_literal(alternative)
        if literal is None or len(literal) < MIN_LITERAL:
            return None
        out.append(literal)
    return tuple(out)


def _split_top_level(body: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            end = body.find("]", i + 2)
            i = len(body) if end == -1 else end + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return parts


def _atoms(alternative: str) -> list[tuple[str | None, str]]:
    """The alternative as (literal character or None, the quantifier after it) pairs; a
    group or a class is one non-literal atom, whatever is inside it."""
    atoms: list[tuple[str | None, str]] = []
    i = 0
    while i < len(alternative):
        char = alternative[i]
        literal: str | None = None
        if char == "(":
            i = _group_end(alternative, i)
        elif char == "[":
            end = alternative.find("]", i + 2)
            i = len(alternative) if end == -1 else end + 1
        elif char == "\\":
            escaped = alternative[i + 1 : i + 2]
            literal = escaped if escaped in _ESCAPED_LITERAL else None
            i += 2
        else:
            literal = None if char in _SPECIAL else char
            i += 1
        quantifier = (
            alternative[i : i + 1] if alternative[i : i + 1] in ("?", "*", "+", "{") else ""
        )
        atoms.append((literal, quantifier))
    return atoms


def _group_end(text: str, start: int) -> int:
    depth, i = 0, start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        depth += (text[i] == "(") - (text[i] == ")")
        i += 1
        if depth == 0:
            break
    return i


def _longest_literal(alternative: str) -> str | None:
    """The longest run of plain characters that every match of the alternative contains."""
    runs, run = [], ""
    for literal, quantifier in _atoms(alternative):
        if literal is None or quantifier in ("?", "*", "{"):
            runs.append(run)  # not a character, or one that may be absent: the run ends
            run = ""
        elif quantifier == "+":
            runs.append(run + literal)
            run = ""
        else:
            run += literal
    runs.append(run)
    return max(runs, key=len) or None
