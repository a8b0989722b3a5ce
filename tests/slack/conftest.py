"""Fixtures for the Slack app tests: Redis prefixes and a private Redis that can be stopped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from tests.fakes.running_bot import BotProcess, start_bot, usable_knowledge_dir
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.redis_server import PrivateRedis

SHARED_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the shared Redis; every key under it is deleted afterwards."""
    prefix = f"test-slack-{uuid.uuid4().hex}:"
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


def delete_prefix(prefix: str, url: str = SHARED_REDIS) -> None:
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
    finally:
        client.close()


def prefix_keys(prefix: str, url: str = SHARED_REDIS) -> list[str]:
    client = redis.Redis.from_url(url, decode_responses=True)
    try:
        return sorted(str(k) for k in client.scan_iter(match=prefix + "*", count=500))
    finally:
        client.close()


@dataclass
class HttpBot:
    """A running `acrbot serve` in HTTP mode, its fake Slack and its Redis prefix."""

    slack: FakeSlackAPI
    bot: BotProcess
    prefix: str


@pytest.fixture(scope="module")
def http_bot(knowledge_dir: Path) -> Iterator[HttpBot]:
    """One bot process in HTTP mode for a whole test module (tests use their own channels)."""
    prefix = f"test-slack-{uuid.uuid4().hex}:"
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
