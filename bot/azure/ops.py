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
from typing import TypeVar

from azure.core.credentials import TokenCredential

from bot.access import Caller
from bot.azure import pending as pending_store
from bot.azure.arm_errors import Target
from bot.azure.clients import Arm
from bot.azure.data_errors import DataTarget, no_repository, translate
from bot.azure.health import HealthChecker, Resolver
from bot.azure.images import inspect_image
from bot.azure.names import parse_image
from bot.azure.pending import PendingCancel
from bot.azure.registries import Registries
from bot.azure.reports import (
    CancelPlan,
    CancelResult,
    HealthReport,
    InspectReport,
    RegistryRef,
    RunsReport,
    UntaggedReport,
    UsageReport,
)
from bot.azure.runs import cancel_all, list_active, list_runs
from bot.azure.untagged import WORKERS, count_untagged
from bot.azure.usage import fetch_usage
from bot.config import Settings
from bot.store import Store

Progress = Callable[[str, str, str], None]
Counting = Callable[[int, int, bool], None]  # (repositories counted, known, catalog complete)
Clock = Callable[[], float]
T = TypeVar("T")


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
        data_workers: int = WORKERS,
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
        self.data_workers = data_workers

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

    def inspect(self, image: str, lang: str = "en") -> InspectReport:
        """What the registry knows about ``image`` (errors worded in ``lang``)."""
        argument = parse_image(image)
        ref = self.registries.resolve(argument.registry)
        target = self._data_target(ref, "read", argument.repository)

        def call(operation: str, work: Callable[[], T]) -> T:
            return self._data_call(operation, target, work, lang)

        return inspect_image(self.arm.registry(ref.login_server), ref, argument, call)

    def untagged(
        self,
        registry: str,
        repository: str | None = None,
        lang: str = "en",
        progress: Counting | None = None,
    ) -> UntaggedReport:
        """Untagged manifests per repository (or in ``repository``), with their sizes."""
        ref = self.registries.resolve(registry)

        def call(operation: str, name: str, work: Callable[[], T]) -> T:
            target = self._data_target(ref, "count" if name else "list", name)
            return self._data_call(operation, target, work, lang)

        counts, seconds = count_untagged(
            self.arm.registry(ref.login_server),
            call,
            repository,
            workers=self.data_workers,
            progress=progress,
        )
        if repository is not None and not counts:
            raise no_repository(self._data_target(ref, "count", repository), lang)
        return UntaggedReport(ref.name, ref.login_server, counts, repository, round(seconds, 2))

    def _data_target(self, ref: RegistryRef, action: str, repository: str) -> DataTarget:
        timeout = self.settings.azure_timeout_seconds
        return DataTarget(ref.name, ref.login_server, action, repository, timeout)

    def _data_call(self, operation: str, target: DataTarget, work: Callable[[], T], lang: str) -> T:
        """One data-plane call: counted like every Azure call, failures worded by the data
        plane's own catalogue."""
        return self.arm.call(
            operation,
            Target(target.action, registry=target.registry),
            work,
            translator=lambda exc: translate(exc, target, lang),
        )

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

    def consume_confirmation(self, token: str) -> PendingCancel:
        """The pending cancel behind a confirm click its owner's ``peek`` passed, consumed once."""
        return pending_store.consume(self.store, token, clock=self.clock)

    def cancel(
        self, ref: RegistryRef, run_ids: list[str], progress: Progress | None = None
    ) -> CancelResult:
        """Cancel runs someone has confirmed (a click, or a yes on a terminal)."""
        return cancel_all(self.arm, ref, run_ids, self.parallelism, progress)

    def close(self) -> None:
        self.arm.close()
