"""Fixtures for the Slack app tests: Redis prefixes and a private Redis that can be stopped."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.slack.redis_server import PrivateRedis

SHARED_REDIS = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the shared Redis; every key under it is deleted afterwards."""
    prefix = f"test-slack-{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(SHARED_REDIS)
    try:
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
    finally:
        client.close()


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    """A started redis-server of the test's own, on a Unix socket."""
    server = PrivateRedis()
    server.start()
    yield server
    server.cleanup()
