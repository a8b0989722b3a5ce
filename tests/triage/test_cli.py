"""`acrbot match`, `kb` and `console` as other tools and people use them (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_jsonl_bad_line_keeps_going() -> None:
    """A malformed line gets an error object and the stream continues."""
    result = acrbot("match", "--jsonl", stdin="not json\n" + json.dumps({"text": PASTE}) + "\n")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["topic"] is None and rows[0]["error"] == "invalid input line"
    assert rows[1]["topic"] == "client-ip-not-allowed"
    assert "line 1" in result.stderr


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
