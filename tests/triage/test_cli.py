"""`acrbot match`, `kb` and `console` as other tools and people use them (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.knowledge import default_directory
from tests.fakes.azure_http import free_port

PASTE = (
    'Error response from daemon: Head "https://contosoprod.azurecr.io/v2/web/manifests/1.4": '
    "denied: client with IP '198.51.100.23' is not allowed access. "
    "Refer https://aka.ms/acr/firewall to grant access."
)
JSON_KEYS = {"topic", "decision", "suggestion", "score", "language", "alternatives"}


def acrbot(
    *args: str,
    stdin: str | None = None,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
        check=False,
    )


def without_slack_settings() -> dict[str, str]:
    """This environment minus every SLACK_ variable: a bot nobody has connected yet."""
    return {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}


def test_match_json_contract(tmp_path: Path) -> None:
    """--json prints exactly the contract keys with the topic, a 0–100 score and the language."""
    result = acrbot("match", "--json", PASTE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == JSON_KEYS
    assert data["topic"] == "client-ip-not-allowed"
    assert 0 <= data["score"] <= 100
    assert data["language"] == "en"
    assert all(set(alt) == {"topic", "score"} for alt in data["alternatives"])


def test_match_chatter_is_null() -> None:
    """Ordinary chat gets topic null, not a guess."""
    data = json.loads(acrbot("match", "--json", "who is up for lunch at noon?").stdout)
    assert data["topic"] is None


def test_match_text_in_russian_on_request() -> None:
    """Plain output is the answer a person reads; --lang ru answers in Russian."""
    result = acrbot("match", "--lang", "ru", PASTE)
    assert "Брандмауэр реестра" in result.stdout
    assert "az acr network-rule add --name contosoprod" in result.stdout


def test_match_without_text_explains() -> None:
    """No text: a usage line, exit 2, no traceback."""
    result = acrbot("match", stdin="")
    assert result.returncode == 2
    assert "give the text to triage" in result.stderr
    assert "Traceback" not in result.stderr


def test_jsonl_streams_in_order() -> None:
    """--jsonl answers each line as it arrives, in order, ignoring extra keys."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "match", "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin and proc.stdout
    proc.stdin.write(json.dumps({"text": PASTE, "id": 7}) + "\n")
    proc.stdin.flush()
    first = json.loads(proc.stdout.readline())  # arrives before stdin is closed: streaming
    assert first["topic"] == "client-ip-not-allowed"
    lines = [json.dumps({"text": t}) for t in ["good morning team", PASTE] * 1000]
    out, _ = proc.communicate("\n".join(lines) + "\n", timeout=300)
    results = [json.loads(line) for line in out.splitlines()]
    assert len(results) == 2000
    assert [r["topic"] for r in results[:2]] == [None, "client-ip-not-allowed"]
    assert all(set(r) >= JSON_KEYS for r in results)


# every way a --jsonl line can be unusable, with the code its error object carries
BAD_LINES = [
    (b'{"txt": "x"}', "missing_text"),
    (b"", "empty_line"),
    (b"not json", "invalid_json"),
    (b"[1, 2]", "not_an_object"),
    (b'"just a string"', "not_an_object"),
    (b'{"text": 5}', "missing_text"),
    (b"\xff\xfe not utf-8", "invalid_utf8"),
]


