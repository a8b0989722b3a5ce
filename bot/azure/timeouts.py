"""ACRBOT_AZURE_TIMEOUT, end to end: one logical Azure call ends within it, whatever Azure does.

azure-core alone does not promise that: a client given its own transport keeps the transport's
300 s read timeout, retries multiply the time, and a ``Retry-After: 3600`` is waited out. So:

- ``within(timeout, fn)`` runs one logical call (paging and retries included) with a deadline
  the SDK's pipeline can read, on a helper thread (a daemon: it never holds up the process's
  exit) the caller stops waiting for one second past the deadline, should Azure trickle bytes
  or the identity endpoint hang;
- ``DeadlinePolicy`` (a per-retry policy) gives each attempt only the time left, as its connect
  and read timeouts, and fails an attempt that has none left;
- ``BoundedRetryPolicy`` retries like azure-core's, but never sleeps past the deadline, nor
  longer than ``RETRY_AFTER_CAP`` for a Retry-After: such an answer is returned as it is (the
  user reads that Azure is throttling, and for how long) instead of being waited out.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from azure.core.exceptions import ServiceRequestTimeoutError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import RetryPolicy, SansIOHTTPPolicy

T = TypeVar("T")

RETRY_AFTER_CAP = 10.0  # the longest Retry-After waited in place, if the deadline allows
GRACE = 1.0  # how long past the deadline the caller still waits for the SDK to give up itself

_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "acrbot_azure_deadline", default=None
)


class CallTimedOut(TimeoutError):
    """The logical call did not end in time (the SDK's own timeouts did not fire first)."""


def remaining() -> float | None:
    """Seconds left to the current call's deadline (None outside a bounded call)."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline - time.monotonic()


def within(timeout: float, fn: Callable[[], T]) -> T:
    """``fn()`` bounded by ``timeout`` seconds; a call inside another keeps the outer deadline."""
    if _DEADLINE.get() is not None:
        return fn()  # nested: the outer call's deadline and helper thread already apply
    context = contextvars.copy_context()
    context.run(_DEADLINE.set, time.monotonic() + timeout)
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, context.run(fn)))
        except BaseException as exc:  # handed to the caller's thread as it is
            outcome.append((False, exc))

    helper = threading.Thread(target=run, name="azure-call", daemon=True)
    helper.start()
    helper.join(timeout + GRACE)
    if not outcome:
        raise CallTimedOut(f"no answer within {timeout:g} s")
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result


class DeadlinePolicy(SansIOHTTPPolicy[Any, Any]):
    """Each attempt gets only the time left to the deadline as its connect and read timeout."""

    def __init__(self, connection_timeout: float, read_timeout: float) -> None:
        self.connection_timeout = connection_timeout
        self.read_timeout = read_timeout

    def on_request(self, request: PipelineRequest[Any]) -> None:
        left = remaining()
        if left is None:
            return
        if left <= 0:
            raise ServiceRequestTimeoutError("the call's time limit was used up")
        options = request.context.options
        options["connection_timeout"] = min(self.connection_timeout, left)
        options["read_timeout"] = min(self.read_timeout, left)


class BoundedRetryPolicy(RetryPolicy[Any, Any]):
    """azure-core's retries, never sleeping past the deadline or a capped Retry-After."""

    def is_retry(self, settings: dict[str, Any], response: Any) -> bool:
        if not super().is_retry(settings, response):
            return False
        wait = self.get_retry_after(response)
        if wait is None:
            return True
        left = remaining()
        # a long Retry-After is Azure saying "not now": say so rather than wait it out
        return wait <= RETRY_AFTER_CAP and (left is None or wait < left)

    def _sleep_backoff(self, settings: dict[str, Any], transport: Any) -> None:
        backoff = self.get_backoff_time(settings)
        left = remaining()
        if left is not None:
            backoff = min(backoff, max(0.0, left))
        if backoff > 0:
            transport.sleep(backoff)
