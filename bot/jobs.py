"""Work handed off after an acknowledgement: a bounded pool in front of a durable queue.

Once Slack has its acknowledgement it never delivers the request again, so from then on the
work is the bot's promise. Each piece of acknowledged work is a job in the store (Redis, or
this process's memory without Redis) from the acknowledgement until it is done:

- ``start(kind, job_id, data, run)`` keeps the job, leased to this process, and runs ``run``
  here at once. ``job_id`` makes it idempotent: a Slack retry or a second replica that hands
  over the same event gets ``DUPLICATE``. A full pool answers ``BUSY`` (the caller says so,
  or ``defer``s the job).
- ``defer(kind, job_id, data)`` keeps a job for whoever has room first, on any replica.
- ``register(kind, handler)`` says how a job is done again from its ``data`` alone: after a
  replica died (its lease runs out), after a shutdown gave it back, or later (a reply Slack
  refused is kept with ``JobRun.keep`` and the job comes back after a backoff).
- ``submit(name, work, *args)`` runs best-effort local work (a locale lookup): bounded too.
- ``stop(timeout)`` finishes what this process holds, or gives it back to the queue at the
  deadline so another replica does it.

Nothing here knows Slack: the Slack door registers its kinds and decides what is kept.
"""

from __future__ import annotations

import contextvars
import functools
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from bot.config import QUEUE_LIMIT, REPLY_RETRY_SECONDS, WORKERS
from bot.observe.logging import event
from bot.observe.metrics import JOBS_BACKLOG, JOBS_PENDING, REPLIES_ABANDONED, REPLIES_KEPT
from bot.store import Leased, MemoryStore, Store

log = logging.getLogger(__name__)

QUEUE = "work"

Handler = Callable[[dict[str, Any]], None]
Clock = Callable[[], float]


@dataclass(frozen=True)
class Schedule:
    """How long and how often kept work is tried again (tests shorten all of it)."""

    backoff: tuple[float, ...] = (2.0, 5.0, 10.0, 20.0, 40.0, 60.0)  # then the last step
    # a kept reply is abandoned (and logged) after this long
    retry_for: float = float(REPLY_RETRY_SECONDS)
    wait_cap: float = 300.0  # the longest Retry-After honoured
    lease: float = 60.0  # a job a replica holds is anyone's again this long after it died
    poll: float = 1.0  # how often due jobs are looked for
    done_keep: float = 900.0  # a finished job's id is refused this long (Slack retries ~6 min)

    def delay(self, attempt: int, wait: float = 0.0) -> float:
        step = self.backoff[min(max(attempt, 1), len(self.backoff)) - 1]
        return max(step, min(wait, self.wait_cap))


class Accepted(Enum):
    STARTED = "started"
    DUPLICATE = "duplicate"
    BUSY = "busy"


_CURRENT: contextvars.ContextVar[JobRun | None] = contextvars.ContextVar("acrbot_job", default=None)


def current_job() -> JobRun | None:
    """The durable job the calling thread is working on, if any."""
    return _CURRENT.get()


@dataclass
class JobRun:
    """One durable job while this process holds it."""

    jobs: Jobs
    job_id: str
    kind: str
    data: dict[str, Any]
    created: float
    attempt: int
    payload: str  # as stored: given back unchanged when a shutdown releases the job
    released: bool = False  # given back: whatever it still does here has no effect
    kept: list[dict[str, Any]] = field(default_factory=list)
    kept_kind: str | None = None
    wait: float = 0.0
    _index: int = 0

    def next_index(self) -> int:
        """The number of the job's next outgoing message (the same in every run of the job)."""
        self._index += 1
        return self._index

    def was_sent(self, index: int) -> bool:
        """True when an earlier run of this job already delivered message ``index``."""
        if self.attempt <= 1 and not self.jobs.is_continuation(self.kind):
            return False  # a first run: nothing can have been sent yet
        return self.jobs.store.get(self._sent_key(index)) is not None

    def mark_sent(self, index: int) -> None:
        schedule = self.jobs.schedule
        self.jobs.store.set(self._sent_key(index), "1", ttl=schedule.retry_for + schedule.lease)

    def keep(self, kind: str, item: dict[str, Any], wait: float = 0.0) -> None:
        """Keep ``item`` to be done again as a ``kind`` job after a backoff (``wait`` at least)."""
        self.kept_kind = kind
        self.kept.append(item)
        self.wait = max(self.wait, wait)

    def _sent_key(self, index: int) -> str:
        return f"sent:{self.job_id}:{index}"


