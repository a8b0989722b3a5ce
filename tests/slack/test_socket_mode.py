"""The bot in Socket Mode, end to end, against a fake Socket Mode WebSocket server."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.running_bot import BotProcess, start_bot
from tests.fakes.slack_api import Call, FakeSlackAPI
from tests.fakes.socket_mode import (
    FakeSocketMode,
    command_envelope,
    events_envelope,
    interactive_envelope,
)
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix
from tests.slack import payloads as p


@dataclass
class SocketBot:
    slack: FakeSlackAPI
    socket: FakeSocketMode
    bot: BotProcess


def _socket_bot(knowledge_dir: Path) -> Iterator[SocketBot]:
    prefix = new_prefix("test-slack")
    slack = FakeSlackAPI().start()
    socket = FakeSocketMode().start()
    slack.socket_url = socket.url
    bot = start_bot(
        slack,
        mode="socket",
        redis_url=SHARED_REDIS,
        redis_prefix=prefix,
        knowledge_dir=knowledge_dir,
    )
    socket.wait_connections(1)
    yield SocketBot(slack, socket, bot)
    bot.stop()
    socket.close()
    slack.close()
    delete_prefix(prefix)


@pytest.fixture(scope="module")
def socket_bot(knowledge_dir: Path) -> Iterator[SocketBot]:
    """One Socket Mode bot for the module (each test uses its own channels)."""
    yield from _socket_bot(knowledge_dir)


@pytest.fixture
def own_socket_bot(knowledge_dir: Path) -> Iterator[SocketBot]:
    """A Socket Mode bot of the test's own (for tests that stop it)."""
    yield from _socket_bot(knowledge_dir)


def test_paste_is_acked_and_answered_in_thread(socket_bot: SocketBot) -> None:
    """An events_api envelope is acknowledged and the answer goes to the paste's thread."""
    channel = p.new_channel()
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    envelope_id = socket_bot.socket.send(events_envelope(body))
    assert socket_bot.socket.wait_ack(envelope_id)["envelope_id"] == envelope_id
    reply = socket_bot.slack.wait_for("chat.postMessage", channel=channel)[0]
    assert reply.params["thread_ts"] == body["event"]["ts"]
    assert [b["text"]["text"] for b in reply.buttons()][:2] == ["Helped", "Not it"]


def test_retry_attempts_get_no_second_reply(socket_bot: SocketBot) -> None:
    """The same event redelivered with retry_attempt 1..3 is answered once."""
    channel = p.new_channel()
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    for attempt in range(4):
        socket_bot.socket.wait_ack(socket_bot.socket.send(events_envelope(body, attempt)))
    socket_bot.slack.wait_for("chat.postMessage", channel=channel)
    socket_bot.slack.settle()
    assert len(socket_bot.slack.find("chat.postMessage", channel=channel)) == 1


def test_help_command_over_the_socket(socket_bot: SocketBot) -> None:
    """`/acr help` as a slash_commands envelope: the help comes back in the ack frame, privately."""
    hook = socket_bot.slack.hook_url()
    envelope = command_envelope(p.command_payload("help", response_url=hook))
    ack = socket_bot.socket.wait_ack(socket_bot.socket.send(envelope))
    answer = Call("ack", ack["payload"], {})
    assert "response_type" not in answer.params  # ephemeral, Slack's default
    assert "/acr faq <words>" in answer.block_text()


def test_button_click_over_the_socket(socket_bot: SocketBot) -> None:
    """A Helped click arrives as an interactive envelope: acked, and thanked privately."""
    channel = p.new_channel()
    socket_bot.socket.send(events_envelope(p.message_event(p.FIREWALL_PASTE, channel=channel)))
    reply = socket_bot.slack.wait_for("chat.postMessage", channel=channel)[0]
    helped = next(b for b in reply.buttons() if b["action_id"] == "feedback_helped")
    hook = socket_bot.slack.hook_url()
    payload = p.click(
        helped,
        channel=channel,
        message_ts="1719.9",
        thread_ts=reply.params["thread_ts"],
        response_url=hook,
    )
    socket_bot.socket.wait_ack(socket_bot.socket.send(interactive_envelope(payload)))
    assert socket_bot.slack.wait_hook(hook).params["text"] == "Thanks, noted."


def test_uncertain_paste_suggestion_over_the_socket(
    socket_bot: SocketBot, knowledge_dir: Path
) -> None:
    """The private "Is it …?" offer and its "Post in thread" work over Socket Mode too."""
    channel = p.new_channel()
    body = p.message_event(p.uncertain_paste(knowledge_dir), channel=channel)
    socket_bot.socket.send(events_envelope(body))
    offer = socket_bot.slack.wait_for("chat.postEphemeral", channel=channel)[0]
    assert offer.params["user"] == body["event"]["user"]
    assert socket_bot.slack.find("chat.postMessage", channel=channel) == []
    post = next(b for b in offer.buttons() if b["action_id"] == "suggest_post")
    hook = socket_bot.slack.hook_url()
    payload = p.click(
        post, channel=channel, message_ts="1", thread_ts=None, response_url=hook, ephemeral=True
    )
    socket_bot.socket.wait_ack(socket_bot.socket.send(interactive_envelope(payload)))
    assert socket_bot.slack.wait_hook(hook).params.get("delete_original") is True
    posted = socket_bot.slack.wait_for("chat.postMessage", channel=channel)[0]
    assert posted.params["thread_ts"] == body["event"]["ts"]


def test_reconnects_after_the_server_drops_the_connection(socket_bot: SocketBot) -> None:
    """When Slack closes the WebSocket, the bot opens a new one and keeps answering."""
    before = socket_bot.socket.connects
    socket_bot.socket.drop_all()
    socket_bot.socket.wait_connects(before + 1, timeout=30)
    channel = p.new_channel()
    socket_bot.socket.send(events_envelope(p.message_event(p.FIREWALL_PASTE, channel=channel)))
    socket_bot.slack.wait_for("chat.postMessage", channel=channel, timeout=20)


def test_sigterm_finishes_acknowledged_work_then_exits(own_socket_bot: SocketBot) -> None:
    """SIGTERM right after an event was acked: the reply is still posted and the exit is clean."""
    channel = p.new_channel()
    own_socket_bot.slack.delay["chat.postMessage"] = 1.5
    envelope_id = own_socket_bot.socket.send(
        events_envelope(p.message_event(p.FIREWALL_PASTE, channel=channel))
    )
    own_socket_bot.socket.wait_ack(envelope_id)
    own_socket_bot.slack.wait_for("users.info", timeout=10)
    assert own_socket_bot.bot.stop() == 0
    assert [r["channel"] for r in own_socket_bot.bot.events("triage.posted")] == [channel]
    assert own_socket_bot.bot.events("serve.stopped")
