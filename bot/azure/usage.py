"""`usage <registry>`: every usage row Azure reports, with percent, tier and a warning level.

The report is cached in the shared store for ``ACRBOT_USAGE_CACHE_SECONDS`` with single-flight,
so many people asking at once, on any replica, cause one ARM call; ``refresh`` skips the cache.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.azure.arm_errors import Target
from bot.azure.cache import single_flight
from bot.azure.clients import Arm
from bot.azure.reports import RegistryRef, UsageReport, UsageRow, iso
from bot.store import Store


def fetch_usage(arm: Arm, store: Store, ref: RegistryRef, refresh: bool = False) -> UsageReport:
    """The usage of one registry, from the cache when fresh enough."""
    ttl = float(arm.settings.usage_cache_seconds)

    def compute() -> str:
        client = arm.mgmt(ref.subscription_id)
        target = Target("usage", registry=ref.name, scope=ref.id, need="usage")
        result = arm.call(
            "registries.list_usages",
            target,
            lambda: client.registries.list_usages(ref.resource_group, ref.name),
        )
        rows = [
            UsageRow(
                name=str(row.name or "?"),
                current=int(row.current_value or 0),
                limit=int(row.limit) if row.limit is not None else None,
                unit=str(row.as_dict().get("unit") or ""),
            )
            for row in (result.value or [])
        ]
        measured = iso(datetime.now(UTC))
        report = UsageReport(ref.name, ref.login_server, ref.sku, rows, measured)
        return report.to_json()

    raw, cached = single_flight(
        store,
        f"azure:usage:{ref.id.lower()}",
        ttl,
        compute,
        cache="usage",
        refresh=refresh,
        wait=arm.settings.azure_timeout_seconds * 2,
    )
    return UsageReport.from_json(raw, cached)
