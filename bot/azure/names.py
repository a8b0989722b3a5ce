"""Registry arguments as people type them: a name in any case, a login server or a resource id.

No Azure SDK here: the command grammar and the audit log use it before any Azure call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.azure.reports import resource_id_parts
from bot.config import valid_registry_name
from bot.errors import BadInput, BotError
from bot.words import say


@dataclass(frozen=True)
class RegistryArgument:
    """What the user typed, understood: a validated name and, for resource ids, the location."""

    name: str
    subscription_id: str | None = None
    resource_group: str | None = None


def parse_registry(text: str) -> RegistryArgument:
    """Understand a registry argument; raise BadInput with the accepted forms otherwise."""
    raw = text.strip()
    parts = resource_id_parts(raw)
    if parts:
        subscription, group, name = parts
        _check_name(name, raw)
        return RegistryArgument(name.lower(), subscription, group)
    host = re.sub(r"^https?://", "", raw, flags=re.IGNORECASE).split("/", 1)[0]
    name = host.split(".", 1)[0].split("-", 1)[0] if "." in host else host
    _check_name(name, raw)
    return RegistryArgument(name.lower())


def registry_label(text: str) -> str:
    """The registry's name for the audit log, or what was typed when it is not a name."""
    try:
        return parse_registry(text).name
    except BotError:
        return text.strip()[:60]


def _check_name(name: str, raw: str) -> None:
    if not valid_registry_name(name):
        shown = raw if len(raw) <= 80 else raw[:77] + "…"
        raise BadInput(say("bad_registry", shown=shown))
