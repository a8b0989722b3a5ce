"""`acrbot serve` start-up: the console without tokens, a clear error for a bad token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
