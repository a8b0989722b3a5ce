"""Fixtures for the resilience tests: the Slack tests' Redis prefixes, stoppable Redis and
knowledge directory (one definition, in tests/slack/conftest.py), and a bot in this process
on the in-process store, for the tests that need no Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import MemoryStore
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.conftest import knowledge_dir, private_redis, redis_prefix

__all__ = ["knowledge_dir", "private_redis", "redis_prefix"]


@pytest.fixture(scope="module")
def bot(knowledge_dir: Path) -> Iterator[LocalBot]:
    """One bot per test module, on the in-process store."""
    with FakeSlackAPI() as slack:
        local = local_bot(slack, store=MemoryStore(), knowledge_dir=knowledge_dir)
        yield local
        local.close()
