"""A fake Azure Resource Manager on 127.0.0.1 over TLS, serving the recorded example bodies.

It knows subscriptions, registries (list with nextLink paging, get, listUsages, replications)
and ACR Tasks runs (list with $filter/$top and nextLink paging, get, cancel answering 200 or
202). Faults are queued per operation: ``fail("runs.cancel", 403, "AuthorizationFailed")``.
Every call is counted per operation; ``delay`` adds latency to each call.
"""

from __future__ import annotations

import copy
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.azure_http import FakeServer, Reply, Request, TestCA
from tests.reference import azure_example as example

REGISTRY_API = "2025-11-01"
TASKS_API = "2025-03-01-preview"
TERMINAL = {"Succeeded", "Failed", "Canceled", "Error", "Timeout"}

_RG = r"/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)"
_REG = _RG + r"/providers/Microsoft\.ContainerRegistry/registries/(?P<name>[^/]+)"
ROUTES: list[tuple[str, str, re.Pattern[str]]] = [
    ("GET", "subscriptions.list", re.compile(r"^/subscriptions$")),
    (
        "GET",
        "registries.list",
        re.compile(
            r"^/subscriptions/(?P<sub>[^/]+)/providers/Microsoft\.ContainerRegistry/registries$"
        ),
    ),
    ("GET", "registries.get", re.compile(f"^{_REG}$")),
    ("GET", "registries.list_usages", re.compile(f"^{_REG}/listUsages$")),
    ("GET", "replications.list", re.compile(f"^{_REG}/replications$")),
    ("GET", "runs.list", re.compile(f"^{_REG}/runs$")),
    ("GET", "runs.get", re.compile(f"^{_REG}/runs/(?P<run>[^/]+)$")),
    ("POST", "runs.cancel", re.compile(f"^{_REG}/runs/(?P<run>[^/]+)/cancel$")),
]


@dataclass
class Fault:
    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class FakeRegistryState:
    subscription: str
    resource_group: str
    name: str
    body: dict[str, Any]
    usages: list[dict[str, Any]]
    replications: list[dict[str, Any]]
    runs: list[dict[str, Any]] = field(default_factory=list)


def arm_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}}, headers or {})


