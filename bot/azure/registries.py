"""Registry argument → the registry resource: name (any case), login server, or resource id.

Lookups by name search the configured subscriptions (or every subscription the identity can
read) and are cached in the shared store, single-flight, so a crowd asking about the same
registry costs one listing.
"""

from __future__ import annotations

from typing import Any

from bot.azure.arm_errors import Target
from bot.azure.cache import single_flight
from bot.azure.clients import Arm
from bot.azure.names import RegistryArgument, parse_registry
from bot.azure.reports import RegistryRef
from bot.errors import AzureError
from bot.store import Store
from bot.words import say

REGISTRY_TTL = 3600.0


class Registries:
    """Name → RegistryRef, and the full registry resource for health checks."""

    def __init__(self, arm: Arm, store: Store) -> None:
        self.arm = arm
        self.store = store

    def resolve(self, text: str) -> RegistryRef:
        argument = parse_registry(text)
        key = f"azure:registry:{argument.name}"
        if argument.subscription_id:
            key += f":{argument.subscription_id}:{argument.resource_group or ''}".lower()
        raw, _ = single_flight(
            self.store,
            key,
            REGISTRY_TTL,
            lambda: self._lookup(argument).to_json(),
            cache="registry",
            wait=self.arm.settings.azure_timeout_seconds * 2,
        )
        return RegistryRef.from_json(raw)

    def _lookup(self, argument: RegistryArgument) -> RegistryRef:
        if argument.subscription_id and argument.resource_group:
            return RegistryRef.from_resource(
                self.get(argument.subscription_id, argument.resource_group, argument.name)
            )
        subscriptions = self.arm.subscriptions()
        for subscription in subscriptions:
            client = self.arm.mgmt(subscription)
            target = Target(
                "registries", scope=f"/subscriptions/{subscription}", subscription=subscription
            )

            def search(client: Any = client) -> dict[str, Any] | None:
                for registry in client.registries.list():
                    body: dict[str, Any] = registry.as_dict()
                    if str(body.get("name", "")).lower() == argument.name:
                        return body
                return None

            found = self.arm.call("registries.list", target, search)
            if found is not None:
                return RegistryRef.from_resource(found)
        sentence = (
            say("azure.not_found_in", registry=argument.name, count=len(subscriptions))
            if subscriptions
            else say("azure.not_found_anywhere", registry=argument.name)
        )
        raise AzureError(sentence, kind="not_found", status=404)

    def get(self, subscription: str, resource_group: str, name: str) -> dict[str, Any]:
        """The full registry resource as Azure returns it (camelCase keys)."""
        scope = (
            f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{name}"
        )
        client = self.arm.mgmt(subscription)
        target = Target("read_registry", registry=name, scope=scope)
        body: dict[str, Any] = self.arm.call(
            "registries.get",
            target,
            lambda: client.registries.get(resource_group, name).as_dict(),
        )
        return body

    def replications(self, ref: RegistryRef) -> list[dict[str, Any]]:
        client = self.arm.mgmt(ref.subscription_id)
        target = Target("replications", registry=ref.name, scope=ref.id)
        return self.arm.call(
            "replications.list",
            target,
            lambda: [r.as_dict() for r in client.replications.list(ref.resource_group, ref.name)],
        )
