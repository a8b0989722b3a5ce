"""`runs` and `cancel-runs`: listing with filters and paging, cancelling, confirmations, access."""

from __future__ import annotations

import json
import threading
from urllib.parse import unquote

import pytest

from bot.access import Caller
from bot.azure.ops import AzureOps
from bot.azure.reports import CancelOutcome
from bot.commands.confirmations import confirm_cancel, keep_runs
from bot.errors import BadInput, ConfirmationError, NotAllowed
from bot.services import Services
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, run_command, services_for
from tests.fakes.clock import FakeClock

CLI = Caller("alice", source="cli")
ADMIN = Caller("U0ADMIN01", "C0ONCALL1", "slack")
STRANGER = Caller("U0OTHER01", "C0ONCALL1", "slack")


def ops_for(world: AzureWorld, store: MemoryStore | None = None, **env: str) -> AzureOps:
    settings = world.settings(ACRBOT_ADMINS="U0ADMIN01", **env)
    return AzureOps(settings, store or MemoryStore(), retry_total=0)


def admin_services(world: AzureWorld, store: MemoryStore | None = None, **env: str) -> Services:
    return services_for(world, store, ACRBOT_ADMINS="U0ADMIN01", **env)


def ask(services: Services, caller: Caller = ADMIN, text: str = "cancel-runs contosoprod") -> str:
    """`/acr cancel-runs` from Slack: the token of the confirmation it leaves pending."""
    outcome: CancelOutcome = run_command(services, text, caller)
    assert outcome.plan.token
    return outcome.plan.token


def test_runs_are_listed_newest_first_across_pages(world: AzureWorld) -> None:
    """Runs spread over several nextLink pages come back newest first, up to --top."""
    world.arm.page_size = 4
    world.arm.add_runs("contosoprod", 10, status="Succeeded")
    report = ops_for(world).runs("contosoprod", top=None)
    assert [r.run_id for r in report.runs] == [f"ca{n}" for n in range(10, 0, -1)]
    assert world.arm.calls["runs.list"] == 3


def test_runs_filter_by_status_and_task(world: AzureWorld) -> None:
    """--status and --task become an OData $filter; only matching runs are shown."""
    world.arm.add_runs("contosoprod", 2, status="Failed", task="nightly")
    world.arm.add_runs("contosoprod", 3, status="Failed", task="build", start=10)
    world.arm.add_runs("contosoprod", 1, status="Succeeded", task="nightly", start=20)
    report = ops_for(world).runs("contosoprod", status="Failed", task="nightly", top=5)
    assert sorted(r.run_id for r in report.runs) == ["ca1", "ca2"]
    query = world.arm.log[-1].query
    assert unquote(query["$filter"]) == "status eq 'Failed' and TaskName eq 'nightly'"
    assert query["$top"] == "5"


def test_task_names_that_could_change_the_filter_are_refused(world: AzureWorld) -> None:
    """A task name with quotes or spaces is bad input, not part of an OData filter."""
    with pytest.raises(BadInput, match="not a task name"):
        ops_for(world).runs("contosoprod", task="x' or status eq 'Running")


def test_cancel_accepts_200_and_202(world: AzureWorld) -> None:
    """Cancel answered with 200 or with 202 both count as cancelled."""
    ops = ops_for(world)
    ids = world.arm.add_runs("contosoprod", 2)
    plan = ops.plan_cancel(CLI, "contosoprod", confirm=False)
    world.arm.cancel_status = 202
    result = ops.cancel(plan.registry, [r.run_id for r in plan.runs.runs])
    assert sorted(result.cancelled) == sorted(ids) and result.ok
    world.arm.cancel_status = 200
    more = world.arm.add_runs("contosoprod", 1, start=50)
    result = ops.cancel(plan.registry, more)
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
    result = ops.cancel(plan.registry, [r.run_id for r in plan.runs.runs])
    assert sorted(result.cancelled) == ["ca1", "ca3"]
    assert result.skipped == [("ca2", "already Succeeded")]
    assert result.ok


