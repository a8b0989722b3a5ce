"""`acrbot serve` start-up: the console without tokens, a clear error for a bad token."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes.running_bot import bot_env, start_bot
from tests.fakes.slack_api import FakeSlackAPI
from tests.reference import REPO


def test_without_tokens_serve_opens_the_console_and_says_how_to_connect(
    knowledge_dir: Path,
) -> None:
    """No Slack tokens: the console opens, with a line naming the variables that connect it."""
    with FakeSlackAPI() as slack:
        env = bot_env(slack, knowledge_dir=knowledge_dir)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=REPO,
        env=env,
        input="/acr help\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0
    assert "SLACK_BOT_TOKEN" in done.stderr and "SLACK_APP_TOKEN" in done.stderr
    assert "/acr faq <words>" in done.stdout


def test_rejected_bot_token_is_a_clear_error(knowledge_dir: Path) -> None:
    """Slack refusing the token ends `acrbot serve` with one clear line, not a traceback."""
    with FakeSlackAPI() as slack:
        slack.fail_next("auth.test", status=200, error="invalid_auth")
        done = subprocess.run(
            [sys.executable, "-m", "bot", "serve"],
            cwd=REPO,
            env=bot_env(slack, knowledge_dir=knowledge_dir),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert "cannot connect to Slack: invalid_auth" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_without_redis_the_log_says_state_is_per_process(knowledge_dir: Path) -> None:
    """No REDIS_URL: the bot starts with an in-process store and the log says so."""
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, knowledge_dir=knowledge_dir)
        try:
            record = bot.wait_log("store.memory")
            assert "REDIS_URL is not set" in record["detail"]
            assert bot.wait_log("serve.started")["store"] == "memory"
        finally:
            assert bot.stop() == 0


@pytest.mark.parametrize(
    ("variable", "what"),
    [
        ("PORT", "Slack's requests on 127.0.0.1:{port}"),
        ("ACRBOT_METRICS_PORT", "/healthz, /readyz and /metrics on port {port}"),
    ],
)
def test_a_busy_port_is_one_line_and_exit_1(knowledge_dir: Path, variable: str, what: str) -> None:
    """Not a waitress traceback, and not a bot running on without /healthz."""
    with socket.socket() as taken, FakeSlackAPI() as slack:
        taken.bind(("0.0.0.0", 0))  # the ops server binds every address
        taken.listen()
        port = taken.getsockname()[1]
        env = bot_env(slack, knowledge_dir=knowledge_dir, extra={variable: str(port)})
        done = subprocess.run(
            [sys.executable, "-m", "bot", "serve"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert done.returncode == 1
    assert done.stdout == ""
    said = [line for line in done.stderr.splitlines() if not line.startswith("{")]
    assert len(said) == 1, done.stderr
    where = what.format(port=port)
    assert said[0].startswith(f"acrbot: cannot serve {where} ({variable}): it is already in use")
    assert "Traceback" not in done.stderr


def test_logs_go_to_stderr_as_json_and_leave_out_library_noise(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    """stdout stays empty (it carries what the bot says, in the console); every log line is
    JSON on stderr, without Bolt's "`token` will be unused" notice on each start."""
    out_file, err_file = tmp_path / "stdout", tmp_path / "stderr"
    with FakeSlackAPI() as slack, out_file.open("w") as out, err_file.open("w") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"],
            cwd=REPO,
            env=bot_env(slack, knowledge_dir=knowledge_dir),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        try:
            deadline = time.monotonic() + 60
            while '"serve.started"' not in err_file.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, err_file.read_text()
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            assert process.wait(30) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(10)
    assert out_file.read_text() == ""
    records = [json.loads(line) for line in err_file.read_text().splitlines() if line.strip()]
    assert any(r["event"] == "serve.started" for r in records)
    assert not [r for r in records if "will be unused" in r["event"]]
