"""The Azure commands through the Slack app: two replicas of the app (in this process) on one
Redis, fake Slack, fake Azure. Clicks land on either replica; confirmations are per user,
single-use and expire."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.azure.replicas import slack_on_azure
from tests.fakes.arm import FakeArm
from tests.fakes.clock import FakeClock
from tests.fakes.local_bot import LocalBot
from tests.fakes.running_bot import usable_knowledge_dir
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.slack import payloads as p

ADMIN = "U0ALICE001"
OTHER = "U0MALLORY1"
ONCALL = "U0BOBONCAL"  # not an admin, but a member of the on-call admin group
ONCALL_GROUP = "S0ONCALL01"
RUSSIAN_ADMIN = "U0OLGA0001"  # a member of the on-call group whose Slack locale is ru-RU
AUDIT = "C0AUDIT001"
SHORT_CONFIRM = 60  # the second replica's confirmations expire after a minute


@dataclass
class Replicas:
    slack: FakeSlackAPI
    bots: list[LocalBot]
    arm: FakeArm
    clock: FakeClock


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    """Two replicas of the app (HTTP mode) sharing Redis and a clock, wired to the Azure fakes;
    the second one's confirmations expire after a minute."""
    knowledge = usable_knowledge_dir(Path(tmp_path_factory.mktemp("knowledge")))
    settings = {
        "ACRBOT_ADMINS": ADMIN,
        "ACRBOT_ADMIN_GROUPS": ONCALL_GROUP,
        "ACRBOT_AUDIT_CHANNEL": AUDIT,
    }
    confirms = [{"ACRBOT_CONFIRM_SECONDS": ttl} for ttl in ("600", str(SHORT_CONFIRM))]
    with slack_on_azure(knowledge, confirms, **settings) as world:
        world.arm.add_registry("contosoprod", login_server=world.registry.login_server)
        world.arm.add_registry(
            "riskyregistry",
            login_server=world.registry.login_server,
            properties={"anonymousPullEnabled": True},
        )
        # members are fixed for the module: the bot caches a group's members for a minute
        world.slack.usergroups[ONCALL_GROUP] = [ONCALL, RUSSIAN_ADMIN]
        yield Replicas(world.slack, world.bots, world.arm, world.clock)


def command(env: Replicas, text: str, *, user: str = ADMIN, replica: int = 0) -> Call:
    """Send `/acr <text>` to one replica; return what it answered on the response_url."""
    hook = env.slack.hook_url()
    body = p.command_form(text, response_url=hook, channel=p.new_channel(), user=user)
    assert env.bots[replica].command(body).status == 200
    return env.bots[replica].hook(hook)


def click(
    env: Replicas, button: dict[str, Any], *, user: str = ADMIN, replica: int = 0
) -> list[Call]:
    """Click ``button`` on one replica; return every answer that came to its response_url."""
    hook = env.slack.hook_url()
    payload = p.click(
        button,
        channel=p.new_channel(),
        message_ts=p.new_ts(),
        thread_ts=None,
        response_url=hook,
        user=user,
        ephemeral=True,
    )
    bot = env.bots[replica]
    assert bot.click(payload) == 200
    bot.idle()
    return env.slack.find("hook", hook=env.slack.hook_path(hook))


def buttons(call: Call, action_id: str) -> list[dict[str, Any]]:
    return [b for b in call.buttons() if b["action_id"].startswith(action_id)]


def test_usage_answers_with_bars_and_tier(replicas: Replicas) -> None:
    """`/acr usage` answers privately with each usage row, a bar and the tier."""
    answer = command(replicas, "usage contosoprod")
    text = answer.block_text()
    assert "Usage of contosoprod" in text and "(Standard)" in text
    assert "Size: 11.8 MiB of 100.0 GiB" in text and "Webhooks: 2 of 10 20%" in text
    assert "█" in text or "░" in text
    assert answer.params.get("response_type") == "ephemeral"


