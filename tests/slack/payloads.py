"""Slack request bodies for the tests, built from the recorded examples in tests/data/slack.

Each builder takes the recorded payload and changes only what a test needs (text, channel,
ids), so the shape stays the one Slack really sends.
"""

from __future__ import annotations

import copy
import itertools
import json
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.config import Settings
from bot.services import build_services
from bot.store import MemoryStore
from tests.reference import SLACK_EXAMPLES, slack_example

FIREWALL_PASTE = (
    "docker push contosoprod.azurecr.io/web:1.4 fails:\n"
    "denied: client with IP '203.0.113.7' is not allowed access. "
    "Refer https://aka.ms/acr/firewall to grant access."
)
FIREWALL_TOPIC = "client-ip-not-allowed"
RUSSIAN_QUESTION = "как добавить IP адрес в правила брандмауэра реестра контейнеров?"
UNKNOWN_TEXT = "lunch at noon today, anyone coming along to the new place?"

_ts = itertools.count(100)


def _copy_of(relative: str) -> dict[str, Any]:
    """A private copy of a recorded example (tests change it freely)."""
    data: dict[str, Any] = copy.deepcopy(slack_example(relative))
    return data


def new_ts() -> str:
    """A message timestamp no other test uses."""
    return f"17180{next(_ts):05d}.{uuid.uuid4().int % 1_000_000:06d}"


def new_channel() -> str:
    return "C" + uuid.uuid4().hex[:9].upper()


def message_event(
    text: str,
    *,
    channel: str,
    ts: str | None = None,
    user: str = "U0ALICE001",
    thread_ts: str | None = None,
    channel_type: str = "channel",
    event_id: str | None = None,
) -> dict[str, Any]:
    """An Events API ``message`` delivery (the recorded #acr-help paste, retargeted)."""
    body = _copy_of("events_api/message_channel.acr_error.json")
    ts = ts or new_ts()
    event = body["event"]
    event.update(text=text, channel=channel, ts=ts, event_ts=ts, user=user)
    event["channel_type"] = channel_type
    event["client_msg_id"] = str(uuid.uuid4())
    if thread_ts:
        event["thread_ts"] = thread_ts
    body["event_id"] = event_id or "Ev" + uuid.uuid4().hex[:10].upper()
    return body


def mention_event(text: str, *, channel: str, ts: str, user: str = "U0BOB00002") -> dict[str, Any]:
    """The ``app_mention`` delivery of a message that mentions the bot."""
    body = _copy_of("events_api/app_mention.json")
    event = body["event"]
    event.update(text=f"<@U0ACRBOT01> {text}", channel=channel, ts=ts, event_ts=ts, user=user)
    body["event_id"] = "Ev" + uuid.uuid4().hex[:10].upper()
    return body


def _recorded_paste(example: str, channel: str) -> dict[str, Any]:
    """A recorded event, moved to ``channel``, carrying the firewall paste, with a fresh id."""
    body = _copy_of(example)
    body["event"]["channel"] = channel
    inner = body["event"].get("message") or body["event"]
    inner["text"] = FIREWALL_PASTE
    body["event_id"] = "Ev" + uuid.uuid4().hex[:10].upper()
    return body


def own_reply_event(channel: str) -> dict[str, Any]:
    """The bot's own answer coming back through message.channels."""
    return _recorded_paste("events_api/message_own_bot_reply.json", channel)


def other_bot_event(channel: str) -> dict[str, Any]:
    """Another bot's post in the channel."""
    return _recorded_paste("events_api/message_bot_message.docs.json", channel)


def changed_event(channel: str) -> dict[str, Any]:
    """An edit (message_changed) whose new text is a paste."""
    return _recorded_paste("events_api/message_changed.docs.json", channel)


def deleted_event(channel: str) -> dict[str, Any]:
    body = message_event(FIREWALL_PASTE, channel=channel)
    event = body["event"]
    body["event"] = {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": channel,
        "ts": new_ts(),
        "deleted_ts": event["ts"],
        "event_ts": event["ts"],
        "previous_message": {"type": "message", "user": "U0ALICE001", "text": FIREWALL_PASTE},
        "channel_type": "channel",
    }
    return body


def command_form(
    text: str, *, response_url: str, channel: str = "C0ACRHELP1", user: str = "U0ALICE001"
) -> str:
    """The form body of `/acr <text>` (the recorded one, with our text and response_url)."""
    raw = (SLACK_EXAMPLES / "slash_commands" / "acr_usage.form.txt").read_text().strip()
    fields = dict(parse_qsl(raw, keep_blank_values=True))
    fields.update(text=text, response_url=response_url, channel_id=channel, user_id=user)
    return urlencode(fields)


def command_payload(text: str, *, response_url: str, channel: str = "C0ACRHELP1") -> dict[str, Any]:
    """The same command as Socket Mode delivers it (a JSON payload)."""
    return dict(parse_qsl(command_form(text, response_url=response_url, channel=channel)))


def interaction_form(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def click(
    button: dict[str, Any],
    *,
    channel: str,
    message_ts: str,
    thread_ts: str | None,
    response_url: str,
    user: str = "U0ALICE001",
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a click on ``button`` (taken from what the bot sent)."""
    payload = _copy_of("interactivity/block_actions.faq_feedback.json")
    payload["user"]["id"] = user
    payload["channel"]["id"] = channel
    payload["container"].update(
        channel_id=channel, message_ts=message_ts, thread_ts=thread_ts, is_ephemeral=ephemeral
    )
    if ephemeral:
        payload.pop("message", None)
    else:
        payload["message"].update(ts=message_ts, thread_ts=thread_ts)
    payload["response_url"] = response_url
    payload["actions"] = [
        {
            "action_id": button["action_id"],
            "block_id": "b1",
            "text": button["text"],
            "value": button.get("value", ""),
            "type": "button",
            "action_ts": "1718000200.123456",
        }
    ]
    return payload


def helped_click(response_url: str, channel: str = "C0ACRHELP1") -> dict[str, Any]:
    """A click on "Helped" under the firewall answer (an action any bot answers privately)."""
    button = {
        "action_id": "feedback_helped",
        "text": {"type": "plain_text", "text": "Helped"},
        "value": json.dumps({"t": FIREWALL_TOPIC, "l": "en", "a": []}),
    }
    return click(
        button, channel=channel, message_ts="1.1", thread_ts="1.1", response_url=response_url
    )


def shortcut(
    text: str, *, channel: str, message_ts: str, response_url: str, user: str = "U0BOB00002"
) -> dict[str, Any]:
    """The "Triage this message" message shortcut on a message with ``text``."""
    payload = _copy_of("interactivity/message_action.triage.json")
    payload["channel"]["id"] = channel
    payload["user"]["id"] = user
    payload["message_ts"] = message_ts
    payload["message"].update(text=text, ts=message_ts)
    payload["response_url"] = response_url
    return payload


def uncertain_paste(knowledge_dir: Path, nth: int = 0) -> str:
    """A text the bot would only suggest privately, not answer in the channel (searched for,
    not hard-coded, because the knowledge base and the fitted decision keep improving)."""
    services = build_services(Settings(knowledge_dir=str(knowledge_dir)), store=MemoryStore())
    matcher = services.matcher
    for entry in services.kb.entries:
        for question in entry.questions["en"]:
            words = question.split()
            for size in range(3, len(words) + 1):
                text = " ".join(words[:size])
                if matcher.match(text).decision == "suggest":
                    if nth == 0:
                        return text
                    nth -= 1
                    break  # the next one from another wording
    raise AssertionError("no knowledge-base wording gets a private suggestion today")
