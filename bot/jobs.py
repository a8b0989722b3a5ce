"""Work handed off after an acknowledgement: a thread pool that loses no error and can drain.

A Slack listener acknowledges first, then hands the rest of its work here. ``drain`` on
shutdown finishes everything already handed over (Slack was told it was received), and
``wait_idle`` lets a test wait until every handed-off job has run instead of sleeping.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bot.observe.logging import event

log = logging.getLogger(__name__)

WORKERS = 32


class Jobs:
    def __init__(self, workers: int = WORKERS, name: str = "acrbot-worker") -> None:
        self.executor = ThreadPoolExecutor(workers, name)
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, name: str, work: Callable[..., Any], *args: Any) -> bool:
        """Run ``work(*args)`` on the pool; False when the pool is shutting down."""
        with self._idle:
            self._pending += 1
        try:
            self.executor.submit(self._run, name, work, args)
        except RuntimeError:  # shut down: nothing more is taken
            self._done()
            return False
        return True

    def _run(self, name: str, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            work(*args)
        except Exception:
            # the job's own error handling failed too: the log keeps it, with a reference
            reference = uuid.uuid4().hex[:8]
            log.exception("job failed", extra={"fields": {"job": name, "ref": reference}})
            event(log, "job.failed", logging.ERROR, job=name, ref=reference)
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every job handed over so far (and those they handed over) has finished."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def drain(self) -> None:
        """Take no more work; finish what was handed over."""
        self.executor.shutdown(wait=True)