def test_runs_lists_the_runs(replicas: Replicas) -> None:
    """`/acr runs --status Failed` lists the failed runs."""
    replicas.arm.add_runs("contosoprod", 2, status="Failed", task="nightly", start=900)
    text = command(replicas, "runs contosoprod --status failed --task nightly").block_text()
    assert "`ca900` Failed" in text and "`ca901` Failed" in text


def test_bad_registry_name_is_a_plain_sentence(replicas: Replicas) -> None:
    """A malformed registry name is answered with what a name looks like."""
    answer = command(replicas, "usage not-a-registry")
    assert "5 to 50 letters and digits" in str(answer.params.get("text"))


def test_check_health_has_explain_buttons_that_open_the_topic(replicas: Replicas) -> None:
    """Health lines with a topic carry an Explain button; clicking it shows that topic."""
    answer = command(replicas, "check-health riskyregistry")
    text = answer.block_text()
    assert "check-health riskyregistry" in text and "access-token" in text
    explain = buttons(answer, "acr_health_topic")
    assert [b["value"] for b in explain] == ["anonymous-pull"]
    shown = click(replicas, explain[0], replica=1)[0]
    assert shown.params.get("replace_original") is False
    assert "anonymous" in shown.block_text().lower()


def test_cancel_confirmed_on_the_other_replica_and_double_click(replicas: Replicas) -> None:
    """Ask on one replica, confirm on the other: every run is cancelled once; a second click
    is told the confirmation was used."""
    ids = replicas.arm.add_runs("contosoprod", 4, task="runaway", start=100)
    answer = command(replicas, "cancel-runs contosoprod --task runaway")
    assert "About to cancel 4 run(s)" in str(answer.params.get("text"))
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    assert confirm["style"] == "danger" and confirm["confirm"]["style"] == "danger"
    assert "4 running or queued run(s)" in confirm["confirm"]["text"]["text"]
    updates = click(replicas, confirm, replica=1)
    assert all(u.params.get("replace_original") is True for u in updates)
    assert "Cancelling 4 run(s)" in str(updates[0].params.get("text"))
    assert "4 cancelled, 0 skipped, 0 failed" in updates[-1].block_text()
    assert all(replicas.arm.cancelled[run_id] == 1 for run_id in ids)
    again = click(replicas, confirm, replica=0)[0]
    assert "already used" in str(again.params.get("text"))
    assert all(replicas.arm.cancelled[run_id] == 1 for run_id in ids)


def test_someone_elses_click_cancels_nothing(replicas: Replicas) -> None:
    """Another user clicking the confirm button is refused; the owner can still confirm."""
    ids = replicas.arm.add_runs("contosoprod", 2, task="owned", start=200)
    answer = command(replicas, "cancel-runs contosoprod --task owned")
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    refused = click(replicas, confirm, user=OTHER)[0]
    assert f"Only <@{ADMIN}>" in str(refused.params.get("text"))
    assert all(replicas.arm.cancelled[run_id] == 0 for run_id in ids)
    done = click(replicas, confirm, replica=1)
    assert "2 cancelled" in done[-1].block_text()


def test_expired_confirmation_cancels_nothing(replicas: Replicas) -> None:
    """A confirm click after the confirmation expired cancels nothing and says so."""
    ids = replicas.arm.add_runs("contosoprod", 1, task="late", start=300)
    answer = command(replicas, "cancel-runs contosoprod --task late", replica=1)
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    replicas.clock.advance(SHORT_CONFIRM + 1)
    expired = click(replicas, confirm, replica=0)[0]
    assert "expired" in str(expired.params.get("text"))
    assert replicas.arm.cancelled[ids[0]] == 0


def test_keep_button_aborts(replicas: Replicas) -> None:
    """ "Keep them" discards the confirmation; nothing is cancelled."""
    ids = replicas.arm.add_runs("contosoprod", 1, task="kept", start=400)
    answer = command(replicas, "cancel-runs contosoprod --task kept")
    kept = click(replicas, buttons(answer, "acr_cancel_abort")[0], replica=1)[0]
    assert "nothing was cancelled" in str(kept.params.get("text"))
    assert replicas.arm.cancelled[ids[0]] == 0


