"""Shared state: the Store protocol and its implementations."""

from bot.store.base import Store
from bot.store.memory import MemoryStore

__all__ = ["MemoryStore", "Store"]
