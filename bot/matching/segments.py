"""Which parts of a paste to score: every line read to its end, noise folded, bounded work.

A paste is anything from one error line to a megabyte of CI log. The error that matters can
sit anywhere: at the end of a build, in the middle of a 5,000-character JSON line, or between
a thousand lines of progress noise that differ only by their timestamps. So:

1. a text longer than the scan window keeps its head and its tail, plus every line anywhere in
   it that carries an error word (found with plain substring search, which is fast enough for
   a megabyte);
2. long lines are cut into overlapping windows, so no part of a line goes unread;
3. lines are normalised before they are de-duplicated, so repeated noise collapses to one;
4. the caller ranks what is left by how much rare knowledge-base vocabulary it carries and
   scores only the best few.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.matching.normalise import normalise_line

# Error words that almost every failing tool line carries; lower-case substring search.
ERROR_ANCHORS = ("error", "denied", "fail", "unauthorized", "timeout", "forbidden", "refused")


@dataclass(frozen=True)
class SegmentLimits:
    scan_head: int = 10_000  # characters of a long text kept from its start
    scan_tail: int = 30_000  # ... and from its end, where logs print what stopped them
    anchor_lines: int = 400  # lines with an error word kept from the middle of a long text
    anchor_line_chars: int = 4_000  # of each such line, at most this much around the word
    window: int = 400  # long lines are scored in windows of this many characters
    overlap: int = 120  # windows overlap so an error split by a cut is seen whole
    max_windows: int = 2_000  # windows considered per paste, whatever its length


def is_long(text: str, limits: SegmentLimits) -> bool:
    """Whether only part of the text is read (and its error words are searched for)."""
    return len(text) > limits.scan_head + limits.scan_tail


def raw_lines(text: str, limits: SegmentLimits, lower: str | None = None) -> list[str]:
    """The lines worth reading: all of a short text; head, tail and error lines of a long one.
    ``lower`` is the text lower-cased, if the caller has it."""
    if not is_long(text, limits):
        return text.splitlines()
    head = text[: limits.scan_head]
    tail = text[-limits.scan_tail :]
    lower = text.lower() if lower is None else lower
    middle = _anchored_lines(text, lower, len(text) - limits.scan_tail, limits)
    return head.splitlines() + middle + tail.splitlines()


def _anchored_lines(text: str, lower: str, end: int, limits: SegmentLimits) -> list[str]:
    """Lines between the head and ``end`` that contain an error word, last ones preferred."""
    start = limits.scan_head
    found: set[int] = set()
    for anchor in ERROR_ANCHORS:
        at = lower.rfind(anchor, start, end)
        while at != -1 and len(found) < 4 * limits.anchor_lines:
            line_start = lower.rfind("\n", start, at) + 1
            found.add(max(line_start, start))
            at = lower.rfind(anchor, start, line_start) if line_start > start else -1
    half = limits.anchor_line_chars // 2
    lines = []
    for first in sorted(found)[-limits.anchor_lines :]:
        last = text.find("\n", first, end)
        last = end if last == -1 else last
        if last - first > limits.anchor_line_chars:
            # a huge line: keep the part around its first error word
            at = min(
                (p for a in ERROR_ANCHORS if (p := lower.find(a, first, last)) != -1),
                default=first,
            )
            first, last = max(first, at - half), min(last, at + half)  # noqa: PLW2901
        lines.append(text[first:last])
    return lines


def windows(line: str, limits: SegmentLimits) -> Iterator[str]:
    """The line itself when short; else overlapping windows that together cover all of it."""
    if len(line) <= limits.window:
        yield line
        return
    step = limits.window - limits.overlap
    for start in range(0, len(line) - limits.overlap, step):
        piece = line[start : start + limits.window]
        # start and end on word boundaries where one is near, so words are not cut in two
        if start:
            space = piece.find(" ", 0, 40)
            piece = piece[space + 1 :] if space != -1 else piece
        if start + limits.window < len(line):
            space = piece.rfind(" ", len(piece) - 40)
            piece = piece[:space] if space != -1 else piece
        yield piece


_DIGITS = str.maketrans("", "", "0123456789")


def distinct_windows(lines: Iterable[str], limits: SegmentLimits) -> list[str]:
    """Windows of the lines, each once: lines that differ only in their digits (timestamps,
    counters, durations) are one line, so repeated noise cannot crowd out the error."""
    seen: set[str] = set()
    out: list[str] = []
    for line in lines:
        for piece in windows(line, limits):
            key = " ".join(piece.translate(_DIGITS).split())
            if key and key not in seen:
                seen.add(key)
                out.append(piece)
                if len(out) >= limits.max_windows:
                    return out
    return out


def distinct_normalised(pieces: Iterable[str]) -> list[tuple[str, str]]:
    """(normalised, raw) for each piece whose normalised form is new, in the order seen."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for piece in pieces:
        normalised = normalise_line(piece)
        if normalised and normalised not in seen:
            seen.add(normalised)
            out.append((normalised, piece))
    return out
