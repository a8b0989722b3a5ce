"""Without the Redis the tests share, the run stops at once with one line saying how to start it."""

from __future__ import annotations

from tests.fakes.azure_http import free_port
from tests.reference import REPO
from tests.repo.inner_pytest import run_pytest


def test_missing_redis_stops_the_run_with_one_line() -> None:
    port = free_port()  # nothing listens there
    url = f"redis://127.0.0.1:{port}/0"
    done = run_pytest(REPO, "tests/triage/test_docs.py", ACRBOT_TEST_REDIS_URL=url)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert done.returncode != 0
    assert len(lines) == 1, lines
    assert url in lines[0]
    assert f"redis-server --daemonize yes --bind 127.0.0.1 --port {port}" in lines[0]
