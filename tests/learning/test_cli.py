"""`acrbot kb teach | learned` as an admin's script uses them, against the real Redis."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix

PASTE = (
    "az acr build fails at step 3 with exit status 137 after 31 minutes on "
    "fabrikamprod.azurecr.io at 2026-03-02T10:11:12Z from 10.1.2.3, "
    "request id 6f1c2a3b-1111-2222-3333-444455556666"
)
VARIANT = (
    "az acr build fails at step 3 with exit status 137 after 31 minutes on "
    "contosodev.azurecr.io at 2026-11-30T22:01:09Z from 172.16.8.40, "
    "request id 0a0b0c0d-9999-8888-7777-666655554444"
)
CHATTER = "who is bringing the cake to the registry team standup tomorrow at ten"
CHATTER_VARIANT = "who is bringing the cake to the registry team standup tomorrow at eleven"


def acrbot(*args: str, prefix: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "REDIS_URL": SHARED_REDIS, "ACRBOT_REDIS_PREFIX": prefix}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
        check=False,
    )


@pytest.fixture
def prefix() -> Iterator[str]:
    name = new_prefix("test-learning-cli")
    yield name
    delete_prefix(name)


def test_taught_topic_and_silence_apply_list_and_forget(prefix: str, tmp_path: Path) -> None:
    """teach --approve a topic and a silence; variants (another registry, address, time and
    request id) follow them; another prefix sees neither; learned lists both; forget removes."""
    before = json.loads(acrbot("match", "--json", VARIANT, prefix=prefix, cwd=tmp_path).stdout)
    assert before["topic"] != "agent-pool-timeout"
    taught = acrbot(
        "kb", "teach", "--approve", "agent-pool-timeout", PASTE, prefix=prefix, cwd=tmp_path
    )
    assert taught.returncode == 0, taught.stderr
    silenced = acrbot("kb", "teach", "--approve", "--silent", CHATTER, prefix=prefix, cwd=tmp_path)
    assert silenced.returncode == 0, silenced.stderr

    after = json.loads(acrbot("match", "--json", VARIANT, prefix=prefix, cwd=tmp_path).stdout)
    assert (after["topic"], after["decision"]) == ("agent-pool-timeout", "answer")
    quiet = json.loads(
        acrbot("match", "--json", CHATTER_VARIANT, prefix=prefix, cwd=tmp_path).stdout
    )
    assert (quiet["topic"], quiet["decision"]) == (None, "silent")

    other = new_prefix("test-learning-cli")
    try:
        elsewhere = json.loads(
            acrbot("match", "--json", VARIANT, prefix=other, cwd=tmp_path).stdout
        )
        assert elsewhere["topic"] != "agent-pool-timeout"
        assert (
            json.loads(acrbot("kb", "learned", "--json", prefix=other, cwd=tmp_path).stdout) == []
        )
    finally:
        delete_prefix(other)

    rows = json.loads(acrbot("kb", "learned", "--json", prefix=prefix, cwd=tmp_path).stdout)
    assert {row["topic"] for row in rows} == {"agent-pool-timeout", None}
    assert all(set(row) == {"id", "topic", "text", "by", "at", "uses", "approved"} for row in rows)
    assert all(row["approved"] for row in rows)
    assert all("fabrikamprod" not in row["text"] and "10.1.2.3" not in row["text"] for row in rows)
    topic_row = next(row for row in rows if row["topic"])
    assert topic_row["uses"] >= 1

    forgotten = acrbot("kb", "learned", "forget", topic_row["id"], prefix=prefix, cwd=tmp_path)
    assert forgotten.returncode == 0, forgotten.stderr
    again = json.loads(acrbot("match", "--json", VARIANT, prefix=prefix, cwd=tmp_path).stdout)
    assert again["topic"] != "agent-pool-timeout"


def test_export_writes_approved_lessons_into_the_topic_file(prefix: str, tmp_path: Path) -> None:
    """export --dir adds the approved lesson to its topic's signatures; kb lint stays clean."""
    from bot.knowledge import default_directory

    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    for path in default_directory().iterdir():
        if path.suffix in (".yaml", ".txt", ".jsonl"):
            (knowledge / path.name).write_bytes(path.read_bytes())
    acrbot("kb", "teach", "--approve", "agent-pool-timeout", PASTE, prefix=prefix, cwd=tmp_path)
    acrbot("kb", "teach", "slow-push", VARIANT + " twice", prefix=prefix, cwd=tmp_path)
    result = acrbot(
        "kb", "learned", "export", "--dir", str(knowledge), "--json", prefix=prefix, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts["signatures"] == 1 and counts["unapproved_not_exported"] == 1
    text = (knowledge / "agent-pool-timeout.yaml").read_text(encoding="utf-8")
    assert "exit status <n> after <n> minutes on <registry>.azurecr.io" in text
    lint = acrbot("kb", "lint", "--dir", str(knowledge), prefix=prefix, cwd=tmp_path)
    assert lint.returncode == 0, lint.stderr


def test_teaching_without_redis_says_why_it_cannot(tmp_path: Path) -> None:
    """Without REDIS_URL a lesson would vanish with the command: one clear sentence, exit 1."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "teach", "slow-push", "text"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 1
    assert "REDIS_URL" in result.stderr and "Traceback" not in result.stderr