class FakeArm:
    """The fake ARM endpoint. ``url`` goes into ACRBOT_ARM_ENDPOINT / base_url."""

    def __init__(self, ca: TestCA, token_prefix: str = "mi-", page_size: int = 50) -> None:
        self.token_prefix = token_prefix
        self.page_size = page_size
        self.delay = 0.0
        self.cancel_status = 200
        self.registries: dict[str, FakeRegistryState] = {}
        self.subscriptions: list[str] = []
        self.calls: Counter[str] = Counter()
        self.cancelled: Counter[str] = Counter()
        self.log: list[Request] = []
        self._faults: dict[str, list[Fault]] = {}
        self._lock = threading.Lock()
        self.server = FakeServer(self.handle, ca)
        self.url = self.server.url

    def close(self) -> None:
        self.server.close()

    # --- state -------------------------------------------------------------------------
    def add_registry(
        self,
        name: str,
        *,
        subscription: str = "00000000-0000-0000-0000-000000000000",
        resource_group: str = "myResourceGroup",
        login_server: str | None = None,
        sku: str = "Standard",
        usages: list[dict[str, Any]] | None = None,
        properties: dict[str, Any] | None = None,
    ) -> FakeRegistryState:
        body = copy.deepcopy(example("management/2025-11-01/RegistryGet.json"))
        body["id"] = (
            f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{name}"
        )
        body["name"] = name
        body["sku"] = {"name": sku, "tier": sku}
        body["properties"]["loginServer"] = login_server or f"{name.lower()}.azurecr.io"
        body["properties"].update(properties or {})
        rows = usages
        if rows is None:
            rows = copy.deepcopy(example("management/2025-11-01/RegistryListUsages.json")["value"])
        replications = copy.deepcopy(example("management/2025-11-01/ReplicationList.json")["value"])
        state = FakeRegistryState(
            subscription, resource_group, name, body, rows, replications if sku == "Premium" else []
        )
        with self._lock:
            self.registries[name.lower()] = state
            if subscription not in self.subscriptions:
                self.subscriptions.append(subscription)
        return state

    def add_runs(
        self,
        registry: str,
        count: int,
        status: str = "Running",
        task: str = "build",
        start: int = 1,
    ) -> list[str]:
        template = example("tasks/2019-06-01-preview/RunsList.json")["value"][0]
        state = self.registries[registry.lower()]
        ids = []
        for number in range(start, start + count):
            run = copy.deepcopy(template)
            run_id = f"ca{number}"
            run["name"] = run_id
            run["id"] = state.body["id"] + f"/runs/{run_id}"
            props = run["properties"]
            props.update(runId=run_id, status=status, task=task)
            props["createTime"] = f"2026-11-29T10:{number // 60 % 60:02d}:{number % 60:02d}Z"
            if status not in TERMINAL:
                props.pop("finishTime", None)
            state.runs.append(run)
            ids.append(run_id)
        return ids

    def set_run_status(self, registry: str, run_id: str, status: str) -> None:
        for run in self.registries[registry.lower()].runs:
            if run["properties"]["runId"] == run_id:
                run["properties"]["status"] = status

    def run_status(self, registry: str, run_id: str) -> str:
        for run in self.registries[registry.lower()].runs:
            if run["properties"]["runId"] == run_id:
                return str(run["properties"]["status"])
        raise KeyError(run_id)

    def fail(
        self,
        operation: str,
        status: int,
        code: str,
        message: str = "",
        *,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` with an ARM error."""
        with self._lock:
            self._faults.setdefault(operation, []).append(
                Fault(status, code, message or f"Fake {code}", headers or {}, times)
            )

    def total_calls(self) -> int:
        return sum(self.calls.values())

    # --- serving -----------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if self.delay:
            time.sleep(self.delay)
        route = _route(request)
        if route is None:
            return arm_error(404, "NoRegisteredProviderFound", f"No route {request.path}")
        operation, found = route
        with self._lock:
            self.calls[operation] += 1
            self.log.append(request)
            fault = self._next_fault(operation)
        if not request.headers.get("authorization", "").startswith(f"Bearer {self.token_prefix}"):
            return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.")
        if fault is not None:
            return arm_error(fault.status, fault.code, fault.message, fault.headers)
        params = found.groupdict()
        expected = TASKS_API if operation.startswith("runs.") else REGISTRY_API
        if operation != "subscriptions.list" and request.query.get("api-version") != expected:
            return arm_error(400, "InvalidApiVersion", f"api-version {expected} expected")
        return getattr(self, "_" + operation.replace(".", "_"))(request, params)

    def _next_fault(self, operation: str) -> Fault | None:
        queue = self._faults.get(operation)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        return fault

    def _registry(self, params: dict[str, str]) -> FakeRegistryState | None:
        state = self.registries.get(params["name"].lower())
        if state is None or state.subscription != params["sub"]:
            return None
        if state.resource_group.lower() != params["rg"].lower():
            return None
        return state

    def _not_found(self, params: dict[str, str]) -> Reply:
        return arm_error(
            404,
            "ResourceNotFound",
            f"The Resource 'Microsoft.ContainerRegistry/registries/{params['name']}' under "
            f"resource group '{params['rg']}' was not found.",
        )

    def _page(self, request: Request, items: list[Any], size: int) -> Reply:
        skip = int(request.query.get("$skiptoken", "0") or 0)
        page = items[skip : skip + size]
        body: dict[str, Any] = {"value": page}
        if skip + size < len(items):
            query = "&".join(
                f"{k}={v}" for k, v in request.query.items() if k not in ("$skiptoken",)
            )
            query = query.replace(" ", "%20").replace("'", "%27")
            body["nextLink"] = f"{self.url}{request.path}?{query}&$skiptoken={skip + size}"
        return Reply(200, body)

    def _subscriptions_list(self, request: Request, params: dict[str, str]) -> Reply:
        value = [
            {
                "id": f"/subscriptions/{sub}",
                "subscriptionId": sub,
                "displayName": f"Subscription {n}",
                "state": "Enabled",
            }
            for n, sub in enumerate(self.subscriptions, 1)
        ]
        return Reply(200, {"value": value})

    def _registries_list(self, request: Request, params: dict[str, str]) -> Reply:
        items = [s.body for s in self.registries.values() if s.subscription == params["sub"]]
        return self._page(request, items, 2)

    def _registries_get(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        return Reply(200, state.body) if state else self._not_found(params)

    def _registries_list_usages(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        return Reply(200, {"value": state.usages}) if state else self._not_found(params)

    def _replications_list(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        return self._page(request, state.replications, 50) if state else self._not_found(params)

    def _runs_list(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        if state is None:
            return self._not_found(params)
        try:
            wanted = parse_filter(request.query.get("$filter", ""))
        except ValueError as exc:
            return arm_error(400, "InvalidFilter", str(exc))
        runs = [r for r in state.runs if _matches(r["properties"], wanted)]
        runs.sort(key=lambda r: r["properties"]["createTime"], reverse=True)
        if request.query.get("$top"):
            runs = runs[: int(request.query["$top"])]
        return self._page(request, runs, self.page_size)

    def _runs_get(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        run = self._find_run(state, params["run"]) if state else None
        if run is None:
            return arm_error(404, "ResourceNotFound", f"Run '{params['run']}' was not found.")
        return Reply(200, run)

    def _runs_cancel(self, request: Request, params: dict[str, str]) -> Reply:
        state = self._registry(params)
        run = self._find_run(state, params["run"]) if state else None
        if run is None:
            return arm_error(404, "ResourceNotFound", f"Run '{params['run']}' was not found.")
        with self._lock:
            status = run["properties"]["status"]
            if status in TERMINAL:
                return arm_error(
                    409, "RunNotCancelable", f"Run '{params['run']}' is {status} already."
                )
            run["properties"]["status"] = "Canceled"
            self.cancelled[params["run"]] += 1
        return Reply(self.cancel_status, None)

    @staticmethod
    def _find_run(state: FakeRegistryState | None, run_id: str) -> dict[str, Any] | None:
        for run in state.runs if state else []:
            if run["properties"]["runId"] == run_id:
                return run
        return None


def _route(request: Request) -> tuple[str, re.Match[str]] | None:
    for method, operation, pattern in ROUTES:
        found = pattern.match(request.path)
        if found and method == request.method:
            return operation, found
    return None


_CLAUSE = re.compile(r"^\s*(\w+)\s+eq\s+'([^']*)'\s*$", re.IGNORECASE)


def parse_filter(text: str) -> list[list[tuple[str, str]]]:
    """OData subset: clauses joined by `and`, each a (possibly parenthesised) `or` of `eq`."""
    if not text.strip():
        return []
    groups = []
    for raw in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        clause = raw.strip()
        if clause.startswith("(") and clause.endswith(")"):
            clause = clause[1:-1]
        options = []
        for part in re.split(r"\s+or\s+", clause, flags=re.IGNORECASE):
            found = _CLAUSE.match(part)
            if not found:
                raise ValueError(f"Invalid $filter clause: {part!r}")
            options.append((found.group(1).lower(), found.group(2)))
        groups.append(options)
    return groups


def _matches(props: dict[str, Any], groups: list[list[tuple[str, str]]]) -> bool:
    lowered = {k.lower(): v for k, v in props.items()}
    lowered["taskname"] = props.get("task")
    return all(any(str(lowered.get(key)) == value for key, value in g) for g in groups)
