"""SIGTERM in HTTP mode while Slack is still sending: what was acknowledged is answered."""

from __future__ import annotations

import http.client
import json
import threading
import time
from pathlib import Path

from tests.fakes.running_bot import sign, start_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack import payloads as p


def keep_sending(port: int, acked: list[str], stop: threading.Event) -> None:
    """One kept-alive connection sending pastes until the bot goes away; records each 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        while not stop.is_set():
            channel = p.new_channel()
            body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=channel))
            headers = {"Content-Type": "application/json", **sign(body)}
            connection.request("POST", "/slack/events", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status == 200:
                acked.append(channel)
    except (OSError, http.client.HTTPException):
        return  # refused or closed: Slack sends that event again, elsewhere
    finally:
        connection.close()


def test_sigterm_under_load_answers_every_acknowledged_paste(knowledge_dir: Path) -> None:
    """Pastes arriving on 8 connections during SIGTERM: each 200 gets its reply, no errors."""
    with FakeSlackAPI() as slack:
        slack.delay["chat.postMessage"] = 0.3  # replies are still being posted at the signal
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge_dir)
        acked: list[str] = []
        stop = threading.Event()
        senders = [
            threading.Thread(target=keep_sending, args=(bot.port, acked, stop)) for _ in range(8)
        ]
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + 20
        while len(acked) < 40 and time.monotonic() < deadline:
            time.sleep(0.01)
        began = time.monotonic()
        status = bot.stop()
        stopped_in = time.monotonic() - began
        stop.set()
        for sender in senders:
            sender.join(15)

        assert status == 0
        assert len(acked) >= 40
        posted = {r["channel"] for r in bot.events("triage.posted")}
        assert sorted(set(acked) - posted) == []
        errors = [r for r in bot.logs if r.get("level") in ("error", "critical")]
        assert errors == []
        assert stopped_in < 15  # kept-alive connections do not hold the exit to the drain limit
