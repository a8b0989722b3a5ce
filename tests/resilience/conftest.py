"""Fixtures for the resilience tests: the Slack tests' Redis prefixes, stoppable Redis and
knowledge directory (one definition, in tests/slack/conftest.py)."""

from __future__ import annotations

from tests.slack.conftest import knowledge_dir, private_redis, redis_prefix

__all__ = ["knowledge_dir", "private_redis", "redis_prefix"]
