"""Socket Mode payloads through the same app, in this process: what Bolt's Socket Mode adapter
hands to ``app.dispatch`` (no signature; the answer travels in the envelope's ack).

The WebSocket itself — hello, acks, reconnects, SIGTERM — is tested against a real
`acrbot serve` in test_socket_mode.py.
"""

from __future__ import annotations

import json

from tests.fakes.local_bot import LocalBot, ack_call
from tests.slack import payloads as p


def test_help_is_the_acks_payload(socket_app: LocalBot) -> None:
    """`/acr help` as a slash_commands envelope: the help is the acknowledgement's payload."""
    response = socket_app.command(p.command_form("help", response_url=socket_app.slack.hook_url()))
    assert response.status == 200
    answer = json.loads(response.body)
    assert "response_type" not in answer  # ephemeral, Slack's default
    assert "/acr faq <words>" in ack_call(response).block_text()


def test_paste_is_answered_once_whatever_the_retries(socket_app: LocalBot) -> None:
    """An events_api payload delivered four times: acknowledged each time, answered once."""
    channel = p.new_channel()
    body = p.message_event(p.FIREWALL_PASTE, channel=channel)
    assert [socket_app.dispatch(body).status for _ in range(4)] == [200] * 4
    socket_app.idle()
    (reply,) = socket_app.slack.find("chat.postMessage", channel=channel)
    assert reply.params["thread_ts"] == body["event"]["ts"]


def test_bad_input_is_answered_in_the_ack(socket_app: LocalBot) -> None:
    """A command with a missing argument gets its usage line at once, not a later message."""
    hook = socket_app.slack.hook_url()
    response = socket_app.command(p.command_form("runs", response_url=hook))
    assert "Which registry?" in ack_call(response).params["text"]
    socket_app.idle()
    assert socket_app.slack.find("hook", hook=socket_app.slack.hook_path(hook)) == []
