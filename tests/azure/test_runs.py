"""`runs` and `cancel-runs`: listing with filters and paging, cancelling, confirmations, access."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import unquote

import pytest

from bot.access import Caller
from bot.azure import AzureOps
from bot.errors import BadInput, ConfirmationError, NotAllowed
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld

CLI = Caller("alice", source="cli")
ADMIN = Caller("U0ADMIN01", "C0ONCALL1", "slack")
STRANGER = Caller("U0OTHER01", "C0ONCALL1", "slack")


def ops_for(world: AzureWorld, store: MemoryStore | None = None, **env: str) -> AzureOps:
    settings = world.settings(ACRBOT_ADMINS="U0ADMIN01", **env)
    return AzureOps(settings, store or MemoryStore(), retry_total=0)


def test_runs_are_listed_newest_first_across_pages(world: AzureWorld) -> None:
    """Runs spread over several nextLink pages come back newest first, up to --top."""
    world.arm.page_size = 4
    world.arm.add_runs("contosoprod", 10, status="Succeeded")
    report = ops_for(world).runs(CLI, "contosoprod", top=None)  # type: ignore[arg-type]
    assert [r.run_id for r in report.runs] == [f"ca{n}" for n in range(10, 0, -1)]
    assert world.arm.calls["runs.list"] == 3


def test_runs_filter_by_status_and_task(world: AzureWorld) -> None:
    """--status and --task become an OData $filter; only matching runs are shown."""
    world.arm.add_runs("contosoprod", 2, status="Failed", task="nightly")
    world.arm.add_runs("contosoprod", 3, status="Failed", task="build", start=10)
    world.arm.add_runs("contosoprod", 1, status="Succeeded", task="nightly", start=20)
    report = ops_for(world).runs(CLI, "contosoprod", status="Failed", task="nightly", top=5)
    assert sorted(r.run_id for r in report.runs) == ["ca1", "ca2"]
    query = world.arm.log[-1].query
    assert unquote(query["$filter"]) == "status eq 'Failed' and TaskName eq 'nightly'"
    assert query["$top"] == "5"


def test_task_names_that_could_change_the_filter_are_refused(world: AzureWorld) -> None:
    """A task name with quotes or spaces is bad input, not part of an OData filter."""
    with pytest.raises(BadInput, match="not a task name"):
        ops_for(world).runs(CLI, "contosoprod", task="x' or status eq 'Running")


def test_cancel_accepts_200_and_202(world: AzureWorld) -> None:
    """Cancel answered with 200 or with 202 both count as cancelled."""
    ops = ops_for(world)
    ids = world.arm.add_runs("contosoprod", 2)
    plan = ops.plan_cancel(CLI, "contosoprod", confirm=False)
    world.arm.cancel_status = 202
    result = ops.cancel_now(CLI, plan.registry, [r.run_id for r in plan.runs.runs])
    assert sorted(result.cancelled) == sorted(ids) and result.ok
    world.arm.cancel_status = 200
    more = world.arm.add_runs("contosoprod", 1, start=50)
    result = ops.cancel_now(CLI, plan.registry, more)
    assert result.cancelled == more


def test_cancel_lists_running_and_queued_only(world: AzureWorld) -> None:
    """cancel-runs plans to stop running, started and queued runs, not finished ones."""
    world.arm.add_runs("contosoprod", 2, status="Running")
    world.arm.add_runs("contosoprod", 1, status="Queued", start=10)
    world.arm.add_runs("contosoprod", 3, status="Succeeded", start=20)
    plan = ops_for(world).plan_cancel(CLI, "contosoprod", dry_run=True)
    assert sorted(r.run_id for r in plan.runs.runs) == ["ca1", "ca10", "ca2"]
    assert plan.token is None
    assert world.arm.calls["runs.cancel"] == 0


def test_run_finished_meanwhile_is_skipped(world: AzureWorld) -> None:
    """A run that finished between listing and cancelling is reported as skipped."""
    ops = ops_for(world)
    world.arm.add_runs("contosoprod", 3)
    plan = ops.plan_cancel(CLI, "contosoprod", confirm=False)
    world.arm.set_run_status("contosoprod", "ca2", "Succeeded")
    result = ops.cancel_now(CLI, plan.registry, [r.run_id for r in plan.runs.runs])
    assert sorted(result.cancelled) == ["ca1", "ca3"]
    assert result.skipped == [("ca2", "already Succeeded")]
    assert result.ok


def test_forbidden_cancel_is_a_failure_with_the_missing_role(world: AzureWorld) -> None:
    """A 403 on cancel is a failed run whose error says which role the identity needs."""
    ops = ops_for(world)
    world.arm.add_runs("contosoprod", 1)
    plan = ops.plan_cancel(CLI, "contosoprod", confirm=False)
    world.arm.fail("runs.cancel", 403, "AuthorizationFailed")
    result = ops.cancel_now(CLI, plan.registry, ["ca1"])
    assert not result.ok
    assert result.failed[0][0] == "ca1"
    assert "Contributor" in result.failed[0][1]


def test_confirmation_belongs_to_the_requester_and_works_once(world: AzureWorld) -> None:
    """Only the asker can confirm; a second confirm (double click) cancels nothing."""
    store = MemoryStore()
    ops = ops_for(world, store)
    world.arm.add_runs("contosoprod", 3)
    plan = ops.plan_cancel(ADMIN, "contosoprod")
    assert plan.token
    with pytest.raises(ConfirmationError, match="Only <@U0ADMIN01>"):
        ops.confirm_cancel(Caller("U0ADMIN02", "C0ONCALL1"), plan.token)
    result = ops.confirm_cancel(ADMIN, plan.token)
    assert len(result.cancelled) == 3
    with pytest.raises(ConfirmationError, match="expired or was already used"):
        ops.confirm_cancel(ADMIN, plan.token)
    assert all(count == 1 for count in world.arm.cancelled.values())


def test_simultaneous_double_click_cancels_each_run_once(world: AzureWorld) -> None:
    """Two confirm clicks at the same moment: one cancels, the other is told it was used."""
    store = MemoryStore()
    ops = ops_for(world, store)
    world.arm.add_runs("contosoprod", 5)
    plan = ops.plan_cancel(ADMIN, "contosoprod")
    assert plan.token is not None
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        barrier.wait()
        try:
            ops.confirm_cancel(ADMIN, plan.token or "")
            outcomes.append("cancelled")
        except ConfirmationError:
            outcomes.append("refused")

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["cancelled", "refused"]
    assert sum(world.arm.cancelled.values()) == 5


def test_expired_confirmation_is_refused(world: AzureWorld) -> None:
    """A confirmation clicked after it expired cancels nothing."""
    store = MemoryStore()
    settings = world.settings(ACRBOT_ADMINS="U0ADMIN01")
    ops = AzureOps(settings, store, retry_total=0, confirm_ttl=0.2)
    world.arm.add_runs("contosoprod", 1)
    plan = ops.plan_cancel(ADMIN, "contosoprod")
    time.sleep(0.4)
    with pytest.raises(ConfirmationError, match="expired"):
        ops.confirm_cancel(ADMIN, plan.token or "")
    assert world.arm.calls["runs.cancel"] == 0


def test_cancel_is_denied_by_default_and_the_refusal_audited(world: AzureWorld) -> None:
    """A Slack user not in the admin list is refused in plain words, and that is audited."""
    ops = ops_for(world)
    world.arm.add_runs("contosoprod", 1)
    with pytest.raises(NotAllowed, match="limited to the people and groups"):
        ops.plan_cancel(STRANGER, "contosoprod")
    assert world.arm.total_calls() == 0
    entry = ops.audit.recent()[-1]
    assert entry["who"] == "U0OTHER01" and entry["outcome"] == "refused"
    assert entry["command"] == "cancel-runs" and entry["registry"] == "contosoprod"


def test_admin_group_membership_grants_cancel(world: AzureWorld) -> None:
    """A member of a group in ACRBOT_ADMIN_GROUPS may cancel."""
    ops = ops_for(world, ACRBOT_ADMIN_GROUPS="S0ONCALL1")
    world.arm.add_runs("contosoprod", 1)
    member = Caller("U0MEMBER1", "C0ONCALL1", groups=lambda: frozenset({"S0ONCALL1"}))
    plan = ops.plan_cancel(member, "contosoprod")
    assert plan.token


def test_access_is_checked_again_on_confirm(world: AzureWorld) -> None:
    """Someone removed from the admins between asking and confirming is refused on the click."""
    store = MemoryStore()
    world.arm.add_runs("contosoprod", 1)
    plan = ops_for(world, store).plan_cancel(ADMIN, "contosoprod")
    later = AzureOps(world.settings(ACRBOT_ADMINS="U0OTHER01"), store, retry_total=0)
    with pytest.raises(NotAllowed):
        later.confirm_cancel(ADMIN, plan.token or "")
    assert world.arm.calls["runs.cancel"] == 0


def test_registry_and_channel_limits_apply_to_every_command(world: AzureWorld) -> None:
    """With registry and channel allow-lists, other registries and channels are refused."""
    world.arm.add_registry("otherregistry")
    ops = ops_for(
        world, ACRBOT_ALLOWED_REGISTRIES="contosoprod", ACRBOT_ALLOWED_CHANNELS="C0ONCALL1"
    )
    with pytest.raises(NotAllowed, match="not set up to work on registry `otherregistry`"):
        ops.usage(ADMIN, "otherregistry")
    with pytest.raises(NotAllowed, match="can only be used in <#C0ONCALL1>"):
        ops.usage(Caller("U0ADMIN01", "C0RANDOM1"), "contosoprod")
    assert ops.usage(ADMIN, "contosoprod").registry == "contosoprod"


def test_every_command_is_audited_with_run_ids(world: AzureWorld) -> None:
    """The audit stream records who, where, registry, command, outcome and the run ids."""
    store = MemoryStore()
    ops = ops_for(world, store)
    world.arm.add_runs("contosoprod", 2)
    ops.runs(ADMIN, "contosoprod")
    plan = ops.plan_cancel(ADMIN, "contosoprod")
    ops.confirm_cancel(ADMIN, plan.token or "")
    entries = ops.audit.recent()
    assert [e["command"] for e in entries] == ["runs", "cancel-runs", "cancel-runs"]
    assert [e["outcome"] for e in entries] == ["ok", "asked", "ok"]
    assert entries[-1]["where"] == "C0ONCALL1"
    assert sorted(json.loads(entries[-1]["run_ids"])) == ["ca1", "ca2"]
    assert store.read_log("audit")[-1][1]["who"] == "U0ADMIN01"


def test_audit_channel_receives_a_line(world: AzureWorld) -> None:
    """With ACRBOT_AUDIT_CHANNEL and a poster, each audited command is posted there too."""
    posted: list[tuple[str, str]] = []
    ops = ops_for(world, ACRBOT_AUDIT_CHANNEL="C0AUDIT01")
    ops.audit.poster = lambda channel, text: posted.append((channel, text))
    ops.usage(ADMIN, "contosoprod")
    assert posted == [("C0AUDIT01", "<@U0ADMIN01> in <#C0ONCALL1>: `usage` `contosoprod` → ok")]
