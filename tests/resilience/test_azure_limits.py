"""Azure calls that end in time, audit lines nobody can forge, and the smaller limits: through
the Slack app (two replicas in this process on one Redis) against the Azure fakes over TLS.

Replica 0 is set up like a pod with ACRBOT_AZURE_TIMEOUT=2 and an audit channel; replica 1
has just had its channel limit changed (ACRBOT_ALLOWED_CHANNELS), as in a rolling update.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.azure.clients import CLIENTS_PER_KIND, Arm
from bot.azure.health.probes import ChainResult, Probes, system_resolver
from bot.config import Settings
from bot.store import MemoryStore
from tests.azure.conftest import loopback_guard
from tests.azure.replicas import AzureSlack, slack_on_azure
from tests.fakes.slack_api import Call
from tests.slack import payloads as p

__all__ = ["loopback_guard"]  # every test here: nothing leaves 127.0.0.1

ADMIN = "U0ALICE001"
AUDIT = "C0AUDIT001"
OPS = "C0OPS00001"


@pytest.fixture(scope="module")
def world(knowledge_dir: Path) -> Iterator[AzureSlack]:
    """Replica 0 with the audit channel, replica 1 whose channel limit changed."""
    replicas = [{"ACRBOT_AUDIT_CHANNEL": AUDIT}, {"ACRBOT_ALLOWED_CHANNELS": AUDIT}]
    with slack_on_azure(
        knowledge_dir, replicas, ACRBOT_ADMINS=ADMIN, ACRBOT_AZURE_TIMEOUT="2"
    ) as world:
        world.arm.add_registry("contosoprod", login_server=world.registry.login_server)
        yield world


def command(world: AzureSlack, text: str, *, replica: int = 0, timeout: float = 30) -> Call:
    hook = world.slack.hook_url()
    body = p.command_form(text, response_url=hook, channel=OPS, user=ADMIN)
    assert world.bots[replica].command(body).status == 200
    return world.slack.wait_hook(hook, timeout=timeout)


def test_a_hanging_arm_gets_a_timeout_sentence_within_12_seconds(world: AzureSlack) -> None:
    """ACRBOT_AZURE_TIMEOUT=2 and ARM answering after 25 s: `/acr usage` says Azure did not
    answer in time, well within 12 s (it waited 300 s per call before)."""
    world.arm.delay = 25
    try:
        started = time.monotonic()
        answer = command(world, "usage contosoprod --refresh", timeout=12)
        elapsed = time.monotonic() - started
    finally:
        world.arm.delay = 0
    assert elapsed < 12
    assert "did not answer in time" in str(answer.params.get("text"))
    assert "Traceback" not in str(answer.params)


def test_a_retry_after_of_an_hour_is_not_waited_out(world: AzureSlack) -> None:
    """ARM throttling with Retry-After: 3600: the user hears it at once, with the wait."""
    world.arm.fail(
        "registries.list_usages", 429, "TooManyRequests", headers={"Retry-After": "3600"}
    )
    started = time.monotonic()
    answer = command(world, "usage contosoprod --refresh")
    assert time.monotonic() - started < 5
    text = str(answer.params.get("text"))
    assert "throttling" in text and "60 minutes" in text


@pytest.mark.parametrize(
    ("argument", "forgery"),
    [
        ("<!channel>", "<!channel>"),
        ("'prod` <@U0MALLORY1> `'", "<@U0MALLORY1>"),
        ('"x\n<@U0ALICE001>: `cancel-runs` `contosoprod` → ok"', "\n"),
    ],
    ids=["channel ping", "backticks close the code span", "a forged line"],
)
def test_a_registry_argument_cannot_forge_the_audit_line(
    world: AzureSlack, argument: str, forgery: str
) -> None:
    """What users type is quoted in the audit post and in their own answer: no ping, no closed
    code span, no second line."""
    answer = command(world, f"usage {argument}")
    world.bots[0].idle()
    audits = world.slack.find("chat.postMessage", channel=AUDIT)
    line = str(audits[-1].params["text"])
    assert "rejected" in line
    assert forgery not in line
    assert line.count("`") % 2 == 0
    reply = str(answer.params.get("text"))
    assert forgery.strip() == "" or forgery not in reply
    assert "&lt;" in line


def test_a_confirm_refused_by_the_channel_limit_leaves_the_confirmation(world: AzureSlack) -> None:
    """A click on the replica whose channel limit now excludes the channel is refused and
    cancels nothing; the confirmation still works where the command is allowed."""
    ids = world.arm.add_runs("contosoprod", 2, task="limited", start=700)
    answer = command(world, "cancel-runs contosoprod --task limited")
    confirm = next(b for b in answer.buttons() if b["action_id"] == "acr_cancel_confirm")
    refused = click(world, confirm, replica=1)
    assert "can only be used in" in str(refused[0].params.get("text"))
    assert all(world.arm.cancelled[run_id] == 0 for run_id in ids)
    done = click(world, confirm, replica=0)
    assert "2 cancelled" in done[-1].block_text()
    assert all(world.arm.cancelled[run_id] == 1 for run_id in ids)


def click(world: AzureSlack, button: dict[str, object], *, replica: int) -> list[Call]:
    hook = world.slack.hook_url()
    payload = p.click(
        button, channel=OPS, message_ts=p.new_ts(), thread_ts=None, response_url=hook, user=ADMIN
    )
    bot = world.bots[replica]
    assert bot.click(payload) == 200
    bot.idle()
    return world.slack.find("hook", hook=world.slack.hook_path(hook))


def test_the_bots_token_goes_only_to_registries_azure_found(world: AzureSlack) -> None:
    """check-health of a name ARM does not know: the chain stops after the challenge, the
    bot's Entra token is not offered to whatever answers at that name."""
    settings = Settings.from_env(world.env)
    arm = Arm(settings)
    probes = Probes(arm, MemoryStore(), None, system_resolver, 2.0)  # type: ignore[arg-type]
    before = world.registry.paths().count("POST /oauth2/exchange")
    checks = probes.chain(world.registry.login_server, ChainResult(), offer_token=False)
    arm.close()
    assert [(c.name, c.status) for c in checks] == [
        ("tls", "ok"),
        ("challenge", "ok"),
        ("refresh-token", "skipped"),
        ("access-token", "skipped"),
    ]
    assert world.registry.paths().count("POST /oauth2/exchange") == before
    report = command(world, "check-health contosoprod")  # found by ARM: the full chain
    assert "registry refresh token" in report.block_text()
    assert world.registry.paths().count("POST /oauth2/exchange") == before + 1


def test_sdk_clients_per_typed_subscription_are_bounded(world: AzureSlack) -> None:
    """Every registry resource id names a subscription; 200 different ones typed by users
    keep at most CLIENTS_PER_KIND clients (2,000 cost 63 MiB before)."""
    arm = Arm(Settings.from_env(world.env))
    try:
        for _ in range(200):
            arm.mgmt(str(uuid.uuid4()))
        assert len(arm._mgmt) == CLIENTS_PER_KIND
    finally:
        arm.close()


def test_data_plane_clients_per_login_server_are_bounded(world: AzureSlack) -> None:
    """`inspect` and `untagged` build a registry client per login server: 200 different ones
    keep at most CLIENTS_PER_KIND, the most recently used among them."""
    arm = Arm(Settings.from_env(world.env))
    try:
        for n in range(200):
            arm.registry(f"registry{n:03d}.azurecr.io")
        arm.registry("registry170.azurecr.io")  # used again: kept, ahead of the rest
        arm.registry("registry999.azurecr.io")
        assert len(arm._registries) == CLIENTS_PER_KIND
        assert "registry170.azurecr.io" in arm._registries
        assert "registry168.azurecr.io" not in arm._registries
    finally:
        arm.close()