def test_jsonl_answers_every_line_in_place_with_error_objects() -> None:
    """One output line per input line, blank lines included; a bad line gets exactly
    {"error": {"code", "message"}} naming its line, and the lines after it are still answered."""
    good = json.dumps({"text": PASTE}).encode()
    lines = [good]
    for bad, _ in BAD_LINES:
        lines += [bad, good]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "match", "--jsonl"],
        input=b"\n".join(lines) + b"\n",
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr
    rows = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(rows) == len(lines)
    for number, row in enumerate(rows, 1):
        if number % 2:
            assert row["topic"] == "client-ip-not-allowed" and set(row) >= JSON_KEYS
            continue
        code = BAD_LINES[number // 2 - 1][1]
        assert set(row) == {"error"} and set(row["error"]) == {"code", "message"}
        assert row["error"]["code"] == code
        assert row["error"]["message"].startswith(f"line {number} ")


def test_jsonl_with_text_arguments_is_a_usage_error() -> None:
    result = acrbot("match", "--jsonl", "some", "words", stdin="")
    assert result.returncode == 2 and "either as words or as lines" in result.stderr


def test_kb_lint_clean_and_export_fields() -> None:
    """The shipped knowledge base lints clean; export carries the contract fields."""
    lint = acrbot("kb", "lint")
    assert lint.returncode == 0, lint.stderr
    exported = json.loads(acrbot("kb", "export", "--json").stdout)
    ids = {e["id"] for e in exported}
    assert "client-ip-not-allowed" in ids
    for item in exported:
        assert set(item["title"]) == {"ru", "en"} and set(item["answer"]) == {"ru", "en"}
        assert set(item["questions"]) == {"ru", "en"} and isinstance(item["signatures"], list)


def test_kb_lint_reports_problems(tmp_path: Path) -> None:
    """Lint exits 1 and lists each problem with file and field."""
    (tmp_path / "catalog.txt").write_text("broken-topic\n", encoding="utf-8")
    (tmp_path / "broken-topic.yaml").write_text("id: broken-topic\n", encoding="utf-8")
    result = acrbot("kb", "lint", "--dir", str(tmp_path))
    assert result.returncode == 1
    assert "broken-topic.yaml: title: missing" in result.stderr


def test_console_answers_pastes_and_commands() -> None:
    """The console triages a multi-line paste and runs /acr help and /acr faq."""
    session = "\n".join(
        ["Step 4/9 : RUN make", PASTE, "", "/acr help", "/acr faq firewall ip", "/acr bogus", ""]
    )
    result = acrbot("console", stdin=session)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "The registry firewall does not allow your IP address" in out
    assert "/acr check-health <registry>" in out  # from help
    assert "client-ip-not-allowed" in out  # from faq
    assert "Unknown subcommand `bogus`" in out


def test_serve_without_tokens_in_a_container_fails_clearly() -> None:
    """No tokens and stdin on /dev/null (a pod): exit 2 naming the variables, not a silent loop."""
    with open(os.devnull, encoding="utf-8") as null:
        result = subprocess.run(
            [sys.executable, "-m", "bot", "serve"],
            stdin=null,
            capture_output=True,
            text=True,
            env=without_slack_settings(),
            timeout=60,
            check=False,
        )
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr and "Traceback" not in result.stderr


def test_serve_without_tokens_opens_the_console_on_piped_input() -> None:
    """No tokens and text on stdin: the console answers it, after a line naming the variables."""
    result = acrbot("serve", stdin=PASTE + "\n", env=without_slack_settings())
    assert result.returncode == 0
    assert "SLACK_APP_TOKEN" in result.stderr
    assert "The registry firewall does not allow your IP address" in result.stdout


READS_THE_KNOWLEDGE_DIR = [
    ["kb", "lint"],
    ["kb", "export", "--json"],
    ["kb", "stats"],
    ["kb", "stats", "--json"],
    ["match", "manifest unknown"],
    ["match", "--json", "manifest unknown"],
    ["match", "--jsonl"],
    ["config"],
    ["config", "--json"],
    ["console"],
    ["serve"],
    ["usage", "contosoprod", "--json"],
]


@pytest.fixture
def plain_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No Slack, Redis or knowledge settings from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "REDIS_", "ACRBOT_")):
            monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize("args", READS_THE_KNOWLEDGE_DIR, ids=" ".join)
def test_a_knowledge_dir_that_is_not_there_is_one_clear_error(
    args: list[str],
    plain_env: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every subcommand honours ACRBOT_KNOWLEDGE_DIR: one that does not exist is exit 1 with
    a sentence naming it (the error object with --json), not a silent fallback."""
    missing = tmp_path / "no-such-knowledge"
    plain_env.setenv("ACRBOT_KNOWLEDGE_DIR", str(missing))
    assert main(args) == 1
    out, err = capsys.readouterr()
    if "--json" in args:
        error = json.loads(out)["error"]
        assert error["code"] == "bad_config"
        assert f"ACRBOT_KNOWLEDGE_DIR={missing} does not exist" in error["message"]
    else:
        assert out == ""
        assert f"ACRBOT_KNOWLEDGE_DIR={missing} does not exist" in err


def _one_topic_knowledge(directory: Path) -> Path:
    """A knowledge base holding the firewall topic alone."""
    directory.mkdir()
    raw = yaml.safe_load(
        (default_directory() / "client-ip-not-allowed.yaml").read_text(encoding="utf-8")
    )
    raw["related"] = []
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    (directory / "client-ip-not-allowed.yaml").write_text(text, encoding="utf-8")
    (directory / "catalog.txt").write_text("client-ip-not-allowed\n", encoding="utf-8")
    return directory


def test_the_knowledge_dir_from_the_environment_is_the_one_used(
    plain_env: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """match, kb lint and kb export read ACRBOT_KNOWLEDGE_DIR; kb lint --dir comes first."""
    plain_env.setenv("ACRBOT_KNOWLEDGE_DIR", str(_one_topic_knowledge(tmp_path / "kb")))
    assert main(["kb", "lint"]) == 0
    assert capsys.readouterr().out.strip() == "ok: 1 entries"
    assert main(["kb", "export", "--json"]) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)] == ["client-ip-not-allowed"]
    assert main(["match", "--json", "manifest unknown"]) == 0
    assert json.loads(capsys.readouterr().out)["topic"] is None  # that topic is not in this base
    assert main(["kb", "lint", "--dir", str(default_directory())]) == 0
    assert capsys.readouterr().out.strip() != "ok: 1 entries"
    assert main(["kb", "lint", "--dir", str(tmp_path / "nowhere")]) == 1
    assert f"--dir {tmp_path / 'nowhere'} does not exist" in capsys.readouterr().err


def test_kb_stats_with_redis_down_says_so_in_one_sentence() -> None:
    """No bare `store.degraded` log line: one sentence naming the Redis that did not answer."""
    env = without_slack_settings()
    env["REDIS_URL"] = f"redis://:hunter2@127.0.0.1:{free_port()}/0"
    env.pop("ACRBOT_LOG_LEVEL", None)
    text = acrbot("kb", "stats", env=env)
    assert text.returncode == 1 and text.stdout == ""
    (line,) = text.stderr.splitlines()
    assert line.startswith("acrbot: the feedback counts are kept in Redis, and the Redis at ")
    assert "does not answer" in line and "hunter2" not in line
    as_json = acrbot("kb", "stats", "--json", env=env)
    assert as_json.returncode == 1 and as_json.stderr == ""
    assert json.loads(as_json.stdout)["error"]["code"] == "store_unreachable"
