"""The real Azure SDK clients, built lazily per subscription and shared by every thread.

All ARM traffic goes through :meth:`Arm.call`, which counts calls and errors in the metrics and
turns every SDK exception into a :class:`bot.errors.AzureError` with a readable sentence.
"""

from __future__ import annotations

import logging
import threading
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
        self._mgmt: dict[str, ContainerRegistryManagementClient] = {}
        self._tasks: dict[str, ContainerRegistryTasksMgmtClient] = {}
        self._registries: dict[str, ContainerRegistryClient] = {}
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
        client the bot builds, ARM and registry data plane alike."""
        timeout = self.settings.azure_timeout_seconds
        return {
            "retry_total": self.retry_total,
            "retry_backoff_factor": 0.5,
            "retry_backoff_max": 8,
            "connection_timeout": min(timeout, 10.0),
            "read_timeout": timeout,
            # an explicit transport ignores the client's time limits: it takes its own
            "transport": RequestsTransport(
                session=self._session,
                session_owner=False,
                connection_timeout=min(timeout, 10.0),
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
        with self._lock:
            client = self._registries.get(login_server)
            if client is None:
                client = ContainerRegistryClient(
                    f"https://{login_server}",
                    credential,
                    audience=audience,
                    **self.pipeline_options(),
                )
                self._registries[login_server] = client
            return client

    def mgmt(self, subscription: str) -> ContainerRegistryManagementClient:
        return self._client(self._mgmt, ContainerRegistryManagementClient, subscription)

    def tasks(self, subscription: str) -> ContainerRegistryTasksMgmtClient:
        return self._client(self._tasks, ContainerRegistryTasksMgmtClient, subscription)

    def _client(self, cache: dict[str, C], kind: Callable[..., C], subscription: str) -> C:
        """One SDK client per subscription and kind, built on first use, shared by threads."""
        credential = self.credential
        with self._lock:
            client = cache.get(subscription)
            if client is None:
                client = kind(
                    credential,
                    subscription,
                    self.settings.effective_arm_endpoint,
                    **self._options(),
                )
                cache[subscription] = client
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
            return fn()
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
