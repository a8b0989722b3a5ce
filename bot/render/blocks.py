"""Block Kit renderings of triage answers, help and FAQ results.

Only plain dicts come out of here (no Slack imports): handlers pass them to the Web API.
Action ids are defined here once so the renderer and the listeners cannot drift apart.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Sequence
from typing import Any

from bot.knowledge import Entry, KnowledgeBase
from bot.matching import Candidate, Decision, Match
from bot.mrkdwn import quote
from bot.pasted import MAX_VALUE, NOTHING, Pasted
from bot.render.text import (
    HelpLine,
    bot_command_line,
    closest,
    entry_commands,
    filled_answer,
    help_lines,
    matched_on,
    reading,
)
from bot.render.words import words

Block = dict[str, Any]

HELPED = "feedback_helped"
NOT_IT = "feedback_not_it"
PICK_TOPIC = "pick_topic"  # followed by _<n>: one button per runner-up
RUN_COMMAND = "acr_run_command"
FAQ_SHOW = "faq_show"
SHARE = "share_topic"
POST_IN_THREAD = "post_in_thread"
SUGGEST_POST = "suggest_post"  # the private "Is it …?" offer: post the answer in the thread
SUGGEST_NOT_IT = "suggest_not_it"
TEACH_SEARCH = "teach_search"  # after "Not it": any topic, searched by words
TEACH_SILENT = "teach_silent"  # after "Not it": none of these, stay quiet on such text
TEACH_BLOCK = "teach:"  # ... or hide the offer

SECTION_LIMIT = 3000  # Slack refuses a section text longer than this
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000  # characters a button value may hold


def cut(text: str, limit: int = SECTION_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": cut(text)}]}


def button(label: str, action_id: str, value: str, style: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": cut(label, BUTTON_TEXT_LIMIT), "emoji": True},
        "value": value[:BUTTON_VALUE_LIMIT],
    }
    if style:
        element["style"] = style
    return element


def command_button(
    label: str, command: str, *args: str, in_thread: str | None = None
) -> dict[str, Any]:
    """A button that runs `/acr <command> <args>` for whoever clicks it: the answer is private,
    or posted in the thread in the language ``in_thread`` names."""
    value: dict[str, Any] = {"command": command, "args": list(args)}
    if in_thread:
        value["post"], value["l"] = "thread", in_thread
    return button(label, RUN_COMMAND, _packed(value))


def posts_in_thread(value: dict[str, Any]) -> bool:
    """Whether a run button asks for its answer in the thread (rather than privately)."""
    return value.get("post") == "thread"


def run_request(value: dict[str, Any]) -> str:
    """The `/acr` text a run button's value stands for (buttons posted before ``args``
    existed carry ``registry``)."""
    name = str(value.get("command") or "")
    args = value.get("args")
    if not isinstance(args, list):
        args = [value["registry"]] if value.get("registry") else []
    return shlex.join([name, *(str(a) for a in args)])


def _quoted(pasted: Pasted) -> Pasted:
    """What the paste named, each value quoted for Slack (``bot.mrkdwn``): a value taken from
    someone's paste can neither ping, nor end the code block it sits in."""
    if not pasted.values:
        return pasted
    values = {name: quote(value, MAX_VALUE) for name, value in pasted.values.items()}
    return Pasted(values, pasted.contains_signature)


def topic_blocks(entry: Entry, lang: str, pasted: Pasted = NOTHING) -> list[Block]:
    """One topic's answer: title, cause, steps, commands as code, the bot command, docs —
    with what the paste named in place of the placeholders."""
    label = words(lang)
    pasted = _quoted(pasted)
    answer = filled_answer(entry, lang, pasted)
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": cut(entry.title[lang], 150)}},
        section(f"*{label['cause']}:* {answer.cause}"),
        section(
            f"*{label['steps']}:*\n"
            + "\n".join(f"{n}. {step}" for n, step in enumerate(answer.steps, 1))
        ),
    ]
    if entry.commands:
        commands = entry_commands(entry, pasted)
        blocks.append(section(f"*{label['commands']}:*\n```\n" + "\n".join(commands) + "\n```"))
    line = bot_command_line(entry, pasted)
    if line:
        blocks.append(section(f"*{label['bot']}:* `{line}`"))
    blocks.append(context(f"{label['docs']}: <{entry.docs}>"))
    return blocks


