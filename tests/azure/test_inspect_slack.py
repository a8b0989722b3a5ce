"""`inspect` and `untagged` through Slack: the "Check this image" button on a triage answer, end
to end in HTTP mode (the app in this process) and in Socket Mode (a real `acrbot serve` over the
fake WebSocket), in English and Russian; the progress note of a slow `untagged`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.azure.conftest import SUB
from tests.fakes.arm import FakeArm
from tests.fakes.azure_http import Request, TestCA
from tests.fakes.clock import FakeClock
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.registry import FakeRegistry
from tests.fakes.running_bot import start_bot, usable_knowledge_dir
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.socket_mode import FakeSocketMode, events_envelope, interactive_envelope
from tests.slack import payloads as p

IMAGE = "contosoprod.azurecr.io/api:1.4.3"
PASTE = (
    f"docker pull {IMAGE}\n"
    f"Error response from daemon: manifest for {IMAGE} not found: manifest unknown: "
    'manifest tagged by "1.4.3" is not found'
)
ASKER, CLICKER, RUSSIAN = "U0ALICE001", "U0BOB00002", "U0IVAN0001"


@dataclass
class World:
    ca: TestCA
    identity: FakeIdentity
    arm: FakeArm
    registry: FakeRegistry
    slack: FakeSlackAPI
    knowledge: Path

    def env(self) -> dict[str, str]:
        return {
            "ACRBOT_CREDENTIAL": "managed-identity",
            "ACRBOT_ARM_ENDPOINT": self.arm.url,
            "AZURE_SUBSCRIPTION_ID": SUB,
        }

    def process_env(self) -> dict[str, str]:
        return {**self.identity.env(), "REQUESTS_CA_BUNDLE": str(self.ca.ca_pem)}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """contosoprod on the fake data plane: `api` has 1.4.2 and 1.4.1 (linux/amd64 only)."""
    ca = TestCA()
    identity, arm, registry = FakeIdentity(), FakeArm(ca), FakeRegistry(ca)
    arm.add_registry("contosoprod", login_server=registry.login_server)
    for tag in ("1.4.2", "1.4.1", "1.3.0"):
        registry.add_image("api", tag)
    for n in range(8):
        registry.add_image(f"repo{n}", None)
    slack = FakeSlackAPI().start()
    slack.locales[RUSSIAN] = "ru-RU"
    knowledge = usable_knowledge_dir(Path(tmp_path_factory.mktemp("knowledge")))
    shared = World(ca, identity, arm, registry, slack, knowledge)
    # the credential and the TLS trust come from the process environment, as in a pod
    with pytest.MonkeyPatch.context() as env:
        for name in OTHER_IDENTITY_VARIABLES:
            env.delenv(name, raising=False)
        for key, value in shared.process_env().items():
            env.setenv(key, value)
        try:
            yield shared
        finally:
            slack.close()
            for fake in (arm, registry, identity):
                fake.close()
            ca.close()


@pytest.fixture(scope="module")
def bot(world: World) -> Iterator[LocalBot]:
    """The app in HTTP mode, in this process."""
    app = local_bot(world.slack, knowledge_dir=world.knowledge, extra=world.env())
    yield app
    app.close()


def paste(bot: LocalBot, text: str, user: str = ASKER) -> tuple[str, dict[str, Any], Call]:
    """Paste ``text`` in a new channel; the channel, the event, and the bot's thread answer."""
    channel = p.new_channel()
    body = p.message_event(text, channel=channel, user=user)
    assert bot.event(body) == 200
    bot.idle()
    (answer,) = bot.slack.find("chat.postMessage", channel=channel)
    return channel, body, answer


def check_button(answer: Call) -> dict[str, Any] | None:
    found = [b for b in answer.buttons() if b["action_id"] == "acr_run_command"]
    inspect = [b for b in found if json.loads(b["value"])["command"] == "inspect"]
    return inspect[0] if inspect else None


