"""Azure operations behind `/acr usage | check-health | runs | cancel-runs`: the AzureOps façade.

Every door (Slack, console, CLI) calls one method here. Each method checks access, does the work
with the real Azure SDK clients, records an audit entry and returns a plain dataclass for the
renderers. Nothing is contacted at construction time: a bot without Azure configuration starts
and triages as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from azure.core.credentials import TokenCredential

from bot.access import Access, Caller
from bot.audit import AuditEntry, Auditor
from bot.azure import pending as pending_store
from bot.azure.clients import Arm
from bot.azure.health import HealthChecker, HealthReport, Resolver
from bot.azure.registries import Registries, RegistryRef, parse_registry
from bot.azure.runs import CancelResult, RunsReport, cancel_all, list_active, list_runs
from bot.azure.usage import UsageReport, fetch_usage
from bot.config import Settings
from bot.errors import AzureError, BotError, NotAllowed
from bot.observe.logging import event
from bot.store import Store

T = TypeVar("T")
Progress = Callable[[str, str, str], None]
log = logging.getLogger("bot.azure")

__all__ = ["AzureOps", "CancelPlan", "CancelResult", "HealthReport", "RunsReport", "UsageReport"]


@dataclass(frozen=True)
class CancelPlan:
    """What cancel-runs would stop; ``token`` is set when a confirmation is pending."""

    registry: RegistryRef
    runs: RunsReport
    token: str | None = None
    expires_at: float | None = None
    dry_run: bool = False


class AzureOps:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        access: Access | None = None,
        audit: Auditor | None = None,
        credential: TokenCredential | None = None,
        resolver: Resolver | None = None,
        retry_total: int = 3,
        parallelism: int = 20,
        health_timeout: float | None = None,
        confirm_ttl: float | None = None,
    ) -> None:
        self.confirm_ttl = float(confirm_ttl or settings.confirm_seconds)
        self.settings = settings
        self.store = store
        self.access = access or Access(settings)
        self.audit = audit or Auditor(store, settings)
        self.arm = Arm(settings, credential, retry_total=retry_total)
        self.registries = Registries(self.arm, store)
        self.health_checker = HealthChecker(
            self.arm, store, self.registries, resolver=resolver, timeout=health_timeout
        )
        self.parallelism = parallelism

    # --- helpers ----------------------------------------------------------------------------
    def _run(
        self,
        caller: Caller,
        command: str,
        registry_text: str,
        work: Callable[[], T],
        *,
        run_ids: Callable[[T], list[str]] | None = None,
        outcome: Callable[[T], tuple[str, str]] | None = None,
    ) -> T:
        name = _name_or_text(registry_text)
        started = time.monotonic()
        try:
            parse_registry(registry_text)  # bad input is reported as such, before any rule
            self.access.check(caller, command, name)
            result = work()
        except NotAllowed as exc:
            self._record(caller, command, name, "refused", detail=exc.user_message)
            raise
        except AzureError as exc:
            self._record(caller, command, name, "failed", detail=f"{exc.kind}: {exc.user_message}")
            raise
        except BotError as exc:
            self._record(caller, command, name, "rejected", detail=exc.user_message)
            raise
        except Exception as exc:
            self._record(caller, command, name, "error", detail=type(exc).__name__)
            raise
        state, detail = outcome(result) if outcome else ("ok", "")
        ids = run_ids(result) if run_ids else []
        self._record(caller, command, name, state, detail=detail, run_ids=ids)
        event(
            log,
            "azure.command",
            command=command,
            registry=name,
            outcome=state,
            seconds=round(time.monotonic() - started, 3),
        )
        return result

    def _record(
        self,
        caller: Caller,
        command: str,
        registry: str | None,
        outcome: str,
        *,
        detail: str = "",
        run_ids: list[str] | None = None,
    ) -> None:
        self.audit.record(
            AuditEntry(
                who=caller.label,
                where=caller.channel_id,
                command=command,
                registry=registry,
                outcome=outcome,
                detail=detail,
                run_ids=tuple(run_ids or ()),
            )
        )

    # --- the four commands ------------------------------------------------------------------
    def usage(self, caller: Caller, registry: str, refresh: bool = False) -> UsageReport:
        def work() -> UsageReport:
            ref = self.registries.resolve(registry)
            return fetch_usage(self.arm, self.store, ref, refresh=refresh)

        return self._run(caller, "usage", registry, work)

    def health(self, caller: Caller, registry: str) -> HealthReport:
        return self._run(
            caller,
            "check-health",
            registry,
            lambda: self.health_checker.run(registry),
            outcome=lambda r: ("ok", f"worst: {r.worst}"),
        )

    def runs(
        self,
        caller: Caller,
        registry: str,
        status: str | None = None,
        task: str | None = None,
        top: int = 20,
    ) -> RunsReport:
        def work() -> RunsReport:
            ref = self.registries.resolve(registry)
            return list_runs(self.arm, ref, status, task, top)

        return self._run(caller, "runs", registry, work)

    def plan_cancel(
        self,
        caller: Caller,
        registry: str,
        task: str | None = None,
        dry_run: bool = False,
        confirm: bool = True,
    ) -> CancelPlan:
        """List what would be cancelled; with ``confirm`` keep a pending confirmation."""

        def work() -> CancelPlan:
            ref = self.registries.resolve(registry)
            active = list_active(self.arm, ref, task)
            if dry_run or not confirm or not active.runs:
                return CancelPlan(ref, active, dry_run=dry_run)
            saved = pending_store.save(
                self.store,
                user_id=caller.user_id,
                channel_id=caller.channel_id,
                registry_json=ref.to_json(),
                registry_name=ref.name,
                run_ids=[run.run_id for run in active.runs],
                task=task,
                ttl=self.confirm_ttl,
            )
            return CancelPlan(ref, active, saved.token, saved.expires_at)

        def outcome(plan: CancelPlan) -> tuple[str, str]:
            if plan.dry_run:
                return "dry-run", f"{len(plan.runs.runs)} active run(s)"
            if plan.token:
                return "asked", f"{len(plan.runs.runs)} active run(s) await confirmation"
            return "ok", f"{len(plan.runs.runs)} active run(s)"

        return self._run(
            caller,
            "cancel-runs",
            registry,
            work,
            run_ids=lambda plan: [r.run_id for r in plan.runs.runs],
            outcome=outcome,
        )

    def confirm_cancel(
        self,
        caller: Caller,
        token: str,
        starting: Callable[[pending_store.PendingCancel], Progress | None] | None = None,
    ) -> CancelResult:
        """The confirm click: consume the pending action, check access again, cancel.

        ``starting`` is called once the click is known to be valid and allowed, just before
        anything is cancelled; it may return a progress callback for each run's outcome.
        """
        try:
            pending = pending_store.take(self.store, token, caller.user_id)
        except BotError as exc:
            self._record(caller, "cancel-runs", None, "rejected", detail=exc.user_message)
            raise
        try:
            self.access.check(caller, "cancel-runs", pending.registry_name)
        except NotAllowed as exc:
            self._record(
                caller, "cancel-runs", pending.registry_name, "refused", detail=exc.user_message
            )
            raise
        progress = starting(pending) if starting else None
        ref = RegistryRef.from_json(pending.registry)
        return self._cancel(caller, ref, pending.run_ids, progress)

    def abort_cancel(self, caller: Caller, token: str) -> str:
        pending = pending_store.discard(self.store, token, caller.user_id)
        self._record(caller, "cancel-runs", pending.registry_name, "aborted")
        return pending.registry_name

    def cancel_now(
        self,
        caller: Caller,
        ref: RegistryRef,
        run_ids: list[str],
        progress: Progress | None = None,
    ) -> CancelResult:
        """Cancel runs the caller has just confirmed on a terminal (CLI / console)."""
        return self._cancel(caller, ref, run_ids, progress)

    def _cancel(
        self,
        caller: Caller,
        ref: RegistryRef,
        run_ids: list[str],
        progress: Progress | None,
    ) -> CancelResult:
        def outcome(result: CancelResult) -> tuple[str, str]:
            state = "ok" if result.ok else ("failed" if not result.cancelled else "partial")
            return state, (
                f"{len(result.cancelled)} cancelled, {len(result.skipped)} skipped, "
                f"{len(result.failed)} failed"
            )

        return self._run(
            caller,
            "cancel-runs",
            ref.name,
            lambda: cancel_all(self.arm, ref, run_ids, self.parallelism, progress),
            run_ids=lambda result: list(result.cancelled),
            outcome=outcome,
        )

    def close(self) -> None:
        self.arm.close()


def _name_or_text(text: str) -> str:
    try:
        return parse_registry(text).name
    except BotError:
        return text.strip()[:60]
