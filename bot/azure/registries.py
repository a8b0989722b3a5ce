"""Registry argument → the registry resource: name (any case), login server, or resource id.

Lookups by name search the configured subscriptions (or every subscription the identity can
read) and are cached in the shared store, single-flight, so a crowd asking about the same
registry costs one listing.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from bot.azure.arm_errors import Target
from bot.azure.cache import single_flight
from bot.azure.clients import Arm
from bot.config import valid_registry_name
from bot.errors import AzureError, BadInput
from bot.store import Store

REGISTRY_TTL = 3600.0
_RESOURCE_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)"
    r"/providers/Microsoft\.ContainerRegistry/registries/(?P<name>[^/]+)/?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RegistryRef:
    """Where a registry lives and how to reach it."""

    name: str
    subscription_id: str
    resource_group: str
    id: str
    login_server: str
    sku: str
    location: str

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: str) -> RegistryRef:
        return cls(**json.loads(raw))

    @classmethod
    def from_resource(cls, body: dict[str, Any]) -> RegistryRef:
        found = _RESOURCE_ID.match(str(body.get("id", "")))
        if not found:
            raise AzureError("Azure returned a registry without a usable resource id.", "server")
        props = body.get("properties") or {}
        sku = body.get("sku") or {}
        return cls(
            name=str(body.get("name") or found.group("name")),
            subscription_id=found.group("sub"),
            resource_group=found.group("rg"),
            id=str(body["id"]),
            login_server=str(props.get("loginServer") or ""),
            sku=str(sku.get("name") or sku.get("tier") or "unknown"),
            location=str(body.get("location") or ""),
        )


@dataclass(frozen=True)
class RegistryArgument:
    """What the user typed, understood: a validated name and, for resource ids, the location."""

    name: str
    subscription_id: str | None = None
    resource_group: str | None = None


def parse_registry(text: str) -> RegistryArgument:
    """Understand a registry argument; raise BadInput with the accepted forms otherwise."""
    raw = text.strip()
    found = _RESOURCE_ID.match(raw)
    if found:
        name = found.group("name")
        _check_name(name, raw)
        return RegistryArgument(name.lower(), found.group("sub"), found.group("rg"))
    host = re.sub(r"^https?://", "", raw, flags=re.IGNORECASE).split("/", 1)[0]
    name = host.split(".", 1)[0].split("-", 1)[0] if "." in host else host
    _check_name(name, raw)
    return RegistryArgument(name.lower())


def _check_name(name: str, raw: str) -> None:
    if not valid_registry_name(name):
        shown = raw if len(raw) <= 80 else raw[:77] + "…"
        raise BadInput(
            f"`{shown}` is not a registry name. A registry name has 5 to 50 letters and digits "
            "(no dashes or dots); you can also give its login server (myregistry.azurecr.io) or "
            "its resource id."
        )


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
                f"list the registries in subscription {subscription}",
                scope=f"/subscriptions/{subscription}",
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
        where = f"{len(subscriptions)} subscription(s)" if subscriptions else "any subscription"
        raise AzureError(
            f"Registry `{argument.name}` was not found in {where} the bot's identity can read. "
            "Check the spelling; if it is right, give the identity Reader on the registry (or "
            "set AZURE_SUBSCRIPTION_ID to the subscription that holds it).",
            kind="not_found",
            status=404,
        )

    def get(self, subscription: str, resource_group: str, name: str) -> dict[str, Any]:
        """The full registry resource as Azure returns it (camelCase keys)."""
        scope = (
            f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{name}"
        )
        client = self.arm.mgmt(subscription)
        target = Target("read", registry=name, scope=scope)
        body: dict[str, Any] = self.arm.call(
            "registries.get",
            target,
            lambda: client.registries.get(resource_group, name).as_dict(),
        )
        return body

    def replications(self, ref: RegistryRef) -> list[dict[str, Any]]:
        client = self.arm.mgmt(ref.subscription_id)
        target = Target("list the replications of", registry=ref.name, scope=ref.id)
        return self.arm.call(
            "replications.list",
            target,
            lambda: [r.as_dict() for r in client.replications.list(ref.resource_group, ref.name)],
        )
