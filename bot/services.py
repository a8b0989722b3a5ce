"""The services every door (Slack, console, CLI) shares, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.matching import Matcher
from bot.matching.cache import load_matcher
from bot.store import Store, connect

if TYPE_CHECKING:
    from bot.access import Access
    from bot.audit import Auditor
    from bot.azure import AzureOps
    from bot.learning import Lessons
    from bot.triage import Triage


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    matcher: Matcher
    store: Store
    azure: AzureOps | None = None  # Azure operations; contacts nothing until a command runs
    access: Access | None = None
    audit: Auditor | None = None

    @cached_property
    def default_language(self) -> str:
        return self.settings.default_language

    def ops(self) -> AzureOps:
        """The Azure operations; services built by hand get them on first use."""
        if self.azure is None:
            attach_azure(self)
        assert self.azure is not None
        return self.azure

    @cached_property
    def lessons(self) -> Lessons:
        """What the team taught the bot, shared through the store by every replica."""
        from bot.learning import Lessons

        return Lessons(self.store, self.matcher)

    @cached_property
    def triage(self) -> Triage:
        """One per process, so every door shares its in-process cache of user locales."""
        from bot.triage import Triage  # imported here: bot.triage imports this module

        return Triage(self)


def build_services(settings: Settings, store: Store | None = None) -> Services:
    kb, matcher = load_matcher(Path(settings.knowledge_dir) if settings.knowledge_dir else None)
    matcher.set_threshold(settings.match_threshold)
    services = Services(settings=settings, kb=kb, matcher=matcher, store=store or connect(settings))
    attach_azure(services)
    return services


def attach_azure(services: Services) -> None:
    """Add access rules, the audit log and the Azure façade (imported here: the SDK is big)."""
    from bot.access import Access
    from bot.audit import Auditor
    from bot.azure import AzureOps

    services.access = Access(services.settings)
    services.audit = Auditor(services.store, services.settings)
    services.azure = AzureOps(
        services.settings, services.store, access=services.access, audit=services.audit
    )
