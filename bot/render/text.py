"""Plain-text (Slack mrkdwn compatible) renderings for the console, the CLI and exports.

An answer shows the values the paste named in place of its placeholders, in the cause, the
steps and the commands alike (``bot.pasted``); "Matched on" appears only when the paste
really contains the signature it matched.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.knowledge import LANGUAGES, Answer, Entry, KnowledgeBase
from bot.matching import Candidate, Match
from bot.mrkdwn import quote
from bot.pasted import NOTHING, Pasted, read
from bot.render.words import words

# One /acr subcommand in the help: its usage line and its summary per language.
HelpLine = tuple[str, dict[str, str]]
# A candidate this sure would have been answered: under "No known answer" it is not listed
# (something else, such as a lesson from the team, decided against it).
SURE = 99.5


def reading(match: Match, paste: str | None = None) -> Pasted:
    """What ``paste`` names for the answer to ``match`` (only the matcher's registry when
    the paste itself is not at hand)."""
    if paste is None:
        return Pasted({"registry": match.registry}) if match.registry else NOTHING
    signature = match.matched_on if match.matched_kind == "signature" else None
    return read(paste, signature, match.registry)


def matched_on(match: Match, pasted: Pasted) -> str | None:
    """The signature to show as what the answer matched on: only one the paste contains."""
    if match.matched_kind == "signature" and pasted.contains_signature:
        return match.matched_on
    return None


def closest(match: Match) -> list[Candidate]:
    """The topics to name under "No known answer": the one the text came closest to, then
    the runner-ups; none after the team taught that the text has no topic, none this sure."""
    if match.taught:
        return []
    seen: set[str] = set()
    found = []
    for candidate in [*([match.best] if match.best else []), *match.alternatives]:
        if candidate.topic not in seen and candidate.score < SURE:
            seen.add(candidate.topic)
            found.append(candidate)
    return found[:3]


def bot_command_line(entry: Entry, pasted: Pasted = NOTHING) -> str | None:
    if not entry.bot_command:
        return None
    return pasted.fill(f"/acr {entry.bot_command} <registry>")


def entry_commands(entry: Entry, pasted: Pasted = NOTHING) -> list[str]:
    """The topic's commands, with what the paste named filled in."""
    return [pasted.fill(command) for command in entry.commands]


def filled_answer(entry: Entry, lang: str, pasted: Pasted = NOTHING) -> Answer:
    """The topic's cause and steps in ``lang``, with what the paste named filled in."""
    answer = entry.answer[lang]
    return Answer(pasted.fill(answer.cause), tuple(pasted.fill(s) for s in answer.steps))


def help_lines(lang: str, commands: Sequence[HelpLine]) -> list[str]:
    """One line per /acr subcommand, for the text and the Block Kit help alike."""
    return [f"• `{usage}` — {summary[lang]}" for usage, summary in commands]


def answer_text(entry: Entry, lang: str, pasted: Pasted = NOTHING) -> str:
    """The full answer of one topic as mrkdwn: title, cause, steps, commands, docs."""
    w = words(lang)
    answer = filled_answer(entry, lang, pasted)
    parts = [f"*{entry.title[lang]}*", f"*{w['cause']}:* {answer.cause}"]
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(answer.steps, 1))
    parts.append(f"*{w['steps']}:*\n{steps}")
    if entry.commands:
        commands = entry_commands(entry, pasted)
        parts.append(f"*{w['commands']}:*\n```\n" + "\n".join(commands) + "\n```")
    line = bot_command_line(entry, pasted)
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
    kb: KnowledgeBase,
    match: Match,
    lang: str | None = None,
    quiet: bool = False,
    paste: str | None = None,
) -> str:
    """How a person reads a match: the answer, or 'no known answer' with the closest topics.
    ``paste`` is the text that was matched: what it names fills the answer's placeholders."""
    lang = lang or match.language
    w = words(lang)
    if match.topic is None:
        if quiet:
            return ""
        lines: list[str] = [w["no_answer"]]
        near = [c for c in closest(match) if kb.get(c.topic)]
        if near:
            lines += [f"{w['closest']}:", candidates_text(kb, near, lang)]
        lines.append(w["try_faq"])
        return "\n".join(lines)
    pasted = reading(match, paste)
    text = answer_text(kb[match.topic], lang, pasted)
    signature = matched_on(match, pasted)
    if signature:
        # a signature of the knowledge base, not the paste: shown as written
        said = w["matched"].format(on=signature, score=f"{match.score:.0f}")
        text += f"\n\n_{said}_"
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
        lines.append(w["did_you_mean"].format(unknown=quote(unknown)))
        if suggestion:
            lines.append(w["suggest"].format(suggestion=suggestion))
        lines.append("")
    lines.append(w["help_title"])
    lines += help_lines(lang, commands)
    return "\n".join(lines)


def faq_text(kb: KnowledgeBase, query: str, candidates: list[Candidate], lang: str = "en") -> str:
    w = words(lang)
    if not candidates:
        return w["faq_none"].format(words=quote(query)) + "\n" + w["try_faq"]
    return w["faq_title"].format(words=quote(query)) + "\n" + candidates_text(kb, candidates, lang)
