"""`acrbot config`: the effective configuration with secrets masked, or one line per bad value."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.cli import main
from bot.config import Settings

SECRET_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-123-456-TopSecretBot",
    "SLACK_APP_TOKEN": "xapp-1-A1-789-TopSecretApp",
    "SLACK_SIGNING_SECRET": "signing-TopSecret",
    "REDIS_URL": "rediss://:TopSecretRedis@contoso.redis.cache.windows.net:6380/0",
}


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("SLACK_", "ACRBOT_", "AZURE_", "REDIS_")) or name == "PORT":
            monkeypatch.delenv(name)
    return monkeypatch


def test_config_prints_settings_with_secrets_masked(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every setting is listed; tokens, signing secret and Redis password never appear."""
    for name, value in SECRET_ENV.items():
        clean_env.setenv(name, value)
    clean_env.setenv("ACRBOT_METRICS_PORT", "9191")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "TopSecret" not in out
    assert "xoxb-***" in out
    assert "contoso.redis.cache.windows.net:6380" in out
    names = {line.split()[0] for line in out.splitlines()}
    assert {"mode", "metrics_port", "redis_url", "socket_down_threshold_seconds"} <= names
    assert "metrics_port                   9191" in out or any(
        line.split() == ["metrics_port", "9191"] for line in out.splitlines()
    )


def test_config_json_is_machine_readable(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json prints one object whose values match Settings, secrets masked."""
    clean_env.setenv("SLACK_BOT_TOKEN", SECRET_ENV["SLACK_BOT_TOKEN"])
    clean_env.setenv("ACRBOT_LOG_FORMAT", "text")
    assert main(["config", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["log_format"] == "text"
    assert shown["slack_bot_token"] == "xoxb-***"
    assert set(Settings.from_env().masked()) - {"extra"} <= set(shown)


def test_config_reports_every_bad_value_on_its_own_line(
    clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad values exit 1 with one clear line each and no traceback."""
    clean_env.setenv("ACRBOT_MODE", "carrier-pigeon")
    clean_env.setenv("ACRBOT_METRICS_PORT", "ninety")
    clean_env.setenv("ACRBOT_LOG_FORMAT", "xml")
    clean_env.setenv("SLACK_BOT_TOKEN", "not-a-token-TopSecret")
    assert main(["config"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    problems = [line for line in lines if "bad value" not in line]
    assert len(problems) == 4
    assert any("ACRBOT_MODE" in line for line in problems)
    assert any("ACRBOT_METRICS_PORT" in line for line in problems)
    assert any("ACRBOT_LOG_FORMAT" in line for line in problems)
    assert any("SLACK_BOT_TOKEN" in line for line in problems)
    assert "TopSecret" not in captured.err
    assert "Traceback" not in captured.err


def test_config_command_runs_as_a_real_process() -> None:
    """`acrbot config` works from the installed entry point (exit 0, masked output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACRBOT_"))}
    env.update(SECRET_ENV)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "config"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "TopSecret" not in done.stdout + done.stderr


def test_serve_refuses_to_start_with_bad_values() -> None:
    """`acrbot serve` with bad settings exits 1 naming each bad variable, without a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACRBOT_"))}
    env.update(
        SLACK_BOT_TOKEN=SECRET_ENV["SLACK_BOT_TOKEN"],
        SLACK_APP_TOKEN=SECRET_ENV["SLACK_APP_TOKEN"],
        ACRBOT_METRICS_PORT="nine-thousand",
        ACRBOT_SOCKET_DOWN_THRESHOLD="-5",
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "ACRBOT_METRICS_PORT" in done.stderr
    assert "ACRBOT_SOCKET_DOWN_THRESHOLD" in done.stderr
    assert "Traceback" not in done.stderr
    assert "TopSecret" not in done.stdout + done.stderr