def click(bot: LocalBot, button: dict[str, Any], channel: str, thread: str, user: str) -> str:
    """Click ``button`` under the thread's answer; the response_url it was given."""
    hook = bot.slack.hook_url()
    payload = p.click(
        button,
        channel=channel,
        message_ts=p.new_ts(),
        thread_ts=thread,
        response_url=hook,
        user=user,
    )
    assert bot.click(payload) == 200
    bot.idle()
    return hook


def test_check_this_image_posts_the_findings_in_the_thread(bot: LocalBot) -> None:
    """The answer to a `manifest unknown` paste naming an image offers "Check this image";
    anyone's click runs inspect and posts what it found in the paste's thread."""
    channel, body, answer = paste(bot, PASTE)
    assert answer.params["thread_ts"] == body["event"]["ts"]
    button = check_button(answer)
    assert button is not None and button["text"]["text"] == "Check this image"
    assert json.loads(button["value"]) == {
        "command": "inspect",
        "args": [IMAGE],
        "post": "thread",
        "l": "en",
    }
    hook = click(bot, button, channel, body["event"]["ts"], CLICKER)
    posts = bot.slack.find("chat.postMessage", channel=channel)
    assert len(posts) == 2
    findings = posts[1]
    assert findings.params["thread_ts"] == body["event"]["ts"]
    assert (
        "`api:1.4.3` does not exist in *contosoprod*; the closest tags are `1.4.2`, `1.4.1`, "
        "`1.3.0`; `1.4.2` has linux/amd64 only."
    ) in findings.block_text()
    assert f"<@{CLICKER}>" in findings.block_text()
    explain = [b for b in findings.buttons() if b["action_id"].startswith("acr_health_topic")]
    assert [b["value"] for b in explain] == ["manifest-unknown"]
    assert bot.slack.find("hook", hook=bot.slack.hook_path(hook)) == []
    logged = bot.services.audit.recent()[-1]
    assert (logged["command"], logged["who"], logged["registry"]) == (
        "inspect",
        CLICKER,
        "contosoprod",
    )


def test_check_this_image_in_russian(bot: LocalBot) -> None:
    """A Russian speaker's paste gets the Russian button; the findings follow the thread's
    language, whoever clicks."""
    channel, body, answer = paste(bot, PASTE, user=RUSSIAN)
    button = check_button(answer)
    assert button is not None and button["text"]["text"] == "Проверить образ"
    click(bot, button, channel, body["event"]["ts"], CLICKER)
    findings = bot.slack.find("chat.postMessage", channel=channel)[1].block_text()
    assert (
        "`api:1.4.3` нет в *contosoprod*; ближайшие теги: `1.4.2`, `1.4.1`, `1.3.0`; "
        "у `1.4.2` только linux/amd64."
    ) in findings
    assert "Подробнее: `/acr faq manifest-unknown`." in findings


def test_the_shortcuts_post_in_thread_offers_it_too(bot: LocalBot) -> None:
    """ "Triage this message" on the paste, then "Post in thread": the posted answer has the
    button as well."""
    channel, ts, hook = p.new_channel(), p.new_ts(), bot.slack.hook_url()
    assert bot.click(p.shortcut(PASTE, channel=channel, message_ts=ts, response_url=hook)) == 200
    private = bot.hook(hook)
    post = next(b for b in private.buttons() if b["action_id"] == "post_in_thread")
    click(bot, post, channel, ts, ASKER)
    (posted,) = bot.slack.find("chat.postMessage", channel=channel)
    assert posted.params["thread_ts"] == ts
    button = check_button(posted)
    assert button is not None and json.loads(button["value"])["args"] == [IMAGE]


def test_no_button_without_an_image_or_for_other_topics(bot: LocalBot) -> None:
    """No image in the paste, or a topic that is not about an image: no "Check this image"."""
    _, _, bare = paste(bot, 'manifest unknown: manifest tagged by "1.4.3" is not found')
    assert bare.params["blocks"] and check_button(bare) is None
    _, _, firewall = paste(bot, p.FIREWALL_PASTE)  # names contosoprod.azurecr.io/web:1.4
    assert check_button(firewall) is None


