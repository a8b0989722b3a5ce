"""Who may run what. Each command of the table declares a :class:`Rule`; this checks it.

* ``ANYONE``: help and faq; no limit applies.
* ``READ``: the registry commands; ``ACRBOT_ALLOWED_REGISTRIES`` and ``ACRBOT_ALLOWED_CHANNELS``
  limit them when set.
* ``ADMIN``: what changes a registry (cancel-runs); the same limits, and denied by default:
  only the Slack users in ``ACRBOT_ADMINS`` and members of ``ACRBOT_ADMIN_GROUPS`` may.

Group membership is looked up by the caller's door (Slack) and handed in as a function, so
nothing here talks to Slack. The command line and the console are used by operators who
already run as the bot's identity; they pass the admin rule, but registry limits still apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.config import Settings
from bot.errors import NotAllowed
from bot.words import say

SLACK, CONSOLE, CLI = "slack", "console", "cli"  # the doors a request can come through


class Rule(StrEnum):
    ANYONE = "anyone"
    READ = "read"
    ADMIN = "admin"


@dataclass(frozen=True)
class Caller:
    """Who is asking and from where."""

    user_id: str
    channel_id: str | None = None
    source: str = SLACK  # slack | cli | console
    groups: Callable[[], frozenset[str]] | None = None

    @property
    def label(self) -> str:
        return self.user_id if self.source == SLACK else f"{self.source}:{self.user_id}"


class Access:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def is_admin(self, caller: Caller) -> bool:
        if caller.source != SLACK:
            return True
        if caller.user_id in self.settings.admins:
            return True
        if self.settings.admin_groups and caller.groups is not None:
            return bool(caller.groups() & frozenset(self.settings.admin_groups))
        return False

    def check(self, caller: Caller, rule: Rule, command: str, registry: str | None = None) -> None:
        """Raise NotAllowed with a plain explanation when ``caller`` may not run ``command``."""
        if rule is Rule.ANYONE:
            return
        allowed_channels = self.settings.allowed_channels
        if (
            caller.source == SLACK
            and allowed_channels
            and caller.channel_id not in allowed_channels
        ):
            places = ", ".join(f"<#{c}>" for c in allowed_channels)
            raise NotAllowed(say("access.channels", command=command, places=places))
        allowed = self.settings.allowed_registries
        if registry is not None and allowed and registry.lower() not in allowed:
            raise NotAllowed(say("access.registry", registry=registry, allowed=", ".join(allowed)))
        if rule is Rule.ADMIN and not self.is_admin(caller):
            raise NotAllowed(say("access.admins", command=command))
