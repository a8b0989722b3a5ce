"""What bounded input and separate acknowledgements cost and save, against a real `acrbot serve`.

    .venv/bin/python bench/limits.py [--huge-mb 20 100] [--pastes 60] [--slack-delay 8]

Figures only (it prints, it does not pass or fail), each next to a baseline of the same run:

1. Unsigned bodies of 20 and 100 MB: seconds to the answer and the bot's peak RSS, next to a
   1 kB unsigned request on the same process.
2. Acknowledgement latency of `/acr usage` and of a button while N pastes wait on a slow Slack
   (every worker busy), next to the same on an idle bot.
3. The log scrubber on 4,000 and 8,000 adversarial characters (`a.a.a…`, `-eyJ-eyJ…`): the
   patterns before this change (kept here as the baseline) and now.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bot.observe.logging import scrub  # noqa: E402
from tests.fakes.running_bot import (  # noqa: E402
    BotProcess,
    post_raw,
    post_signed,
    send_huge,
    start_bot,
    usable_knowledge_dir,
)
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402
from tests.slack import payloads as p  # noqa: E402

FORM = "application/x-www-form-urlencoded"
# The two patterns of the scrubber before this change that took quadratic time.
BEFORE = (
    re.compile(
        r"(?i)(?P<keep>\b[\w.-]*(?:password|passwd|pwd|secret|token|ticket|api[_-]?key|signature)"
        r"[\"']?\s*[:=]\s*[\"']?)[^\s\"',}&\]]+"
    ),
    re.compile(r"(?P<keep>)\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
)


def huge_bodies(bot: BotProcess, sizes_mb: list[int]) -> None:
    assert bot.port is not None
    started = time.monotonic()
    status, _ = post_raw(bot.events_url, "x" * 1000, {"Content-Type": "application/json"})
    small = time.monotonic() - started
    print(
        f"  1 kB unsigned: {status} in {small * 1000:.1f} ms, peak RSS {bot.peak_rss_mb():.0f} MiB"
    )
    for size in sizes_mb:
        status, seconds = send_huge(bot.port, size * 1_000_000)
        print(
            f"  {size} MB unsigned: {status} in {seconds * 1000:.1f} ms "
            f"({seconds / small:.1f}x the 1 kB request), peak RSS {bot.peak_rss_mb():.0f} MiB"
        )


def ack_times(bot: BotProcess, slack: FakeSlackAPI, tries: int = 10) -> tuple[float, float]:
    """Median acknowledgement seconds of `/acr usage` and of a button."""
    commands, clicks = [], []
    for _ in range(tries):
        form = p.command_form("usage contosoprod", response_url=slack.hook_url())
        started = time.monotonic()
        post_signed(bot.events_url, form, FORM)
        commands.append(time.monotonic() - started)
        click = p.helped_click(slack.hook_url())
        started = time.monotonic()
        post_signed(bot.events_url, p.interaction_form(click), FORM)
        clicks.append(time.monotonic() - started)
    return statistics.median(commands), statistics.median(clicks)


def scrubber() -> None:
    for size in (4000, 8000):
        for unit in ("a.", "-eyJ"):
            text = (unit * size)[:size]
            started = time.perf_counter()
            for pattern in BEFORE:
                pattern.sub("*", text)
            before = time.perf_counter() - started
            started = time.perf_counter()
            scrub(text)
            now = time.perf_counter() - started
            print(
                f"  {size} chars of {unit!r}: before {before * 1000:.1f} ms, now "
                f"{now * 1000:.2f} ms ({before / now:.0f}x)"
            )
    text = ("a." * 25_000)[:50_000]
    started = time.perf_counter()
    scrub(text)
    print(f"  50,000 chars of 'a.': now {(time.perf_counter() - started) * 1000:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--huge-mb", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--pastes", type=int, default=60)
    parser.add_argument("--slack-delay", type=float, default=8.0)
    args = parser.parse_args()
    knowledge = usable_knowledge_dir(Path(tempfile.mkdtemp(prefix="acrbot-bench-")))

    print("Unsigned bodies (413 from the headers, before the body is read):")
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge)
        try:
            huge_bodies(bot, args.huge_mb)
        finally:
            bot.stop()

    delay = f"{args.slack_delay:g} s"
    print(f"Acknowledgements, idle and with {args.pastes} pastes behind a {delay} Slack:")
    with FakeSlackAPI() as slack:
        bot = start_bot(slack, mode="http", knowledge_dir=knowledge)
        try:
            idle = ack_times(bot, slack)
            slack.delay["chat.postMessage"] = args.slack_delay
            for _ in range(args.pastes):
                body = json.dumps(p.message_event(p.FIREWALL_PASTE, channel=p.new_channel()))
                post_signed(bot.events_url, body, "application/json")
            slack.wait_for("chat.postMessage", count=min(args.pastes, 16), timeout=10)
            busy = ack_times(bot, slack)
        finally:
            bot.process.kill()
            bot.process.wait(10)
    for what, before, after in (("/acr usage", idle[0], busy[0]), ("button", idle[1], busy[1])):
        print(
            f"  {what}: idle {before * 1000:.1f} ms, busy {after * 1000:.1f} ms "
            f"({after / before:.2f}x)"
        )

    print("Log scrubber on adversarial text:")
    scrubber()


if __name__ == "__main__":
    main()
