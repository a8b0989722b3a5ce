"""The audit trail of Azure commands: who, where, which registry, what, outcome, run ids.

Each entry goes to a stream in the shared store, to the structured log and, when
``ACRBOT_AUDIT_CHANNEL`` is set and the Slack door provided a poster, to that channel.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.config import Settings
from bot.mrkdwn import line, quote
from bot.observe.logging import event
from bot.store import Store

STREAM = "audit"
log = logging.getLogger("bot.audit")

Poster = Callable[[str, str], None]


@dataclass(frozen=True)
class AuditEntry:
    who: str
    where: str | None
    command: str
    registry: str | None
    outcome: str  # ok | refused | failed | asked | aborted | partial
    detail: str = ""
    run_ids: Sequence[str] = field(default_factory=tuple)

    def fields(self) -> dict[str, str]:
        return {
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "who": self.who,
            "where": self.where or "",
            "command": self.command,
            "registry": self.registry or "",
            "outcome": self.outcome,
            "detail": self.detail[:500],
            "run_ids": json.dumps(list(self.run_ids)),
        }

    def sentence(self) -> str:
        """One line for the audit channel; what users typed (the registry argument, a refusal
        quoting it) is quoted, so a line can neither ping, nor close its code span, nor
        start a line of its own."""
        where = f" in <#{self.where}>" if _slack_id(self.where, "CGD") else ""
        who = f"<@{self.who}>" if _slack_id(self.who, "UW") else quote(self.who)
        runs = f" runs: {quote(', '.join(self.run_ids[:20]), 1000)}" if self.run_ids else ""
        more = f" (+{len(self.run_ids) - 20} more)" if len(self.run_ids) > 20 else ""
        detail = f" — {line(self.detail)}" if self.detail else ""
        registry = f" `{quote(self.registry)}`" if self.registry else ""
        command = quote(self.command)
        return f"{who}{where}: `{command}`{registry} → {quote(self.outcome)}{detail}{runs}{more}"


def _slack_id(value: str | None, kinds: str) -> bool:
    """A Slack id of one of ``kinds`` (U…, C…): safe inside <@…> or <#…>."""
    return value is not None and value[:1] in kinds and value.isalnum() and value.isupper()


class Auditor:
    def __init__(self, store: Store, settings: Settings, poster: Poster | None = None) -> None:
        self.store = store
        self.settings = settings
        self.poster = poster

    def record(self, entry: AuditEntry) -> None:
        fields = entry.fields()
        try:
            self.store.append_log(STREAM, fields)
        except Exception as exc:  # the audit log must never break the command itself
            event(log, "audit.store_failed", logging.ERROR, error=type(exc).__name__)
        event(log, "audit", logging.INFO, **fields)
        channel = self.settings.audit_channel
        if channel and self.poster is not None:
            try:
                self.poster(channel, entry.sentence())
            except Exception as exc:
                event(log, "audit.post_failed", logging.WARNING, error=type(exc).__name__)

    def recent(self, count: int = 100) -> list[dict[str, str]]:
        return [entry for _, entry in self.store.read_log(STREAM, count)]
