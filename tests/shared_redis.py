"""The shared Redis that the Slack and Azure tests (and the benchmarks) use.

``ACRBOT_TEST_REDIS_URL`` names it (default: database 0 on 127.0.0.1:6379). It is never flushed:
each user takes a key prefix of its own and deletes what is under it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from urllib.parse import urlsplit

import redis

DEFAULT_TEST_REDIS = "redis://127.0.0.1:6379/0"
SHARED_REDIS = os.environ.get("ACRBOT_TEST_REDIS_URL") or DEFAULT_TEST_REDIS
INSTALL_REDIS = "apt-get install redis-server, or brew install redis"


def start_command(url: str = SHARED_REDIS) -> str:
    """The redis-server command line that serves ``url`` (a loopback TCP address)."""
    port = urlsplit(url).port or 6379
    return f"redis-server --daemonize yes --bind 127.0.0.1 --port {port} --save ''"


def missing_redis(url: str = SHARED_REDIS) -> str | None:
    """One line saying how to get the Redis the tests need, or None when it is there."""
    if shutil.which("redis-server") is None:
        # the outage tests start private redis-server processes of their own
        return (
            f"redis-server is not installed ({INSTALL_REDIS}); then start it: {start_command(url)}"
        )
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except (redis.exceptions.RedisError, OSError) as exc:
        where = "ACRBOT_TEST_REDIS_URL" if url != DEFAULT_TEST_REDIS else "the default"
        return (
            f"the tests need Redis at {url} ({where}), which does not answer "
            f"({type(exc).__name__}): start it with {start_command(url)}"
        )
    finally:
        client.close()
    return None


def new_prefix(owner: str) -> str:
    """A unique key prefix, named after its owner so a leftover key says where it came from."""
    return f"{owner}-{uuid.uuid4().hex}:"


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
