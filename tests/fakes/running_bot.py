"""Start the real bot (`python -m bot serve`) against the fakes, and talk to it like Slack does.

    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", redis_url=..., redis_prefix=...)
        status, _ = post_signed(bot.events_url, body_json, "application/json")
        slack.wait_for("chat.postMessage", channel="C0ACRHELP1")
        bot.stop()

The bot's JSON log lines are collected (``bot.logs``), so a test can wait for an event such
as ``serve.started`` or check what was logged. ``usable_knowledge_dir`` copies the knowledge
base entries that validate today into a directory (so a half-written entry elsewhere cannot
break these tests); pass it as ACRBOT_KNOWLEDGE_DIR.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.signature import SignatureVerifier

from bot.knowledge import check, default_directory
from tests.fakes.slack_api import APP_TOKEN, BOT_TOKEN, FakeSlackAPI
from tests.reference import REPO, signing_vectors

SIGNING_SECRET: str = signing_vectors()["signing_secret"]
_DROP_ENV = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "http_proxy",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
    "SLACK_CLIENT_ID",
    "SLACK_CLIENT_SECRET",
    "SLACK_BOT_TOKEN",
    "SLACK_APP_TOKEN",
    "SLACK_SIGNING_SECRET",
    "REDIS_URL",
)


@dataclass
class BotProcess:
    process: subprocess.Popen[str]
    mode: str
    logs: list[dict[str, Any]] = field(default_factory=list)
    output: list[str] = field(default_factory=list)
    port: int | None = None
    ops_port: int | None = None
    _cond: threading.Condition = field(default_factory=threading.Condition)

    @property
    def events_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def _read(self) -> None:
        assert self.process.stdout is not None
        self._collect(self.process.stdout)

    def _tail(self, path: Path) -> None:
        """Follow a log file until the process ends (the bot never waits on a slow reader)."""
        with path.open(encoding="utf-8") as stream:
            while True:
                line = stream.readline()
                if line:
                    self._collect([line])
                    continue
                if self.process.poll() is not None:
                    self._collect(stream.readlines())
                    return
                time.sleep(0.05)

    def _collect(self, lines: Any) -> None:
        for line in lines:
            with self._cond:
                self.output.append(line.rstrip("\n"))
                try:
                    record = json.loads(line)
                except ValueError:
                    record = None
                if isinstance(record, dict):
                    self.logs.append(record)
                    if record.get("event") == "serve.listening":
                        self.port = int(record["port"])
                    if record.get("event") == "ops.listening":
                        self.ops_port = int(record["port"])
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def wait_log(self, name: str, timeout: float = 30.0, **fields: Any) -> dict[str, Any]:
        """The first log record named ``name`` (with ``fields``); raise if it does not come."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for record in self.logs:
                    if record.get("event") == name and all(
                        record.get(k) == v for k, v in fields.items()
                    ):
                        return record
                if self.process.poll() is not None:
                    tail = "\n".join(self.output[-30:])
                    raise AssertionError(f"bot exited before logging {name}:\n{tail}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    tail = "\n".join(self.output[-30:])
                    raise AssertionError(f"bot did not log {name} in time:\n{tail}")
                self._cond.wait(min(remaining, 0.2))

    def events(self, name: str) -> list[dict[str, Any]]:
        with self._cond:
            return [r for r in self.logs if r.get("event") == name]

    def peak_rss_mb(self) -> float:
        """The most memory the process has held so far (VmHWM), in MiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM in /proc")

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then wait for a clean exit; return the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return int(self.process.returncode)


def bot_env(
    slack: FakeSlackAPI,
    *,
    mode: str = "http",
    redis_url: str | None = None,
    redis_prefix: str | None = None,
    knowledge_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a bot process wired to the fakes (and nothing outside 127.0.0.1)."""
    env = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
        ACRBOT_MODE=mode,
        ACRBOT_HOST="127.0.0.1",
        PORT="0",
        ACRBOT_METRICS_PORT="0",
        ACRBOT_LOG_FORMAT="json",
        ACRBOT_LOG_LEVEL="info",
        NO_PROXY="127.0.0.1,localhost",
        PYTHONUNBUFFERED="1",
    )
    if mode == "http":
        env["SLACK_SIGNING_SECRET"] = SIGNING_SECRET
    else:
        env["SLACK_APP_TOKEN"] = APP_TOKEN
    if redis_url:
        env["REDIS_URL"] = redis_url
    if redis_prefix:
        env["ACRBOT_REDIS_PREFIX"] = redis_prefix
    if knowledge_dir is not None:
        env["ACRBOT_KNOWLEDGE_DIR"] = str(knowledge_dir)
    env.update(extra or {})
    return env


