"""The Azure operations behind the registry commands: the AzureOps façade.

Every command of the table reaches Azure through one method here. The methods do the work with
the real Azure SDK clients and return the plain data of ``bot.azure.reports``. Who may ask,
and the command log, are the command runner's job (``bot.commands.runner``), the same for
every door. Nothing is contacted at construction time: a bot without Azure configuration
starts and triages as usual.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from azure.core.credentials import TokenCredential

from bot.access import Caller
from bot.azure import pending as pending_store
from bot.azure.clients import Arm
from bot.azure.health import HealthChecker, Resolver
from bot.azure.pending import PendingCancel
from bot.azure.registries import Registries
from bot.azure.reports import (
    CancelPlan,
    CancelResult,
    HealthReport,
    RegistryRef,
    RunsReport,
    UsageReport,
)
from bot.azure.runs import cancel_all, list_active, list_runs
from bot.azure.usage import fetch_usage
from bot.config import Settings
from bot.store import Store

Progress = Callable[[str, str, str], None]
Clock = Callable[[], float]


class AzureOps:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        credential: TokenCredential | None = None,
        resolver: Resolver | None = None,
        retry_total: int = 3,
        parallelism: int = 20,
        health_timeout: float | None = None,
        confirm_ttl: float | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.confirm_ttl = float(confirm_ttl or settings.confirm_seconds)
        self.settings = settings
        self.store = store
        self.clock = clock
        self.arm = Arm(settings, credential, retry_total=retry_total)
        self.registries = Registries(self.arm, store)
        self.health_checker = HealthChecker(
            self.arm, store, self.registries, resolver=resolver, timeout=health_timeout
        )
        self.parallelism = parallelism

    def usage(self, registry: str, refresh: bool = False) -> UsageReport:
        ref = self.registries.resolve(registry)
        return fetch_usage(self.arm, self.store, ref, refresh=refresh)

    def health(self, registry: str) -> HealthReport:
        return self.health_checker.run(registry)

    def runs(
        self,
        registry: str,
        status: str | None = None,
        task: str | None = None,
        top: int | None = 20,
    ) -> RunsReport:
        ref = self.registries.resolve(registry)
        return list_runs(self.arm, ref, status, task, top)

    def plan_cancel(
        self,
        owner: Caller,
        registry: str,
        task: str | None = None,
        dry_run: bool = False,
        confirm: bool = True,
    ) -> CancelPlan:
        """List what would be cancelled; with ``confirm`` keep a confirmation for ``owner``."""
        ref = self.registries.resolve(registry)
        active = list_active(self.arm, ref, task)
        if dry_run or not confirm or not active.runs:
            return CancelPlan(ref, active, dry_run=dry_run)
        saved = pending_store.save(
            self.store,
            user_id=owner.user_id,
            channel_id=owner.channel_id,
            registry_json=ref.to_json(),
            registry_name=ref.name,
            run_ids=[run.run_id for run in active.runs],
            task=task,
            ttl=self.confirm_ttl,
            clock=self.clock,
        )
        return CancelPlan(ref, active, saved.token, saved.expires_at)

    def take_confirmation(self, caller: Caller, token: str) -> PendingCancel:
        """The pending cancel behind a confirm (or keep) click, consumed: once, by its owner."""
        return pending_store.take(self.store, token, caller.user_id, clock=self.clock)

    def cancel(
        self, ref: RegistryRef, run_ids: list[str], progress: Progress | None = None
    ) -> CancelResult:
        """Cancel runs someone has confirmed (a click, or a yes on a terminal)."""
        return cancel_all(self.arm, ref, run_ids, self.parallelism, progress)

    def close(self) -> None:
        self.arm.close()
