"""What an /acr subcommand runner gets, whichever way it was started (command or button)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient

from bot.commands import Command
from bot.services import Services


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