def test_forbidden_cancel_is_a_failure_with_the_missing_role(world: AzureWorld) -> None:
    """A 403 on cancel is a failed run whose error says which role the identity needs."""
    ops = ops_for(world)
    world.arm.add_runs("contosoprod", 1)
    plan = ops.plan_cancel(CLI, "contosoprod", confirm=False)
    world.arm.fail("runs.cancel", 403, "AuthorizationFailed")
    result = ops.cancel(plan.registry, ["ca1"])
    assert not result.ok
    assert result.failed[0][0] == "ca1"
    assert "Contributor" in result.failed[0][1]


def test_confirmation_belongs_to_the_requester_and_works_once(world: AzureWorld) -> None:
    """Only the asker can confirm; a second confirm (double click) cancels nothing."""
    services = admin_services(world)
    world.arm.add_runs("contosoprod", 3)
    token = ask(services)
    with pytest.raises(ConfirmationError, match="Only <@U0ADMIN01>"):
        confirm_cancel(services, Caller("U0ADMIN02", "C0ONCALL1"), token)
    result = confirm_cancel(services, ADMIN, token)
    assert len(result.cancelled) == 3
    with pytest.raises(ConfirmationError, match="expired or was already used"):
        confirm_cancel(services, ADMIN, token)
    assert all(count == 1 for count in world.arm.cancelled.values())


def test_simultaneous_double_click_cancels_each_run_once(world: AzureWorld) -> None:
    """Two confirm clicks at the same moment: one cancels, the other is told it was used."""
    services = admin_services(world)
    world.arm.add_runs("contosoprod", 5)
    token = ask(services)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def click() -> None:
        barrier.wait()
        try:
            confirm_cancel(services, ADMIN, token)
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
    clock = FakeClock()
    services = admin_services(world, clock=clock, ACRBOT_CONFIRM_SECONDS="60")
    world.arm.add_runs("contosoprod", 1)
    token = ask(services)
    clock.advance(61)
    with pytest.raises(ConfirmationError, match="expired"):
        confirm_cancel(services, ADMIN, token)
    assert world.arm.calls["runs.cancel"] == 0


def test_keep_discards_the_confirmation(world: AzureWorld) -> None:
    """ "Keep them" cancels nothing, is logged, and leaves nothing to confirm."""
    services = admin_services(world)
    world.arm.add_runs("contosoprod", 1)
    token = ask(services)
    assert keep_runs(services, ADMIN, token) == "contosoprod"
    with pytest.raises(ConfirmationError):
        confirm_cancel(services, ADMIN, token)
    assert world.arm.calls["runs.cancel"] == 0
    assert services.audit.recent()[-2]["outcome"] == "aborted"


def test_cancel_is_denied_by_default_and_the_refusal_audited(world: AzureWorld) -> None:
    """A Slack user not in the admin list is refused in plain words, and that is audited."""
    services = admin_services(world)
    world.arm.add_runs("contosoprod", 1)
    with pytest.raises(NotAllowed, match="limited to the people and groups"):
        run_command(services, "cancel-runs contosoprod", STRANGER)
    assert world.arm.total_calls() == 0
    entry = services.audit.recent()[-1]
    assert entry["who"] == "U0OTHER01" and entry["outcome"] == "refused"
    assert entry["command"] == "cancel-runs" and entry["registry"] == "contosoprod"


def test_admin_group_membership_grants_cancel(world: AzureWorld) -> None:
    """A member of a group in ACRBOT_ADMIN_GROUPS may cancel."""
    services = admin_services(world, ACRBOT_ADMIN_GROUPS="S0ONCALL1")
    world.arm.add_runs("contosoprod", 1)
    member = Caller("U0MEMBER1", "C0ONCALL1", groups=lambda: frozenset({"S0ONCALL1"}))
    assert ask(services, member)


def test_access_is_checked_again_on_confirm(world: AzureWorld) -> None:
    """Someone removed from the admins between asking and confirming is refused on the click."""
    store = MemoryStore()
    world.arm.add_runs("contosoprod", 1)
    token = ask(admin_services(world, store))
    later = services_for(world, store, ACRBOT_ADMINS="U0OTHER01")
    with pytest.raises(NotAllowed):
        confirm_cancel(later, ADMIN, token)
    assert world.arm.calls["runs.cancel"] == 0


