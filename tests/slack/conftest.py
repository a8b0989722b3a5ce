"""Fixtures for the Slack app tests: Redis prefixes and a private Redis that can be stopped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.running_bot import BotProcess, start_bot, usable_knowledge_dir
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


@dataclass
class HttpBot:
    """A running `acrbot serve` in HTTP mode, its fake Slack and its Redis prefix."""

    slack: FakeSlackAPI
    bot: BotProcess
    prefix: str


@pytest.fixture(scope="module")
def http_bot(knowledge_dir: Path) -> Iterator[HttpBot]:
    """One bot process in HTTP mode for a whole test module (tests use their own channels)."""
    prefix = new_prefix("test-slack")
    slack = FakeSlackAPI().start()
    bot = start_bot(
        slack,
        mode="http",
        redis_url=SHARED_REDIS,
        redis_prefix=prefix,
        knowledge_dir=knowledge_dir,
        extra={"ACRBOT_REPEAT_WINDOW": "600"},
    )
    yield HttpBot(slack, bot, prefix)
    bot.stop()
    slack.close()
    delete_prefix(prefix)
