"""Fixtures for the Slack app tests: Redis prefixes, a private Redis that can be stopped, and
the bot's app in this process (``tests/fakes/local_bot.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store.redis import RedisStore
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.running_bot import usable_knowledge_dir
from tests.fakes.slack_api import FakeSlackAPI
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix
from tests.slack.redis_server import PrivateRedis


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the shared Redis; every key under it is deleted afterwards."""
    prefix = new_prefix("test-slack")
    yield prefix
    delete_prefix(prefix)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A started redis-server of the test's own, on a Unix socket."""
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()


@pytest.fixture(scope="session")
def knowledge_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The valid part of the shipped knowledge base, as a directory for ACRBOT_KNOWLEDGE_DIR."""
    return usable_knowledge_dir(tmp_path_factory.mktemp("knowledge"))


def _local(knowledge_dir: Path, mode: str) -> Iterator[LocalBot]:
    prefix = new_prefix("test-slack")
    slack = FakeSlackAPI().start()
    bot = local_bot(
        slack,
        mode=mode,
        store=RedisStore(SHARED_REDIS, prefix),
        knowledge_dir=knowledge_dir,
        extra={"ACRBOT_REPEAT_WINDOW": "600", "ACRBOT_REDIS_PREFIX": prefix},
    )
    yield bot
    bot.close()
    slack.close()
    delete_prefix(prefix)


@pytest.fixture(scope="module")
def http_bot(knowledge_dir: Path) -> Iterator[LocalBot]:
    """The bot's app in HTTP mode, in this process, on Redis (tests use their own channels)."""
    yield from _local(knowledge_dir, "http")


@pytest.fixture(scope="module")
def socket_app(knowledge_dir: Path) -> Iterator[LocalBot]:
    """The same app receiving Socket Mode payloads (no signatures; Bolt's socket adapter path)."""
    yield from _local(knowledge_dir, "socket")