def _why(match: Match, lang: str, pasted: Pasted) -> list[Block]:
    """The topic as a context line, with the signature it matched on when the paste really
    contains that signature."""
    if match.topic is None:
        return []
    signature = matched_on(match, pasted)
    if signature is None:
        return [context(words(lang)["why_topic"].format(topic=match.topic))]
    text = words(lang)["why"].format(
        on=quote(signature, 200), score=f"{match.score:.0f}", topic=match.topic
    )
    return [context(text)]


def _packed(data: dict[str, Any]) -> str:
    # compact separators: a button value holds at most 2000 characters
    return json.dumps(data, separators=(",", ":"))


# Topics about an image that is missing or cannot be read: their answers offer "Check this
# image" when the paste names one (on the registry the match found).
IMAGE_TOPICS = frozenset(
    {
        "manifest-unknown",
        "no-match-for-platform",
        "repository-write-disabled",
        "operation-not-allowed",
        "image-quarantine",
        "aks-image-pull-unauthorized",
        "aks-image-pull-forbidden",
        "aks-image-pull-timeout",
        "container-apps-image-pull",
        "app-service-image-pull",
    }
)


def answer_blocks(
    kb: KnowledgeBase,
    match: Match,
    lang: str,
    *,
    source: str | None = None,
    paste: str | None = None,
    pasted: Pasted | None = None,
    image: str | None = None,
) -> list[Block]:
    """The thread reply to a confident match, with why it matched and the feedback buttons.
    ``source`` is the paste's ts, so a correction after "Not it" can teach the bot; ``paste``
    is the matched text (or ``pasted``, what it named, when only that was kept); ``image`` is
    the image the paste names (``inspect`` it with one click)."""
    assert match.topic is not None
    entry = kb[match.topic]
    w = words(lang)
    named = pasted if pasted is not None else reading(match, paste)
    blocks = [*topic_blocks(entry, lang, named), *_why(match, lang, named)]
    alternatives = [c.topic for c in match.alternatives[:3]]
    feedback = _packed({"t": entry.id, "l": lang, "a": alternatives, "s": source or ""})
    elements = [
        button(w["helped"], HELPED, feedback, style="primary"),
        button(w["not_it"], NOT_IT, feedback),
    ]
    if match.registry and entry.bot_command:
        label = w["run"].format(command=entry.bot_command, registry=match.registry)
        elements.append(command_button(label, entry.bot_command, match.registry))
    if image and entry.id in IMAGE_TOPICS:
        elements.append(command_button(w["check_image"], "inspect", image, in_thread=lang))
    blocks.append({"type": "actions", "block_id": "triage_actions", "elements": elements})
    return blocks


def posted_match(match: Match, pasted: Pasted = NOTHING) -> dict[str, str]:
    """What posting ``match``'s answer later needs (topic, registry, runner-ups, why), kept
    in the store: the text that was matched stays out, it may be a whole paste. What the
    paste named rides in the button instead (``post_value``)."""
    assert match.topic is not None
    return {
        "topic": match.topic,
        "registry": match.registry or "",
        "score": f"{match.score:.1f}",
        "alternatives": ",".join(c.topic for c in match.alternatives[:3]),
        "matched_on": (match.matched_on or "")[:200],
        "matched_kind": match.matched_kind or "",
        "in_paste": "1" if pasted.contains_signature else "",
    }


