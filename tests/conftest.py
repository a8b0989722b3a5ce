"""Checks before any test runs: the Redis the Slack and Azure tests share must answer."""

from __future__ import annotations

import pytest

from tests.shared_redis import missing_redis


def pytest_configure(config: pytest.Config) -> None:
    problem = missing_redis()
    if problem is not None:
        # one line, then stop: hundreds of failures saying `assert 2 == 1` help nobody
        pytest.exit(f"acr-chatops tests: {problem}", returncode=4)