def test_registry_and_channel_limits_apply_to_every_command(world: AzureWorld) -> None:
    """With registry and channel allow-lists, other registries and channels are refused."""
    world.arm.add_registry("otherregistry")
    services = admin_services(
        world, ACRBOT_ALLOWED_REGISTRIES="contosoprod", ACRBOT_ALLOWED_CHANNELS="C0ONCALL1"
    )
    for command in ("usage", "check-health", "runs", "cancel-runs"):
        with pytest.raises(NotAllowed, match="not set up to work on registry `otherregistry`"):
            run_command(services, f"{command} otherregistry", ADMIN)
        with pytest.raises(NotAllowed, match="can only be used in <#C0ONCALL1>"):
            run_command(services, f"{command} contosoprod", Caller("U0ADMIN01", "C0RANDOM1"))
    assert world.arm.total_calls() == 0
    assert run_command(services, "usage contosoprod", ADMIN).registry == "contosoprod"


def test_bad_input_is_rejected_before_any_rule(world: AzureWorld) -> None:
    """A malformed registry name is bad input (and logged as rejected), not a refusal."""
    services = admin_services(world, ACRBOT_ALLOWED_REGISTRIES="contosoprod")
    with pytest.raises(BadInput, match="is not a registry name"):
        run_command(services, "cancel-runs not-a-registry", STRANGER)
    assert services.audit.recent()[-1]["outcome"] == "rejected"


def test_every_command_is_audited_with_run_ids(world: AzureWorld) -> None:
    """The audit stream records who, where, registry, command, outcome and the run ids."""
    store = MemoryStore()
    services = admin_services(world, store)
    world.arm.add_runs("contosoprod", 2)
    run_command(services, "runs contosoprod", ADMIN)
    confirm_cancel(services, ADMIN, ask(services))
    entries = services.audit.recent()
    assert [e["command"] for e in entries] == ["runs", "cancel-runs", "cancel-runs"]
    assert [e["outcome"] for e in entries] == ["ok", "asked", "ok"]
    assert entries[-1]["where"] == "C0ONCALL1"
    assert sorted(json.loads(entries[-1]["run_ids"])) == ["ca1", "ca2"]
    assert store.read_log("audit")[-1][1]["who"] == "U0ADMIN01"


def test_audit_channel_receives_a_line(world: AzureWorld) -> None:
    """With ACRBOT_AUDIT_CHANNEL and a poster, each audited command is posted there too."""
    posted: list[tuple[str, str]] = []
    services = admin_services(world, ACRBOT_AUDIT_CHANNEL="C0AUDIT01")
    services.audit.poster = lambda channel, text: posted.append((channel, text))
    run_command(services, "usage contosoprod", ADMIN)
    assert posted == [("C0AUDIT01", "<@U0ADMIN01> in <#C0ONCALL1>: `usage` `contosoprod` → ok")]


def test_the_command_line_asks_and_cancels_at_once(world: AzureWorld) -> None:
    """On a terminal cancel-runs shows the runs, asks, and cancels when the answer is yes."""
    services = admin_services(world)
    world.arm.add_runs("contosoprod", 2)
    asked: list[str] = []

    def answer(details: str, question: str) -> bool:
        asked.append(question)
        return len(asked) > 1  # no the first time, yes the second

    declined: CancelOutcome = run_command(services, "cancel-runs contosoprod", CLI, answer)
    assert declined.declined and world.arm.calls["runs.cancel"] == 0
    done: CancelOutcome = run_command(services, "cancel-runs contosoprod", CLI, answer)
    assert done.result is not None and sorted(done.result.cancelled) == ["ca1", "ca2"]
    assert asked == ["Cancel 2 run(s) in contosoprod? [y/N]"] * 2
    assert [e["outcome"] for e in services.audit.recent()] == ["declined", "ok"]