def test_unauthorised_user_is_refused_and_audited(replicas: Replicas) -> None:
    """A non-admin asking to cancel gets a plain refusal, posted to the audit channel too."""
    replicas.arm.add_runs("contosoprod", 1, task="guarded", start=500)
    answer = command(replicas, "cancel-runs contosoprod --task guarded", user=OTHER)
    assert "limited to the people and groups" in str(answer.params.get("text"))
    assert not buttons(answer, "acr_cancel_confirm")
    replicas.bots[0].idle()
    posts = replicas.slack.find("chat.postMessage", channel=AUDIT)
    assert any(
        f"<@{OTHER}>" in str(c.params.get("text")) and "refused" in str(c.params.get("text"))
        for c in posts
    )


def test_run_command_button_from_a_triage_answer_runs_check_health(replicas: Replicas) -> None:
    """The triage answer's "run the bot command" button runs check-health for its registry."""
    button = {
        "action_id": "acr_run_command",
        "text": {"type": "plain_text", "text": "Run check-health for contosoprod"},
        "value": json.dumps({"command": "check-health", "args": ["contosoprod"]}),
    }
    answer = click(replicas, button)[0]
    assert "check-health contosoprod" in answer.block_text()


def test_member_of_an_admin_group_may_cancel(replicas: Replicas) -> None:
    """A user granted through ACRBOT_ADMIN_GROUPS (looked up with usergroups.users.list) may
    confirm a cancel; the lookup is what Slack would receive."""
    ids = replicas.arm.add_runs("contosoprod", 2, task="oncall", start=600)
    answer = command(replicas, "cancel-runs contosoprod --task oncall", user=ONCALL)
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    done = click(replicas, confirm, user=ONCALL, replica=1)
    assert "2 cancelled" in done[-1].block_text()
    assert all(replicas.arm.cancelled[run_id] == 1 for run_id in ids)
    assert replicas.slack.find("usergroups.users.list", usergroup=ONCALL_GROUP)


def test_group_membership_is_asked_of_slack_once_for_a_burst_of_checks(
    replicas: Replicas,
) -> None:
    """A command, a refused click and the confirming click on the other replica need the
    group's members three times; Slack's rate-limited method is called once."""
    replicas.arm.add_runs("contosoprod", 1, task="burst", start=800)
    answer = command(replicas, "cancel-runs contosoprod --task burst", user=ONCALL)
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    click(replicas, confirm, user=OTHER)
    done = click(replicas, confirm, user=ONCALL, replica=1)
    assert "1 cancelled" in done[-1].block_text()
    assert len(replicas.slack.find("usergroups.users.list", usergroup=ONCALL_GROUP)) == 1


def test_a_russian_speaking_admin_reads_the_whole_cancel_in_russian(replicas: Replicas) -> None:
    """Slack locale ru-RU: the confirmation, the progress and the outcome are Russian, on
    whichever replica the click lands; the other user's refusal is Russian too."""
    russian = RUSSIAN_ADMIN
    replicas.slack.locales[russian] = "ru-RU"
    ids = replicas.arm.add_runs("contosoprod", 2, task="nightly-ru", start=700)
    answer = command(replicas, "cancel-runs contosoprod --task nightly-ru", user=russian)
    assert "В *contosoprod* будут отменены 2 запуска:" in str(answer.params.get("text"))
    confirm = buttons(answer, "acr_cancel_confirm")[0]
    assert confirm["text"]["text"] == "Отменить 2 запуска"
    refused = click(replicas, confirm, user=OTHER)[0]
    assert f"Only <@{russian}>" in str(refused.params.get("text"))  # OTHER reads English
    done = click(replicas, confirm, user=russian, replica=1)
    assert "Отменяю 2 запуска" in str(done[0].params.get("text"))
    assert "отменено 2, пропущено 0, с ошибкой 0" in done[-1].block_text()
    assert all(replicas.arm.cancelled[run_id] == 1 for run_id in ids)
    usage = command(replicas, "usage contosoprod", user=russian).block_text()
    assert "*Использование contosoprod* (Standard)" in usage and "Данные на" in usage
