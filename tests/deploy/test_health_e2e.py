"""Health, readiness, metrics and logs of a real running bot (`python -m bot serve`) against
issue 3's fake Slack Web API and fake Socket Mode server."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.running_bot import (
    SIGNING_SECRET,
    BotProcess,
    bot_env,
    start_bot,
    usable_knowledge_dir,
)
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackAPI
from tests.fakes.socket_mode import FakeSocketMode
from tests.reference import REPO

DOWN_THRESHOLD = 2


def ops_get(bot: BotProcess, path: str) -> tuple[int, str]:
    assert bot.ops_port, "the bot did not log ops.listening"
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{bot.ops_port}{path}", timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def wait_status(bot: BotProcess, path: str, status: int, timeout: float = 30.0) -> str:
    """Poll ``path`` until it answers ``status``; return the body (fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    seen = (0, "")
    while time.monotonic() < deadline:
        seen = ops_get(bot, path)
        if seen[0] == status:
            return seen[1]
        time.sleep(0.2)
    raise AssertionError(f"{path} stayed {seen[0]} (wanted {status}): {seen[1]}")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = usable_knowledge_dir(tmp_path_factory.mktemp("deploy-knowledge"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_socket_mode_health_follows_the_link(knowledge: Path) -> None:
    """Socket Mode: healthy and ready when connected; still healthy after a reconnect; /healthz
    turns 503 once the Socket Mode server is gone for longer than the threshold."""
    socket_mode = FakeSocketMode().start()
    socket_open = True
    with FakeSlackAPI() as slack:
        slack.socket_url = socket_mode.url
        bot = start_bot(
            slack,
            mode="socket",
            knowledge_dir=knowledge,
            extra={"ACRBOT_SOCKET_DOWN_THRESHOLD": str(DOWN_THRESHOLD)},
        )
        try:
            socket_mode.wait_connections(1)
            assert json.loads(wait_status(bot, "/healthz", 200))["socket_mode"] is True
            wait_status(bot, "/readyz", 200)
            # a short outage: Slack closes the link, the bot reconnects, liveness recovers
            connects = socket_mode.connects
            socket_mode.drop_all()
            deadline = time.monotonic() + 30
            while socket_mode.connects == connects and time.monotonic() < deadline:
                time.sleep(0.1)
            assert socket_mode.connects > connects, "the bot did not reconnect"
            wait_status(bot, "/healthz", 200)
            # gone for good: no Socket Mode server and no valid URL to reconnect to
            slack.socket_url = "ws://127.0.0.1:9/link/?ticket=gone"
            socket_mode.close()
            socket_open = False
            body = json.loads(wait_status(bot, "/healthz", 503, timeout=60))
            assert "Socket Mode link down" in body["reasons"][0]
            assert bot.process.poll() is None
        finally:
            bot.stop()
            if socket_open:
                socket_mode.close()


def test_http_mode_health_readiness_and_metrics(knowledge: Path) -> None:
    """HTTP mode: /healthz and /readyz are 200 on the ops port and /metrics lists the bot's
    metrics, with the events the bot received counted."""
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge)
        try:
            body = json.loads(wait_status(bot, "/healthz", 200))
            assert body["socket_mode"] is False
            assert json.loads(wait_status(bot, "/readyz", 200))["slack_auth_ok"] is True
            status, text = ops_get(bot, "/metrics")
            assert status == 200
            for name in (
                "acrbot_events_received_total",
                "acrbot_triage_outcome_total",
                "acrbot_command_seconds",
                "acrbot_azure_calls_total",
                "acrbot_store_degraded",
                "acrbot_http_queue_depth",
            ):
                assert f"# TYPE {name}" in text, name
            assert "\nacrbot_http_queue_depth 0.0" in text  # idle: nothing waits for a worker
        finally:
            assert bot.stop() == 0


def test_readyz_stays_ready_while_redis_is_unreachable(knowledge: Path) -> None:
    """With REDIS_URL pointing at nothing, the bot stays alive and ready (it still answers;
    a Service with no ready replica would answer nothing) and reports the store as degraded
    in /readyz and /metrics."""
    with FakeSlackAPI() as slack:
        bot = start_bot(
            slack,
            mode="http",
            knowledge_dir=knowledge,
            redis_url="redis://127.0.0.1:9/0",
            redis_prefix=f"test-deploy-{uuid.uuid4().hex}:",
        )
        try:
            wait_status(bot, "/healthz", 200)
            ready = json.loads(wait_status(bot, "/readyz", 200))
            assert ready["store_degraded"] is True
            _, text = ops_get(bot, "/metrics")
            assert "acrbot_store_degraded 1.0" in text
        finally:
            bot.stop()


def test_a_real_run_logs_json_lines_without_secrets(knowledge: Path) -> None:
    """Even at debug level (library request logs included) every line is JSON and no token
    or signing secret is written."""
    with FakeSlackAPI() as slack, FakeSocketMode() as socket_mode:
        slack.socket_url = socket_mode.url
        bot = start_bot(
            slack,
            mode="socket",
            knowledge_dir=knowledge,
            extra={"ACRBOT_LOG_LEVEL": "debug", "SLACK_SIGNING_SECRET": SIGNING_SECRET},
        )
        try:
            socket_mode.wait_connections(1)
            wait_status(bot, "/readyz", 200)
        finally:
            bot.stop()
        lines = [line for line in bot.output if line.strip()]
        assert len(lines) > 5
        for line in lines:
            record = json.loads(line)
            assert {"time", "level", "event"} <= set(record)
        everything = "\n".join(lines)
        assert "'Authorization': '***'" in everything
        for secret in (BOT_TOKEN, APP_TOKEN, SIGNING_SECRET):
            assert secret not in everything
        assert any(r.get("event") == "serve.started" for r in bot.logs)


def test_text_log_format_for_humans(knowledge: Path) -> None:
    """ACRBOT_LOG_FORMAT=text: a real run writes readable lines (not JSON), still scrubbed."""
    with FakeSlackAPI() as slack:
        env = bot_env(
            slack,
            mode="http",
            knowledge_dir=knowledge,
            extra={"ACRBOT_LOG_FORMAT": "text", "ACRBOT_LOG_LEVEL": "debug"},
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        lines: list[str] = []
        try:
            assert process.stdout is not None
            deadline = time.monotonic() + 60
            for line in process.stdout:
                lines.append(line.rstrip("\n"))
                if "serve.started" in line or time.monotonic() > deadline:
                    break
        finally:
            process.send_signal(signal.SIGTERM)
            rest, _ = process.communicate(timeout=30)
            lines.extend(rest.splitlines())
    started = [line for line in lines if "serve.started" in line]
    assert started, "\n".join(lines[-20:])
    assert not started[0].lstrip().startswith("{")
    assert " INFO " in started[0]
    assert "mode=http" in started[0]
    everything = "\n".join(lines)
    for secret in (BOT_TOKEN, SIGNING_SECRET):
        assert secret not in everything
