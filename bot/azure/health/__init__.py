"""`check-health <registry>`: the registry half of `az acr check-health`, run from the bot.

The report is built in two stages, each bounded by ``timeout`` so a hanging network still
gives a report (a step still running then is reported as timed out):

1. ARM: find the registry and read its resource.
2. Concurrently on a thread pool: DNS of the login server and data endpoints, the
   connectivity chain (``probes.py``), storage usage and replicas; then the configuration
   rules (``rules.py``) over the ARM answer and what the chain saw.

What each problem is called, how it is worded and which topic explains it: ``codes.py``.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from bot.azure.clients import Arm
from bot.azure.health.codes import PROBLEMS
from bot.azure.health.probes import (
    ChainResult,
    Probes,
    Resolver,
    failure,
    split_host,
    system_resolver,
)
from bot.azure.health.rules import configuration
from bot.azure.names import parse_registry
from bot.azure.registries import Registries
from bot.azure.reports import OK, Check, HealthReport, RegistryRef
from bot.errors import AzureError
from bot.store import Store
from bot.words import say

__all__ = ["ORDER", "HealthChecker", "Resolver"]

# The order lines appear in, whatever order the checks finish in.
ORDER = (
    "arm",
    "provisioning",
    "dns",
    "dns-data-endpoints",
    "replicas",
    "tls",
    "challenge",
    "refresh-token",
    "access-token",
    "public-network",
    "network-rules",
    "admin-user",
    "anonymous-pull",
    "storage",
    "retention",
    "soft-delete",
    "encryption-identity",
)


class HealthChecker:
    def __init__(
        self,
        arm: Arm,
        store: Store,
        registries: Registries,
        *,
        resolver: Resolver | None = None,
        timeout: float | None = None,
    ) -> None:
        self.registries = registries
        self.timeout = timeout or min(arm.settings.azure_timeout_seconds, 10.0)
        self.probes = Probes(arm, store, registries, resolver or system_resolver, self.timeout)

    def run(self, text: str) -> HealthReport:
        started = time.monotonic()
        argument = parse_registry(text)  # bad input is the user's, raise it as such
        pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")
        try:
            checks, ref, body = self._stage_arm(pool, text)
            login_server = ref.login_server if ref else f"{argument.name}.{self.probes.suffix}"
            checks += self._stage_network(pool, login_server, ref, body)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        rank = {name: n for n, name in enumerate(ORDER)}
        checks.sort(key=lambda c: rank.get(c.name, len(ORDER)))
        name = ref.name if ref else argument.name
        return HealthReport(name, login_server, checks, round(time.monotonic() - started, 2))

    def _stage_arm(
        self, pool: ThreadPoolExecutor, text: str
    ) -> tuple[list[Check], RegistryRef | None, dict[str, Any] | None]:
        def lookup() -> tuple[RegistryRef, dict[str, Any]]:
            ref = self.registries.resolve(text)
            body = self.registries.get(ref.subscription_id, ref.resource_group, ref.name)
            return ref, body

        future = pool.submit(lookup)
        done, _ = wait([future], timeout=self.timeout)
        if not done:
            return [PROBLEMS["arm-timeout"].check("arm", timeout=self.timeout)], None, None
        try:
            ref, body = future.result()
        except AzureError as exc:
            known = exc.kind in ("not_found", "forbidden")
            problem = PROBLEMS["arm-not-found" if known else "arm-failed"]
            return [problem.check("arm", message=exc.user_message)], None, None
        found = "health.arm-found" if ref.location else "health.arm-found-anywhere"
        detail = say(
            found, sku=ref.sku, name=ref.name, location=ref.location, group=ref.resource_group
        )
        return [Check("arm", OK, detail)], ref, body

    def _stage_network(
        self,
        pool: ThreadPoolExecutor,
        login_server: str,
        ref: RegistryRef | None,
        body: dict[str, Any] | None,
    ) -> list[Check]:
        probes = self.probes
        props: dict[str, Any] = (body or {}).get("properties") or {}
        host, port = split_host(login_server)
        futures: dict[str, Future[list[Check]]] = {
            "dns": pool.submit(lambda: [probes.dns("dns", [host], port)]),
        }
        chain = ChainResult()
        futures["chain"] = pool.submit(probes.chain, login_server, chain, ref is not None)
        data_hosts = [str(h) for h in props.get("dataEndpointHostNames") or []]
        if props.get("dataEndpointEnabled") and data_hosts:
            futures["dns-data-endpoints"] = pool.submit(
                lambda: [probes.dns("dns-data-endpoints", data_hosts, 443)]
            )
        if ref is not None:
            futures["storage"] = pool.submit(lambda: [probes.storage(ref)])
            futures["replicas"] = pool.submit(lambda: [probes.replicas(ref)])
        wait(list(futures.values()), timeout=self.timeout)
        checks: list[Check] = []
        for key, future in futures.items():
            if future.done():
                try:
                    checks += future.result()
                except Exception as exc:
                    checks.append(PROBLEMS["probe-crashed"].check(key, reason=failure(exc)))
            elif key == "chain":
                checks += chain.unfinished(self.timeout)
            else:
                checks.append(PROBLEMS["probe-timeout"].check(key, timeout=self.timeout))
        if ref is None:
            return checks
        return checks + configuration(body or {}, chain.v2_status)