def match_to_post(saved: dict[str, str], lang: str) -> Match:
    """The match ``posted_match`` kept, to render its answer."""
    alternatives = [t for t in saved.get("alternatives", "").split(",") if t]
    try:
        score = float(saved.get("score") or 0)
    except ValueError:
        score = 0.0
    return Match(
        topic=saved.get("topic") or None,
        score=score,
        language=lang,
        alternatives=tuple(Candidate(t, 0.0) for t in alternatives),
        matched_on=saved.get("matched_on") or None,
        matched_kind=saved.get("matched_kind") or None,
        registry=saved.get("registry") or None,
        decision=Decision.ANSWER,
    )


def post_value(token: str, pasted: Pasted = NOTHING, image: str | None = None) -> str:
    """The "Post in thread" button's value: the token of what the store kept, and what the
    paste named (its values, the image) — in the private message of the one person who asked,
    never in the store. Values that would not fit in a button are left out (the answer then
    keeps those placeholders)."""
    full = _packed({"k": token, "n": pasted.packed(), "i": image or ""})
    return full if len(full) <= BUTTON_VALUE_LIMIT else _packed({"k": token, "n": {}, "i": ""})


def posted_values(value: str) -> tuple[str, dict[str, str], str | None]:
    """(token, what the paste named, image) from a ``post_value`` (an older button holds
    only the token)."""
    try:
        data = json.loads(value)
    except json.JSONDecodeError:
        return value, {}, None
    if not isinstance(data, dict):
        return value, {}, None
    named = data.get("n")
    values = (
        {str(k): v for k, v in named.items() if isinstance(v, str) and v}
        if isinstance(named, dict)
        else {}
    )
    return str(data.get("k") or ""), values, str(data.get("i") or "") or None


def suggestion_blocks(
    entry: Entry,
    lang: str,
    thread_ts: str,
    registry: str | None,
    *,
    source: str | None = None,
    pasted: Pasted = NOTHING,
) -> list[Block]:
    """The private "Is it …?" offer under a paste the bot is not sure about; the button keeps
    the paste's ts (to learn from the answer) and what the paste named (to fill the answer)."""
    w = words(lang)
    value = _packed(
        {
            "t": entry.id,
            "l": lang,
            "th": thread_ts,
            "r": registry or "",
            "s": source or "",
            "n": pasted.packed(),
        }
    )
    return [
        section(w["is_it"].format(title=entry.title[lang])),
        context(w["is_it_note"]),
        {
            "type": "actions",
            "block_id": "suggestion_actions",
            "elements": [
                button(w["post_in_thread"], SUGGEST_POST, value, style="primary"),
                button(w["not_it"], SUGGEST_NOT_IT, value),
            ],
        },
    ]


def answer_fallback(kb: KnowledgeBase, match: Match, lang: str) -> str:
    """The notification text that goes with the blocks."""
    return kb[match.topic].title[lang] if match.topic else words(lang)["no_answer"]


def candidates_list(
    kb: KnowledgeBase, candidates: tuple[Candidate, ...] | list[Candidate], lang: str
) -> str:
    return "\n".join(
        f"• {kb[c.topic].title[lang]} (`{c.topic}`)" for c in candidates if kb.get(c.topic)
    )


def no_answer_blocks(kb: KnowledgeBase, match: Match, lang: str) -> list[Block]:
    """No confident match (asked directly): say so, list the closest topics, point to faq."""
    label = words(lang)
    blocks = [section(label["no_answer"])]
    near = [c for c in closest(match) if kb.get(c.topic)]
    if near:
        blocks.append(section(f"*{label['closest']}:*\n" + candidates_list(kb, near, lang)))
    blocks.append(context(label["try_faq"]))
    return blocks


def repeat_blocks(entry: Entry, lang: str, link: str | None) -> list[Block]:
    """A short pointer to the answer already given in this channel."""
    w = words(lang)
    title = entry.title[lang]
    text = (
        w["repeat"].format(link=link, title=title)
        if link
        else w["repeat_nolink"].format(title=title)
    )
    return [section(text)]


