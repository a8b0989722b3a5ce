"""The bounded pool: full is full (commands hear "busy"), and one long job is not "stuck"."""

from __future__ import annotations

import threading
import time

from bot.jobs import Accepted, Jobs
from bot.store import MemoryStore


def test_a_full_pool_refuses_at_once_and_takes_work_again_when_a_worker_frees() -> None:
    jobs = Jobs(MemoryStore(), workers=2, queue_limit=1)
    release = threading.Event()
    started = [jobs.start("k", f"j{n}", {}, release.wait) for n in range(3)]
    assert started == [Accepted.STARTED] * 3
    began = time.monotonic()
    assert jobs.start("k", "j3", {}, release.wait) is Accepted.BUSY
    assert not jobs.submit("locale", lambda: None)
    assert time.monotonic() - began < 0.1  # refused, not waited for
    release.set()
    assert jobs.wait_idle(5)
    assert jobs.start("k", "j0", {}, release.wait) is Accepted.DUPLICATE  # done already
    assert jobs.start("k", "j4", {}, lambda: None) is Accepted.STARTED
    assert jobs.wait_idle(5)
    jobs.drain()


def test_one_long_job_is_not_a_stuck_pool_every_worker_busy_for_long_is() -> None:
    """/healthz fails when the pool is stuck: every worker busy and nothing finishing. A single
    long job (a cancel of hundreds of runs) leaves the others free: not stuck."""
    jobs = Jobs(MemoryStore(), workers=2, queue_limit=0)
    release = threading.Event()
    jobs.start("k", "long", {}, release.wait)
    time.sleep(0.15)
    assert jobs.moving(within=0.1)
    jobs.start("k", "long2", {}, release.wait)
    time.sleep(0.15)
    assert not jobs.moving(within=0.1)
    release.set()
    assert jobs.wait_idle(5)
    assert jobs.moving(within=0.1)
    jobs.drain()
