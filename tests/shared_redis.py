"""The shared Redis on 127.0.0.1:6379 that the Slack and Azure tests (and the benchmarks) use.

It is never flushed: each user takes a key prefix of its own and deletes what is under it.
"""

from __future__ import annotations

import uuid

import redis

SHARED_REDIS = "redis://127.0.0.1:6379/0"


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
