"""The services every door (Slack, console, CLI) shares, built once from Settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.config import Settings
from bot.knowledge import KnowledgeBase, load
from bot.matching import Matcher
from bot.store import Store, connect


@dataclass
class Services:
    settings: Settings
    kb: KnowledgeBase
    matcher: Matcher
    store: Store

    @cached_property
    def default_language(self) -> str:
        return self.settings.default_language


def build_services(settings: Settings, store: Store | None = None) -> Services:
    kb = load()
    matcher = Matcher(kb, threshold=settings.match_threshold)
    return Services(settings=settings, kb=kb, matcher=matcher, store=store or connect(settings))
