"""The real Azure SDK clients, built lazily per subscription (ARM) or login server (a registry's
data plane) and shared by every thread.

All Azure traffic goes through :meth:`Arm.call`, which bounds it by ACRBOT_AZURE_TIMEOUT end to
end (``bot.azure.timeouts``), counts calls and errors in the metrics and turns every SDK
exception into a :class:`bot.errors.AzureError` with a readable sentence. Every client is built
with :meth:`Arm.pipeline_options` (retries, time limits, the shared connection pool), so a new
kind of client gets the same limits. At most ``CLIENTS_PER_KIND`` clients are kept per kind
(the least recently used is closed): subscription ids and login servers come from what users
type.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import requests
from azure.containerregistry import ContainerRegistryClient
from azure.core import AzureClouds
from azure.core.credentials import TokenCredential
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest, HttpResponse
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerregistrytasks import ContainerRegistryTasksMgmtClient

from bot.azure.arm_errors import Target, translate
from bot.azure.credential import build_credential
from bot.azure.timeouts import BoundedRetryPolicy, DeadlinePolicy, within
from bot.config import Settings
from bot.errors import AzureError
from bot.observe.logging import event
from bot.observe.metrics import AZURE_CALLS, AZURE_ERRORS

T = TypeVar("T")
C = TypeVar("C")
log = logging.getLogger("bot.azure")

REGISTRY_API = "2025-11-01"
TASKS_API = "2025-03-01-preview"
SUBSCRIPTIONS_API = "2022-12-01"
ANY_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
CLIENTS_PER_KIND = 32
# Our cloud names → the SDK's, so AZURE_SDK_CLOUD_CONF in the environment cannot disagree.
SDK_CLOUDS = {
    "public": AzureClouds.AZURE_PUBLIC_CLOUD,
    "china": AzureClouds.AZURE_CHINA_CLOUD,
    "usgov": AzureClouds.AZURE_US_GOVERNMENT,
}


class Arm:
    """Clients for one bot process. ``retry_total`` bounds the SDK's own retries (it honours
    Retry-After on 429 and retries 5xx and transport errors)."""

    def __init__(
        self,
        settings: Settings,
        credential: TokenCredential | None = None,
        retry_total: int = 3,
        pool_size: int = 64,
    ) -> None:
        self.settings = settings
        self._credential = credential
        self.retry_total = retry_total
        self._lock = threading.Lock()
        self._mgmt: OrderedDict[str, ContainerRegistryManagementClient] = OrderedDict()
        self._tasks: OrderedDict[str, ContainerRegistryTasksMgmtClient] = OrderedDict()
        self._registries: OrderedDict[str, ContainerRegistryClient] = OrderedDict()
        self._session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=8, pool_maxsize=pool_size)
        self._session.mount("https://", adapter)
        self._session.mount("http://", adapter)

    @property
    def credential(self) -> TokenCredential:
        with self._lock:
            if self._credential is None:
                self._credential = build_credential(self.settings)
            return self._credential

    def _options(self) -> dict[str, Any]:
        return {
            "credential_scopes": [self.settings.cloud["arm_audience"]],
            "cloud_setting": SDK_CLOUDS[self.settings.azure_cloud],
            **self.pipeline_options(),
        }

    def pipeline_options(self) -> dict[str, Any]:
        """Retries, time limits and the shared connection pool: the same for every Azure
        client the bot builds (ARM and the registry data plane alike)."""
        timeout = self.settings.azure_timeout_seconds
        connect = min(timeout, 10.0)
        return {
            "retry_policy": BoundedRetryPolicy(
                retry_total=self.retry_total,
                retry_backoff_factor=0.5,
                retry_backoff_max=8,
                timeout=timeout,
            ),
            "per_retry_policies": [DeadlinePolicy(connect, timeout)],
            "connection_timeout": connect,
            "read_timeout": timeout,
            # a transport given to a client keeps its own time limits, not the client's
            "transport": RequestsTransport(
                session=self._session,
                session_owner=False,
                connection_timeout=connect,
                read_timeout=timeout,
            ),
        }

    def registry(self, login_server: str) -> ContainerRegistryClient:
        """The data-plane client of one registry, built on first use and shared by threads.

        It authenticates the way the SDK does: the registry's challenge, then the bot's Entra
        token (for the registry audience of the configured cloud) exchanged for registry
        tokens; the data plane never sees the Entra token itself or admin credentials.
        """
        credential = self.credential
        audience = self.settings.cloud["acr_audience"].removesuffix("/.default")
        return self._cached(
            self._registries,
            login_server,
            lambda: ContainerRegistryClient(
                f"https://{login_server}",
                credential,
                audience=audience,
                **self.pipeline_options(),
            ),
        )

    def mgmt(self, subscription: str) -> ContainerRegistryManagementClient:
        return self._client(self._mgmt, ContainerRegistryManagementClient, subscription)

    def tasks(self, subscription: str) -> ContainerRegistryTasksMgmtClient:
        return self._client(self._tasks, ContainerRegistryTasksMgmtClient, subscription)

    def _client(self, cache: OrderedDict[str, C], kind: Callable[..., C], subscription: str) -> C:
        """One SDK client per subscription and kind, built on first use, shared by threads."""
        credential = self.credential
        return self._cached(
            cache,
            subscription,
            lambda: kind(
                credential,
                subscription,
                self.settings.effective_arm_endpoint,
                **self._options(),
            ),
        )

    def _cached(self, cache: OrderedDict[str, C], key: str, build: Callable[[], C]) -> C:
        """The client ``cache`` holds for ``key``, built on first use; the least recently used
        goes beyond ``CLIENTS_PER_KIND`` (keys come from what people type: subscription ids,
        login servers). A client in use when it goes keeps working: the connection pool is
        the Arm's, not the client's."""
        with self._lock:
            client = cache.get(key)
            if client is None:
                client = build()
                cache[key] = client
                while len(cache) > CLIENTS_PER_KIND:
                    _, oldest = cache.popitem(last=False)
                    oldest.close()  # type: ignore[attr-defined]
            cache.move_to_end(key)
            return client

    def call(
        self,
        operation: str,
        target: Target,
        fn: Callable[[], T],
        translator: Callable[[BaseException], AzureError] | None = None,
    ) -> T:
        """Run one logical Azure call; count it; translate any failure into AzureError
        (with ``translator`` when the call has its own catalogue, as the data plane does)."""
        AZURE_CALLS.labels(operation=operation).inc()
        try:
            return within(self.settings.azure_timeout_seconds, fn)
        except AzureError as exc:
            AZURE_ERRORS.labels(operation=operation, kind=exc.kind).inc()
            raise
        except Exception as exc:
            error = translator(exc) if translator is not None else translate(exc, target)
            AZURE_ERRORS.labels(operation=operation, kind=error.kind).inc()
            event(
                log,
                "azure.error",
                logging.WARNING,
                operation=operation,
                kind=error.kind,
                status=error.info.status,
                code=error.info.code,
                registry=target.registry,
            )
            raise error from None

    def raw(self, subscription: str, method: str, path: str, api_version: str) -> HttpResponse:
        """A request through the tasks client's pipeline (auth, retries); the raw answer."""
        request = HttpRequest(method, "{endpoint}" + path, params={"api-version": api_version})
        return self.tasks(subscription).send_request(request)

    def subscriptions(self) -> list[str]:
        """The subscriptions to search: configured ones, else those the identity can read."""
        if self.settings.subscription_ids:
            return list(self.settings.subscription_ids)

        def fetch() -> list[str]:
            client = self.mgmt(ANY_SUBSCRIPTION)
            request = HttpRequest(
                "GET", "{endpoint}/subscriptions", params={"api-version": SUBSCRIPTIONS_API}
            )
            found: list[str] = []
            while True:
                response = client.send_request(request)
                response.raise_for_status()
                body = response.json()
                found += [s["subscriptionId"] for s in body.get("value", [])]
                link = body.get("nextLink")
                if not link:
                    return found
                request = HttpRequest("GET", link)

        return self.call("subscriptions.list", Target("subscriptions"), fetch)

    def close(self) -> None:
        for registry in self._registries.values():
            registry.close()
        for mgmt in self._mgmt.values():
            mgmt.close()
        for tasks in self._tasks.values():
            tasks.close()
        self._session.close()
