"""Shared state: the Store protocol, its implementations, and ``connect`` to pick one."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.observe.logging import event
from bot.store.base import Leased, Store
from bot.store.memory import MemoryStore

log = logging.getLogger(__name__)

__all__ = ["Leased", "MemoryStore", "Store", "connect"]


def connect(settings: Settings) -> Store:
    """The store for this process: Redis when REDIS_URL is set, else an in-process one.

    A Redis that is down at start-up does not stop the bot: the store starts degraded and
    keeps retrying in the background.
    """
    if not settings.redis_url:
        event(
            log,
            "store.memory",
            backend="memory",
            detail="REDIS_URL is not set: state lives in this process (fine for one replica only)",
        )
        return MemoryStore()
    from bot.store.redis import RedisStore

    store = RedisStore(settings.redis_url, settings.redis_prefix)
    event(
        log, "store.redis", backend="redis", prefix=settings.redis_prefix, degraded=store.degraded
    )
    return store