class Jobs:
    def __init__(
        self,
        store: Store | None = None,
        *,
        workers: int = WORKERS,
        queue_limit: int = QUEUE_LIMIT,
        schedule: Schedule | None = None,
        clock: Clock = time.time,
        name: str = "acrbot-worker",
    ) -> None:
        self.store: Store = store if store is not None else MemoryStore()
        self.workers = workers
        self.queue_limit = queue_limit
        self.schedule = schedule or Schedule()
        self.clock = clock
        self.name = name
        self._handlers: dict[str, Handler] = {}
        self._continuations: set[str] = set()
        self._tasks: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._lock = threading.Condition()
        self._pending = 0  # queued or running here
        self._held: dict[str, JobRun] = {}  # durable jobs this process holds
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._background = threading.Event()  # set: the sweeper and lease keeper stop
        self._wake = threading.Event()  # set: look for due jobs now, not at the next poll
        self._deferred = False  # this process left jobs in the queue for lack of room
        self.last_finished = time.monotonic()

    # -- kinds ------------------------------------------------------------------------------

    def register(self, kind: str, handler: Handler, *, continuation: bool = False) -> None:
        """How a ``kind`` job is done from its data. A continuation kind carries work an
        earlier run kept (its messages may already be partly delivered)."""
        self._handlers[kind] = handler
        if continuation:
            self._continuations.add(kind)

    def is_continuation(self, kind: str) -> bool:
        return kind in self._continuations

    # -- taking work ------------------------------------------------------------------------

    def moving(self, within: float = 2.0) -> bool:
        """Not stuck: a worker is free, or some work finished in the last ``within`` seconds."""
        with self._lock:
            free = self._pending < self.workers
        return free or time.monotonic() - self.last_finished < within

    def _reserve(self) -> bool:
        with self._lock:
            if self._stopping or self._pending >= self.workers + self.queue_limit:
                return False
            self._pending += 1
            JOBS_PENDING.set(self._pending)
        self._ensure_workers()
        return True

    def submit(self, name: str, work: Callable[..., Any], *args: Any) -> bool:
        """Run ``work(*args)`` here, best effort; False when the pool is full or stopping."""
        if not self._reserve():
            return False
        self._tasks.put(lambda: self._run_plain(name, work, args))
        return True

    def start(
        self, kind: str, job_id: str, data: dict[str, Any], run: Callable[[], None]
    ) -> Accepted:
        """Keep a job leased to this process and run ``run`` (its first attempt) here now."""
        if not self._reserve():
            return Accepted.BUSY
        now = self.clock()
        payload = job_payload(kind, data, now)
        try:
            kept = self.store.enqueue(
                QUEUE, job_id, payload, due=now, leased_until=now + self.schedule.lease
            )
        except Exception:
            self._done()
            raise
        if not kept:
            self._done()
            return Accepted.DUPLICATE
        job = JobRun(self, job_id, kind, data, now, 1, payload)
        with self._lock:
            self._held[job_id] = job
        self._tasks.put(lambda: self._run_job(job, run))
        return Accepted.STARTED

    def defer(self, kind: str, job_id: str, data: dict[str, Any]) -> bool:
        """Keep a job for whoever has room first (any replica); False for a duplicate."""
        now = self.clock()
        kept = self.store.enqueue(
            QUEUE, job_id, job_payload(kind, data, now), due=now, leased_until=None
        )
        if kept:
            self._deferred = True
            event(log, "job.deferred", kind=kind, job=job_id)
        return kept

    # -- running ----------------------------------------------------------------------------

    def _ensure_workers(self) -> None:
        with self._lock:
            while len(self._threads) < self.workers:
                name = f"{self.name}-{len(self._threads)}"
                thread = threading.Thread(target=self._work, name=name, daemon=True)
                self._threads.append(thread)
                thread.start()

    def _work(self) -> None:
        while True:
            task = self._tasks.get()
            try:
                task()
            finally:
                self._done()

    def _done(self) -> None:
        with self._lock:
            self._pending -= 1
            JOBS_PENDING.set(self._pending)
            self.last_finished = time.monotonic()
            if self._pending == 0:
                self._lock.notify_all()
            if self._deferred and self._pending < self.workers:
                self._wake.set()  # work this process left in the queue can start now

    def _run_plain(self, name: str, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
        try:
            work(*args)
        except Exception:
            self._failed(name)

    def _failed(self, name: str) -> None:
        # the work's own error handling failed too: the log keeps it, with a reference
        reference = uuid.uuid4().hex[:8]
        log.exception("job failed", extra={"fields": {"job": name, "ref": reference}})
        event(log, "job.failed", logging.ERROR, job=name, ref=reference)

    def _run_job(self, job: JobRun, run: Callable[[], None]) -> None:
        if job.released:
            return  # given back before it started: another replica does it
        token = _CURRENT.set(job)
        try:
            run()
        except Exception:
            self._failed(job.kind)  # a bug is not tried again: it would fail again
        finally:
            _CURRENT.reset(token)
            self._settle(job)

    def _run_leased(self, leased: Leased) -> None:
        try:
            kind, data, created = _decode(leased.payload)
        except ValueError:
            event(log, "job.unreadable", logging.ERROR, job=leased.job_id)
            self.store.finish(QUEUE, leased.job_id, self.schedule.done_keep)
            return
        job = JobRun(self, leased.job_id, kind, data, created, leased.attempt, leased.payload)
        handler = self._handlers.get(kind)
        if handler is None:
            event(log, "job.unknown_kind", logging.ERROR, job=leased.job_id, kind=kind)
            self.store.finish(QUEUE, leased.job_id, self.schedule.done_keep)
            return
        with self._lock:
            self._held[job.job_id] = job
        self._run_job(job, lambda: handler(data))

    def _settle(self, job: JobRun) -> None:
        """Finish the job, or bring it back later with what it kept."""
        with self._lock:
            self._held.pop(job.job_id, None)
        if job.released:
            return  # given back at shutdown: another replica does it
        schedule = self.schedule
        if not job.kept or job.kept_kind is None:
            self.store.finish(QUEUE, job.job_id, schedule.done_keep)
            return
        now = self.clock()
        if now - job.created >= schedule.retry_for:
            REPLIES_ABANDONED.inc(len(job.kept))
            event(
                log,
                "job.abandoned",
                logging.ERROR,
                job=job.job_id,
                kept=len(job.kept),
                seconds=round(now - job.created),
            )
            self.store.finish(QUEUE, job.job_id, schedule.done_keep)
            return
        REPLIES_KEPT.inc(len(job.kept))
        due = now + schedule.delay(job.attempt, job.wait)
        payload = job_payload(job.kept_kind, {"items": job.kept}, job.created)
        self.store.reschedule(QUEUE, job.job_id, payload, due)
        event(
            log,
            "job.kept",
            job=job.job_id,
            kind=job.kept_kind,
            kept=len(job.kept),
            attempt=job.attempt,
            retry_in=round(due - now, 1),
        )

    # -- the background: due jobs in, leases kept ------------------------------------------

    def run_background(self) -> None:
        """Start looking for due jobs and keeping the leases of the jobs held here."""
        threading.Thread(target=self._sweeper, name=f"{self.name}-sweeper", daemon=True).start()

    def _sweeper(self) -> None:
        last_extend = time.monotonic()
        while not self._background.is_set():
            self._wake.wait(self.schedule.poll)
            self._wake.clear()
            if self._background.is_set():
                return
            try:
                if time.monotonic() - last_extend >= self.schedule.lease / 4:
                    self.keep_leases()
                    last_extend = time.monotonic()
                self.sweep()
            except Exception:
                log.exception("sweep failed")

    def sweep(self) -> int:
        """Lease due jobs for the idle workers and as many to queue behind them; how many.

        A replica takes no more than it can start soon, so idle replicas get their share.
        """
        with self._lock:
            if self._stopping:
                return 0
            room = min(2 * self.workers, self.workers + self.queue_limit) - self._pending
        if room <= 0:
            return 0
        now = self.clock()
        taken = self.store.lease(QUEUE, now, now + self.schedule.lease, room)
        for leased in taken:
            with self._lock:
                self._pending += 1
                JOBS_PENDING.set(self._pending)
            self._ensure_workers()
            self._tasks.put(functools.partial(self._run_leased, leased))
        if len(taken) < room:
            self._deferred = False  # nothing due is left (for now)
        JOBS_BACKLOG.set(self.store.queue_length(QUEUE))
        return len(taken)

    def keep_leases(self) -> None:
        with self._lock:
            held = list(self._held)
        if held:
            self.store.extend(QUEUE, held, self.clock() + self.schedule.lease)

    # -- waiting and stopping --------------------------------------------------------------

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until everything handed over so far (and what it handed over) has finished."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._lock.wait(remaining)
        return True

    def stop(self, timeout: float, settle: float = 0.0) -> int:
        """Take no more work; finish what is held within ``timeout`` seconds, then give the
        rest back to the queue for another replica. Returns how many were given back.

        Given-back jobs post nothing more here. They become due after ``settle`` seconds,
        which this process spends letting posts already on their way to Slack come back and
        be recorded as sent, so the replica doing the job again does not post them twice.
        """
        with self._lock:
            self._stopping = True
        self._background.set()
        self._wake.set()
        if self.wait_idle(timeout):
            return 0
        with self._lock:
            held = list(self._held.values())
        due = self.clock() + settle
        for job in held:
            job.released = True
            self.store.reschedule(QUEUE, job.job_id, job.payload, due)
        if settle > 0:
            self.wait_idle(settle)
        return len(held)

    def drain(self) -> None:
        """Take no more work; finish everything handed over (no deadline)."""
        self.stop(timeout=3600.0)


def job_payload(kind: str, data: dict[str, Any], created: float) -> str:
    """A job as the store keeps it."""
    return json.dumps({"kind": kind, "data": data, "created": created}, separators=(",", ":"))


def _decode(payload: str) -> tuple[str, dict[str, Any], float]:
    raw = json.loads(payload)
    if not isinstance(raw, dict) or not isinstance(raw.get("data"), dict):
        raise ValueError("not a job")
    return str(raw["kind"]), raw["data"], float(raw["created"])
