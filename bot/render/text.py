"""Plain-text (Slack mrkdwn compatible) renderings for the console, the CLI and exports."""

from __future__ import annotations

from bot.commands import SPECS
from bot.knowledge import Entry, KnowledgeBase
from bot.matching import Candidate, Match

LABELS = {
    "en": {
        "cause": "Why",
        "steps": "What to do",
        "commands": "Commands",
        "docs": "Docs",
        "bot": "Let the bot check",
        "why_matched": "Matched on",
        "no_answer": "No known answer for this text.",
        "closest": "Closest topics",
        "try_faq": "Try `/acr faq <words>`.",
        "help_title": "*acr-chatops* — paste an ACR error and I answer in the thread. Commands:",
        "did_you_mean": "Unknown subcommand `{unknown}`.",
        "suggest": "Did you mean `/acr {suggestion}`?",
        "faq_none": "Nothing in the knowledge base matches “{words}”.",
        "faq_title": "Topics for “{words}”:",
    },
    "ru": {
        "cause": "Причина",
        "steps": "Что сделать",
        "commands": "Команды",
        "docs": "Документация",
        "bot": "Проверка ботом",
        "why_matched": "Совпало с",
        "no_answer": "Для этого текста готового ответа нет.",
        "closest": "Ближайшие темы",
        "try_faq": "Попробуйте `/acr faq <слова>`.",
        "help_title": "*acr-chatops* — вставьте ошибку ACR, и я отвечу в треде. Команды:",
        "did_you_mean": "Неизвестная подкоманда `{unknown}`.",
        "suggest": "Возможно, вы имели в виду `/acr {suggestion}`?",
        "faq_none": "В базе знаний нет ничего по запросу «{words}».",
        "faq_title": "Темы по запросу «{words}»:",
    },
}


def bot_command_line(entry: Entry, registry: str | None = None) -> str | None:
    if not entry.bot_command:
        return None
    return f"/acr {entry.bot_command} {registry or '<registry>'}"


def entry_commands(entry: Entry, registry: str | None = None) -> list[str]:
    """The topic's commands, with the registry filled in when the paste named one."""
    return [c.replace("<registry>", registry) if registry else c for c in entry.commands]


def help_lines(lang: str) -> list[str]:
    """One line per /acr subcommand, for the text and the Block Kit help alike."""
    return [f"• `{spec.usage}` — {spec.summary[lang]}" for spec in SPECS.values()]


def answer_text(entry: Entry, lang: str, registry: str | None = None) -> str:
    """The full answer of one topic as mrkdwn: title, cause, steps, commands, docs."""
    words = LABELS[lang]
    answer = entry.answer[lang]
    parts = [f"*{entry.title[lang]}*", f"*{words['cause']}:* {answer.cause}"]
    steps = "\n".join(f"{n}. {step}" for n, step in enumerate(answer.steps, 1))
    parts.append(f"*{words['steps']}:*\n{steps}")
    if entry.commands:
        commands = entry_commands(entry, registry)
        parts.append(f"*{words['commands']}:*\n```\n" + "\n".join(commands) + "\n```")
    line = bot_command_line(entry, registry)
    if line:
        parts.append(f"*{words['bot']}:* `{line}`")
    parts.append(f"*{words['docs']}:* {entry.docs}")
    return "\n\n".join(parts)


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
    words = LABELS[lang]
    if match.topic is None:
        if quiet:
            return ""
        lines = [words["no_answer"]]
        if match.alternatives:
            lines += [f"{words['closest']}:", candidates_text(kb, match.alternatives, lang)]
        lines.append(words["try_faq"])
        return "\n".join(lines)
    entry = kb[match.topic]
    text = answer_text(entry, lang, match.registry)
    if match.matched_on:
        text += f"\n\n_{words['why_matched']}: “{match.matched_on}” ({match.score:.0f}/100)_"
    return text


def help_text(lang: str = "en", unknown: str | None = None, suggestion: str | None = None) -> str:
    words = LABELS[lang]
    lines = []
    if unknown:
        lines.append(words["did_you_mean"].format(unknown=unknown))
        if suggestion:
            lines.append(words["suggest"].format(suggestion=suggestion))
        lines.append("")
    lines.append(words["help_title"])
    lines += help_lines(lang)
    return "\n".join(lines)


def faq_text(kb: KnowledgeBase, words_: str, candidates: list[Candidate], lang: str = "en") -> str:
    words = LABELS[lang]
    if not candidates:
        return words["faq_none"].format(words=words_) + "\n" + words["try_faq"]
    return words["faq_title"].format(words=words_) + "\n" + candidates_text(kb, candidates, lang)