def start_bot(
    slack: FakeSlackAPI,
    *,
    mode: str = "http",
    redis_url: str | None = None,
    redis_prefix: str | None = None,
    knowledge_dir: Path | None = None,
    extra: Mapping[str, str] | None = None,
    timeout: float = 60.0,
    log_file: Path | None = None,
) -> BotProcess:
    """Run `python -m bot serve` and wait until it has started (HTTP: listening on a port).

    The bot's output is read through a pipe, or written to ``log_file`` and followed there
    (for benchmarks: a busy test process then never slows the bot's logging down).
    """
    env = bot_env(
        slack,
        mode=mode,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        knowledge_dir=knowledge_dir,
        extra=extra,
    )
    output = log_file.open("w", encoding="utf-8") if log_file else subprocess.PIPE
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )
    bot = BotProcess(process=process, mode=mode)
    if log_file is not None:
        threading.Thread(target=bot._tail, args=(log_file,), daemon=True).start()
    else:
        threading.Thread(target=bot._read, daemon=True).start()
    try:
        bot.wait_log("serve.started", timeout=timeout)
    except AssertionError:
        bot.stop(5)
        raise
    return bot


def sign(body: str, timestamp: int | None = None, secret: str = SIGNING_SECRET) -> dict[str, str]:
    """The two headers Slack puts on a request (timestamp defaults to now)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body) or ""
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def post_signed(
    url: str,
    body: str,
    content_type: str,
    *,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    headers: Mapping[str, str] | None = None,
    signed_body: str | None = None,
    timeout: float = 10.0,
) -> tuple[int, str]:
    """POST like Slack: signed with the secret (``signed_body`` lets a test forge a mismatch)."""
    all_headers = signed_headers(
        body,
        content_type,
        timestamp=timestamp,
        secret=secret,
        headers=headers,
        signed_body=signed_body,
    )
    return post_raw(url, body, all_headers, timeout)


def signed_headers(
    body: str,
    content_type: str,
    *,
    timestamp: int | None = None,
    secret: str = SIGNING_SECRET,
    headers: Mapping[str, str] | None = None,
    signed_body: str | None = None,
) -> dict[str, str]:
    """The headers of a request Slack sends (``signed_body``: sign another body, a forgery)."""
    all_headers = {"Content-Type": content_type}
    all_headers.update(sign(body if signed_body is None else signed_body, timestamp, secret))
    all_headers.update(headers or {})
    return all_headers


def post_raw(
    url: str, body: str, headers: Mapping[str, str], timeout: float = 10.0
) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body.encode("utf-8"), headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return int(answer.status), answer.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode("utf-8")


HUGE_MARK = "HUGE-BODY-9c41"  # what ``send_huge`` bodies are made of


def send_huge(port: int, size: int, chunked: bool = False) -> tuple[int, float]:
    """POST ``size`` unsigned bytes to /slack/events as fast as the bot takes them (Content-Length,
    or chunked); the status it answered (0: none) and the seconds until it did."""
    started = time.monotonic()
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    head = b"POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
    if chunked:
        head += b"Transfer-Encoding: chunked\r\n\r\n"
    else:
        head += b"Content-Length: %d\r\n\r\n" % size
    sock.sendall(head)
    mark = HUGE_MARK.encode()
    piece = (mark * (65536 // len(mark) + 1))[:65536]
    frame = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece

    def pour() -> None:
        try:
            for _ in range(0, size, len(piece)):
                sock.sendall(frame)
        except OSError:
            return  # the bot answered and closed: the rest is never read

    threading.Thread(target=pour, daemon=True).start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    except OSError:
        pass
    finally:
        sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


def usable_knowledge_dir(target: Path) -> Path:
    """Copy the knowledge entries that validate today into ``target`` (with its catalog).

    Entries being written by others may be incomplete; the Slack tests only need a valid
    knowledge base, so they take the valid part. Links to missing topics are dropped.
    """
    entries, _ = check()
    ids = {e.id for e in entries}
    target.mkdir(parents=True, exist_ok=True)
    source = default_directory()
    for entry in entries:
        raw = yaml.safe_load((source / f"{entry.id}.yaml").read_text(encoding="utf-8"))
        raw["related"] = [r for r in raw.get("related") or [] if r in ids]
        text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
        (target / f"{entry.id}.yaml").write_text(text, encoding="utf-8")
    (target / "catalog.txt").write_text("\n".join(sorted(ids)) + "\n", encoding="utf-8")
    return target
