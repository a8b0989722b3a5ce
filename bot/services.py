"""The services every door (Slack, console, CLI) shares, built once per process from Settings.

Everything is built on first use. The Azure operations load the Azure SDK, the most expensive
part of start-up, which a process that only triages (``acrbot match``, the console, most of a
Slack bot's life) never needs; ``acrbot usage`` in turn never needs the knowledge base.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.access import Access
from bot.audit import Auditor
from bot.config import Settings
from bot.jobs import Jobs, Schedule
from bot.knowledge import KnowledgeBase
from bot.matching import Matcher
from bot.matching.cache import load_matcher
from bot.store import Store, connect
from bot.triage import Triage

if TYPE_CHECKING:
    from bot.azure.ops import AzureOps


class Services:
    def __init__(
        self,
        settings: Settings,
        store: Store | None = None,
        *,
        kb: KnowledgeBase | None = None,
        azure: AzureOps | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._store = store
        self._kb = kb
        self.azure = azure  # built on first use unless given
        self.clock = clock  # wall clock for expiries (tests move it on instead of sleeping)
        self._lock = threading.RLock()

    @property
    def default_language(self) -> str:
        return self.settings.default_language

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = connect(self.settings)
            return self._store

    @cached_property
    def _knowledge(self) -> tuple[KnowledgeBase, Matcher]:
        """The knowledge base and its matcher, from the on-disk cache when it is current."""
        if self._kb is not None:
            kb, matcher = self._kb, Matcher(self._kb)
        else:
            directory = self.settings.knowledge_dir
            kb, matcher = load_matcher(Path(directory) if directory else None)
        matcher.set_threshold(self.settings.match_threshold)
        return kb, matcher

    @property
    def kb(self) -> KnowledgeBase:
        return self._knowledge[0]

    @property
    def matcher(self) -> Matcher:
        return self._knowledge[1]

    @cached_property
    def triage(self) -> Triage:
        """One per process, so every door shares its in-process cache of user locales."""
        return Triage(self.settings, self.kb, self.matcher, self.store)

    @cached_property
    def access(self) -> Access:
        return Access(self.settings)

    @cached_property
    def audit(self) -> Auditor:
        return Auditor(self.store, self.settings)

    @cached_property
    def jobs(self) -> Jobs:
        """Acknowledged work: a bounded pool over the durable queue in the store."""
        settings = self.settings
        return Jobs(
            self.store,
            workers=settings.workers,
            queue_limit=settings.queue_limit,
            schedule=Schedule(retry_for=float(settings.reply_retry_seconds)),
            clock=self.clock,
        )

    def warm(self) -> None:
        """Build what a request would otherwise build on first use (the knowledge index)."""
        _ = self.triage, self.access, self.audit, self.jobs

    def close(self) -> None:
        """Release what was built: the Azure clients and the store connection."""
        with self._lock:
            if self.azure is not None:
                self.azure.close()
            if self._store is not None:
                self._store.close()

    def ops(self) -> AzureOps:
        """The Azure operations (the SDK is loaded here, on the first command that needs it)."""
        with self._lock:
            if self.azure is None:
                from bot.azure.ops import AzureOps

                self.azure = AzureOps(self.settings, self.store, clock=self.clock)
            return self.azure


def build_services(settings: Settings, store: Store | None = None) -> Services:
    """The services of one process; the knowledge base is loaded now (bad entries fail here)."""
    services = Services(settings, store)
    _ = services.kb
    return services