def test_a_refused_click_is_answered_privately(world: World) -> None:
    """The access rules of usage apply to the clicker: a registry outside the bot's limits is
    refused privately, and nothing is posted in the thread."""
    limited = local_bot(
        world.slack,
        knowledge_dir=world.knowledge,
        extra={**world.env(), "ACRBOT_ALLOWED_REGISTRIES": "otherregistry"},
    )
    try:
        channel, body, answer = paste(limited, PASTE)
        button = check_button(answer)
        assert button is not None
        hook = click(limited, button, channel, body["event"]["ts"], CLICKER)
        (refusal,) = limited.slack.find("hook", hook=limited.slack.hook_path(hook))
        assert "not set up to work on registry `contosoprod`" in str(refusal.params["text"])
        assert refusal.params["response_type"] == "ephemeral"
        assert len(limited.slack.find("chat.postMessage", channel=channel)) == 1
    finally:
        limited.close()


def test_a_slow_untagged_shows_a_progress_note_then_the_answer(world: World, bot: LocalBot) -> None:
    """`/acr untagged`: while the registry is slow (the bot's clock moves a second per
    request) a private progress note comes first, then the totals."""
    clock: FakeClock = bot.clock

    def slow(request: Request) -> None:
        clock.advance(1.0)

    world.registry.on_request = slow
    try:
        hook = bot.slack.hook_url()
        form = p.command_form("untagged contosoprod", response_url=hook, channel=p.new_channel())
        assert bot.command(form).status == 200
        bot.idle()
    finally:
        world.registry.on_request = None
    calls = bot.slack.find("hook", hook=bot.slack.hook_path(hook))
    answers = [str(c.params["text"]) for c in calls]
    assert 2 <= len(answers) <= 4
    assert answers[0].startswith(":hourglass_flowing_sand: Counting untagged manifests in")
    assert "*contosoprod*: 8 untagged manifest(s) in 8 of 9 repositories" in answers[-1]


def test_check_this_image_over_socket_mode(world: World) -> None:
    """The same button in a real `acrbot serve` over the Socket Mode WebSocket."""
    socket = FakeSocketMode().start()
    world.slack.socket_url = socket.url
    bot = start_bot(world.slack, mode="socket", knowledge_dir=world.knowledge, extra=world.env())
    try:
        socket.wait_connections(1)
        channel = p.new_channel()
        body = p.message_event(PASTE, channel=channel)
        socket.send(events_envelope(body))
        answer = world.slack.wait_for("chat.postMessage", channel=channel)[0]
        button = check_button(answer)
        assert button is not None
        payload = p.click(
            button,
            channel=channel,
            message_ts=answer.params.get("ts", p.new_ts()),
            thread_ts=body["event"]["ts"],
            response_url=world.slack.hook_url(),
            user=CLICKER,
        )
        socket.wait_ack(socket.send(interactive_envelope(payload)))
        posts = world.slack.wait_for("chat.postMessage", channel=channel, count=2)
        assert posts[1].params["thread_ts"] == body["event"]["ts"]
        assert "`api:1.4.3` does not exist in *contosoprod*" in posts[1].block_text()
    finally:
        bot.stop()
        socket.close()
        world.slack.socket_url = None


def test_the_untagged_topic_runs_untagged_for_the_registry(bot: LocalBot) -> None:
    """Asking how to delete untagged manifests in a named registry: the answer's run button
    counts them there, privately, with the purge command."""
    channel, body, answer = paste(
        bot, "how do I delete all untagged manifests in contosoprod.azurecr.io"
    )
    run = [b for b in answer.buttons() if b["action_id"] == "acr_run_command"]
    assert [b["text"]["text"] for b in run] == ["Run untagged for contosoprod"]
    hook = click(bot, run[0], channel, body["event"]["ts"], CLICKER)
    (counted,) = bot.slack.find("hook", hook=bot.slack.hook_path(hook))
    assert counted.params["response_type"] == "ephemeral"
    assert "acr purge --untagged-only" in counted.block_text()