def alternatives_blocks(
    kb: KnowledgeBase,
    topics: list[str],
    lang: str,
    thread_ts: str | None,
    source: str | None = None,
) -> list[Block]:
    """After "Not it": the runner-up topics as buttons, a search over every topic, and "none
    of these"; the chosen topic is posted in the thread, and the bot learns from the choice."""
    w = words(lang)
    known = [t for t in topics if kb.get(t)]
    state = {"l": lang, "th": thread_ts or "", "s": source or ""}
    blocks: list[Block] = [section(w["which"] if known else w["none_close"])]
    if known:
        elements = [
            button(kb[t].title[lang], f"{PICK_TOPIC}_{n}", _packed({"t": t, **state}))
            for n, t in enumerate(known[:5])
        ]
        blocks.append({"type": "actions", "elements": elements})
    search = {
        "type": "external_select",
        "action_id": TEACH_SEARCH,
        "placeholder": {"type": "plain_text", "text": cut(w["search_topics"], 150)},
        "min_query_length": 2,
    }
    # the select's own value is the topic; what the click needs besides rides in the block id
    blocks.append(
        {
            "type": "actions",
            "block_id": TEACH_BLOCK + _packed(state),
            "elements": [search, button(w["none_of_these"], TEACH_SILENT, _packed(state))],
        }
    )
    return blocks


def picked_blocks(entry: Entry, lang: str) -> list[Block]:
    """The answer posted after someone chose a runner-up topic (no more feedback buttons)."""
    return topic_blocks(entry, lang)


def help_blocks(
    lang: str,
    commands: Sequence[HelpLine],
    unknown: str | None = None,
    suggestion: str | None = None,
    degraded: bool = False,
) -> list[Block]:
    """`/acr help`: one line per subcommand, "did you mean" for typos, store state as footer."""
    label = words(lang)
    blocks: list[Block] = []
    if unknown:
        text = label["did_you_mean"].format(unknown=quote(unknown))
        if suggestion:
            text += " " + label["suggest"].format(suggestion=suggestion)
        blocks.append(section(text))
    blocks.append(section(label["help_title"] + "\n" + "\n".join(help_lines(lang, commands))))
    footer = words(lang)["degraded"] if degraded else words(lang)["only_you"]
    blocks.append(context(footer))
    return blocks


def faq_blocks(
    kb: KnowledgeBase, query: str, candidates: list[Candidate], lang: str
) -> list[Block]:
    """`/acr faq <words>`: the best topics, each with a button that shows its answer."""
    label = words(lang)
    found = [c for c in candidates if kb.get(c.topic)]
    if not found:
        return [section(label["faq_none"].format(words=quote(query)) + "\n" + label["try_faq"])]
    blocks = [section(label["faq_title"].format(words=quote(query)))]
    for c in found:
        entry = kb[c.topic]
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": cut(f"*{entry.title[lang]}*\n`{entry.id}`")},
                "accessory": button(
                    words(lang)["show"],
                    FAQ_SHOW,
                    _packed({"t": entry.id, "l": lang}),
                ),
            }
        )
    return blocks


def shared_topic_blocks(entry: Entry, lang: str) -> list[Block]:
    """A topic shown privately, with a button to share it with the channel."""
    value = _packed({"t": entry.id, "l": lang})
    return [
        *topic_blocks(entry, lang),
        {"type": "actions", "elements": [button(words(lang)["share"], SHARE, value)]},
    ]


def shortcut_blocks(
    kb: KnowledgeBase,
    match: Match,
    lang: str,
    token: str,
    *,
    paste: str | None = None,
    image: str | None = None,
) -> list[Block]:
    """The private result of "Triage this message", with "Post in thread" when there is one."""
    if match.topic is None:
        return no_answer_blocks(kb, match, lang)
    label = words(lang)["post_in_thread"]
    pasted = reading(match, paste)
    value = post_value(token, pasted, image)
    return [
        *topic_blocks(kb[match.topic], lang, pasted),
        *_why(match, lang, pasted),
        {
            "type": "actions",
            "elements": [button(label, POST_IN_THREAD, value, style="primary")],
        },
    ]


def notice(text: str) -> list[Block]:
    return [section(text)]
