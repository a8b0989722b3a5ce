"""Slack mrkdwn: text a person typed, repeated in a message, can only ever be text.

Slack reads ``&``, ``<`` and ``>`` as control characters (``<!channel>`` pings a channel,
``<@U…>`` mentions, ``<https://…|label>`` links), a backtick opens or closes a code span and
a newline starts a new line. A message that quotes user text — "`<!channel>` is not a registry
name", an audit line naming the registry argument — passes it through ``quote`` first, so it
cannot ping anyone, close the span it sits in, or forge a line of its own.

Every sentence a user reads (``BotError.user_message`` included) is mrkdwn, in Slack and
elsewhere; entities such as ``&lt;`` are what Slack itself asks for.
"""

from __future__ import annotations

import html
import re

QUOTE_LIMIT = 80
_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


def escape(text: str) -> str:
    """``&``, ``<``, ``>`` as Slack's entities: shown as typed, never read as control."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """User text for inside a sentence or a `code span`: one line, no backticks, escaped,
    at most ``limit`` characters of it."""
    line = _BREAKS.sub(" ", text).replace("`", "'").strip()
    if len(line) > limit:
        line = line[: limit - 1] + "…"
    return escape(line)


def line(text: str, limit: int = 500) -> str:
    """Text that may already be mrkdwn (a sentence that quoted someone) made one safe line:
    entities are read back first, so nothing is escaped twice."""
    return quote(html.unescape(text), limit)
