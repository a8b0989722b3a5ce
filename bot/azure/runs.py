"""ACR Tasks runs: list them, find the active ones, cancel many at once.

Cancel goes through the tasks client's pipeline as a raw POST: the service may answer 200 or 202
and both mean "accepted" (the generated ``runs.cancel`` only accepts 200). A run that finished
between listing and cancelling is reported as skipped, not as a failure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from azure.core.exceptions import HttpResponseError

from bot.azure.arm_errors import Target, translate
from bot.azure.clients import TASKS_API, Arm
from bot.azure.reports import (
    ACTIVE_RUN_STATUSES,
    TERMINAL_RUN_STATUSES,
    CancelResult,
    RegistryRef,
    RunInfo,
    RunsReport,
)
from bot.errors import AzureError, BadInput
from bot.mrkdwn import quote
from bot.words import say

MAX_ACTIVE = 1000
_TASK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,49}$")


def check_task_name(task: str | None) -> None:
    if task is not None and not _TASK.match(task):
        raise BadInput(say("bad_task", task=quote(task)))


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return str(value)


def _run(item: Any) -> RunInfo:
    body = item.as_dict() if hasattr(item, "as_dict") else dict(item)
    props = body.get("properties") or {}
    return RunInfo(
        run_id=str(props.get("runId") or body.get("name")),
        status=str(props.get("status") or "Unknown"),
        task=props.get("task"),
        create_time=_iso(props.get("createTime")),
        finish_time=_iso(props.get("finishTime")),
        run_type=props.get("runType"),
    )


def build_filter(statuses: tuple[str, ...] = (), task: str | None = None) -> str | None:
    clauses = []
    if len(statuses) == 1:
        clauses.append(f"status eq '{statuses[0]}'")
    elif statuses:
        clauses.append("(" + " or ".join(f"status eq '{s}'" for s in statuses) + ")")
    if task:
        clauses.append(f"TaskName eq '{task}'")
    return " and ".join(clauses) or None


def list_runs(
    arm: Arm,
    ref: RegistryRef,
    status: str | None = None,
    task: str | None = None,
    top: int | None = 20,
) -> RunsReport:
    """Newest runs first, at most ``top`` (None: every page)."""
    check_task_name(task)
    runs = _fetch(arm, ref, (status,) if status else (), task, top)
    return RunsReport(ref.name, runs, status, task)


def list_active(arm: Arm, ref: RegistryRef, task: str | None = None) -> RunsReport:
    """Running, started and queued runs: what cancel-runs would stop."""
    check_task_name(task)
    runs = _fetch(arm, ref, ACTIVE_RUN_STATUSES, task, None)
    return RunsReport(ref.name, runs, "active", task)


def _fetch(
    arm: Arm, ref: RegistryRef, statuses: tuple[str, ...], task: str | None, top: int | None
) -> list[RunInfo]:
    client = arm.tasks(ref.subscription_id)
    query = build_filter(statuses, task)
    target = Target("runs", registry=ref.name, scope=ref.id, need="runs")

    def fetch() -> list[RunInfo]:
        kwargs: dict[str, Any] = {}
        if query:
            kwargs["filter"] = query
        if top:
            kwargs["top"] = top
        found: list[RunInfo] = []
        limit = top or MAX_ACTIVE
        for item in client.runs.list(ref.resource_group, ref.name, **kwargs):
            found.append(_run(item))
            if len(found) >= limit:
                break
        return found

    return arm.call("runs.list", target, fetch)


def cancel_one(arm: Arm, ref: RegistryRef, run_id: str) -> tuple[str, str]:
    """Cancel one run: ("cancelled", "") | ("skipped", reason) | ("failed", sentence)."""
    path = f"{ref.id}/runs/{run_id}/cancel"
    target = Target("cancel_run", ref.name, ref.id, need="cancel", run=run_id)

    def post() -> int:
        response = arm.raw(ref.subscription_id, "POST", path, TASKS_API)
        if response.status_code in (200, 202):
            return response.status_code
        raise HttpResponseError(response=response)

    try:
        arm.call("runs.cancel", target, post)
        return "cancelled", ""
    except AzureError as exc:
        if exc.kind not in ("conflict", "unknown", "not_found"):
            return "failed", exc.user_message
        first = exc
    try:
        status = _status(arm, ref, run_id)
    except AzureError:
        return "failed", first.user_message
    if status in TERMINAL_RUN_STATUSES:
        return "skipped", say("cancel.already", status=status)
    return "failed", first.user_message


def _status(arm: Arm, ref: RegistryRef, run_id: str) -> str:
    client = arm.tasks(ref.subscription_id)
    target = Target("read_run", ref.name, ref.id, need="runs", run=run_id)
    run = arm.call(
        "runs.get", target, lambda: client.runs.get(ref.resource_group, ref.name, run_id)
    )
    return _run(run).status


def cancel_all(
    arm: Arm,
    ref: RegistryRef,
    run_ids: list[str],
    parallelism: int = 20,
    progress: Callable[[str, str, str], None] | None = None,
) -> CancelResult:
    """Cancel every run concurrently, at most ``parallelism`` at once; result keeps the order."""
    result = CancelResult(ref.name)
    if not run_ids:
        return result

    def work(run_id: str) -> tuple[str, str, str]:
        try:
            outcome, detail = cancel_one(arm, ref, run_id)
        except Exception as exc:  # a bug or an odd SDK failure must not lose the other runs
            target = Target("cancel_some_run", ref.name, ref.id, need="cancel")
            outcome, detail = "failed", translate(exc, target).user_message
        if progress is not None:
            progress(run_id, outcome, detail)
        return run_id, outcome, detail

    workers = max(1, min(parallelism, len(run_ids)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cancel") as pool:
        for run_id, outcome, detail in pool.map(work, run_ids):
            if outcome == "cancelled":
                result.cancelled.append(run_id)
            elif outcome == "skipped":
                result.skipped.append((run_id, detail))
            else:
                result.failed.append((run_id, detail))
    return result
