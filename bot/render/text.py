"""Plain-text (Slack mrkdwn compatible) renderings for the console, the CLI and exports."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.knowledge import LANGUAGES, Entry, KnowledgeBase
from bot.matching import Candidate, Match
from bot.render.words import words

# One /acr subcommand in the help: its usage line and its summary per language.
HelpLine = tuple[str, dict[str, str]]


def bot_command_line(entry: Entry, registry: str | None = None) -> str | None:
    if not entry.bot_command:
        return None
    return f"/acr {entry.bot_command} {registry or '<registry>'}"


def entry_commands(entry: Entry, registry: str | None = None) -> list[str]:
    """The topic's commands, with the registry filled in when the paste named one."""
    return [c.replace("<registry>", registry) if registry else c for c in entry.commands]


def help_lines(lang: str, commands: Sequence[HelpLine]) -> list[str]:
    """One line per /acr subcommand, for the text and the Block Kit help alike."""
    return [f"• `{usage}` — {summary[lang]}" for usage, summary in commands]


def answer_text(entry: Entry, lang: str, registry: str | None = None) -> str:
    """The full answer of one topic as mrkdwn: title, cause, steps, commands, docs."""
    w = words(lang)
    answer = entry.answer[lang]
    parts = [f"*{entry.title[lang]}*", f"*{w['cause']}:* {answer.cause}"]
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(answer.steps, 1))
    parts.append(f"*{w['steps']}:*\n{steps}")
    if entry.commands:
        commands = entry_commands(entry, registry)
        parts.append(f"*{w['commands']}:*\n```\n" + "\n".join(commands) + "\n```")
    line = bot_command_line(entry, registry)
    if line:
        parts.append(f"*{w['bot']}:* `{line}`")
    parts.append(f"*{w['docs']}:* {entry.docs}")
    return "\n\n".join(parts)


def export_entry(entry: Entry) -> dict[str, Any]:
    """The JSON shape of `acrbot kb export --json` (a contract for other tools)."""
    return {
        "id": entry.id,
        "title": dict(entry.title),
        "answer": {lang: answer_text(entry, lang) for lang in LANGUAGES},
        "signatures": list(entry.signatures),
        "questions": {lang: list(entry.questions[lang]) for lang in LANGUAGES},
        "commands": list(entry.commands),
        "docs": entry.docs,
        "bot_command": entry.bot_command,
        "related": list(entry.related),
    }


def candidates_text(
    kb: KnowledgeBase, candidates: list[Candidate] | tuple[Candidate, ...], lang: str
) -> str:
    return "\n".join(
        f"• `{c.topic}` — {kb[c.topic].title[lang]} ({c.score:.0f})" for c in candidates
    )


def match_text(
    kb: KnowledgeBase, match: Match, lang: str | None = None, quiet: bool = False
) -> str:
    """How a person reads a match: the answer, or 'no known answer' with the closest topics."""
    lang = lang or match.language
    w = words(lang)
    if match.topic is None:
        if quiet:
            return ""
        lines: list[str] = [w["no_answer"]]
        if match.alternatives:
            lines += [f"{w['closest']}:", candidates_text(kb, match.alternatives, lang)]
        lines.append(w["try_faq"])
        return "\n".join(lines)
    entry = kb[match.topic]
    text = answer_text(entry, lang, match.registry)
    if match.matched_on:
        text += f"\n\n_{w['why_matched']}: “{match.matched_on}” ({match.score:.0f}/100)_"
    return text


def help_text(
    lang: str,
    commands: Sequence[HelpLine],
    unknown: str | None = None,
    suggestion: str | None = None,
) -> str:
    w = words(lang)
    lines = []
    if unknown:
        lines.append(w["did_you_mean"].format(unknown=unknown))
        if suggestion:
            lines.append(w["suggest"].format(suggestion=suggestion))
        lines.append("")
    lines.append(w["help_title"])
    lines += help_lines(lang, commands)
    return "\n".join(lines)


def faq_text(kb: KnowledgeBase, query: str, candidates: list[Candidate], lang: str = "en") -> str:
    w = words(lang)
    if not candidates:
        return w["faq_none"].format(words=query) + "\n" + w["try_faq"]
    return w["faq_title"].format(words=query) + "\n" + candidates_text(kb, candidates, lang)
