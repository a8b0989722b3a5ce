"""What an /acr subcommand runner gets, whichever way it was started (command or button).

Also what every button handler reads from an interaction payload: the value and the ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from bot.commands import Command
from bot.services import Services

# What a Web API call raises when it fails: an error answer from Slack (SlackApiError is a
# SlackClientError), or, once the connection retries are spent, the socket's own error,
# which slack_sdk passes on as it is.
SLACK_FAILURES: tuple[type[Exception], ...] = (SlackClientError, OSError)


@dataclass
class CommandContext:
    """One /acr request: who asked, where, in which language, and how to answer."""

    services: Services
    command: Command
    user_id: str
    channel_id: str
    team_id: str
    lang: str
    respond: Any  # slack_bolt Respond: respond(text=..., blocks=..., response_type=...)
    client: WebClient
    trigger_id: str | None = None
    response_url: str | None = None


def action_value(body: dict[str, Any]) -> str:
    """The value of the button that was clicked."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def interaction_ids(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user, channel, team) of an interaction payload."""
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    if not channel:
        channel = str((body.get("container") or {}).get("channel_id") or "")
    team = str((body.get("team") or {}).get("id") or "")
    return user, channel, team
