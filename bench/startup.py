"""Start-up time: `acrbot match x`, and `acrbot serve` until it serves, against a bare import.

    .venv/bin/python bench/startup.py [--rounds 7] [--compare DIR]

Each round runs, one after another in new processes: ``python -c "import slack_bolt"`` (the
baseline: an interpreter that loads Slack's library and does nothing), ``python -m bot match
x`` (to its exit), and ``python -m bot serve`` in HTTP mode against the fake Slack Web API
(tests/fakes/slack_api.py), timed from the start of the process until it logs
``serve.started`` — listening, with the knowledge index built and Slack's auth.test done —
then stopped with SIGTERM. With ``--compare DIR`` the same two are also run from another
source tree (an export of an older commit, say) with the same interpreter. The rounds
alternate, so machine noise hits every series; the medians are printed with the ratios to
the baseline. Figures only: this prints, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.running_bot import bot_env  # noqa: E402
from tests.fakes.slack_api import FakeSlackAPI  # noqa: E402

MATCH_TARGET = 2.5  # × the bare import
READY_TARGET = 1.5  # seconds


def timed(command: list[str], env: dict[str, str], tree: Path = REPO) -> float:
    """Seconds from starting ``command`` in ``tree`` to its exit (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(command, env=_in(tree, env), cwd=tree, check=True, capture_output=True)
    return time.perf_counter() - started


def _in(tree: Path, env: dict[str, str]) -> dict[str, str]:
    """``env`` with ``tree``'s packages first on the path (the checkout's own by default)."""
    return env if tree == REPO else {**env, "PYTHONPATH": str(tree)}


def serve_ready(slack: FakeSlackAPI, tree: Path = REPO) -> float:
    """Seconds from starting `acrbot serve` (HTTP mode) to its serve.started log line."""
    env = bot_env(slack, mode="http", extra={"ACRBOT_LOG_LEVEL": "info"})
    env.pop("REDIS_URL", None)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        cwd=tree,
        env=_in(tree, env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("event") == "serve.started":
                return time.perf_counter() - started
        raise SystemExit("acrbot serve exited before it was ready")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            print(f"acrbot serve in {tree} did not stop on SIGTERM; killed", file=sys.stderr)
            process.kill()
            process.communicate()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--compare", type=Path, help="another source tree to time as well")
    args = parser.parse_args()
    python = sys.executable
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ACRBOT_"))}
    trees = [REPO] + ([args.compare.resolve()] if args.compare else [])
    bare: list[float] = []
    match: dict[Path, list[float]] = {tree: [] for tree in trees}
    ready: dict[Path, list[float]] = {tree: [] for tree in trees}
    with FakeSlackAPI() as slack:
        for _ in range(args.rounds):
            bare.append(timed([python, "-c", "import slack_bolt"], clean))
            for tree in trees:
                match[tree].append(timed([python, "-m", "bot", "match", "x"], clean, tree))
                ready[tree].append(serve_ready(slack, tree))
    base = statistics.median(bare)
    print(f"start-up, median of {args.rounds} alternating rounds (min in brackets)")
    print(f"python -c 'import slack_bolt'      {base * 1000:7.0f} ms  ({min(bare) * 1000:.0f})")
    for tree in trees:
        name = "" if tree == REPO else f" [{tree.name}]"
        m, r = statistics.median(match[tree]), statistics.median(ready[tree])
        print(
            f"{'acrbot match x' + name:<40}{m * 1000:7.0f} ms  ({min(match[tree]) * 1000:.0f})"
            f"   {m / base:.2f}x the bare import  [target <= {MATCH_TARGET}x]"
        )
        print(
            f"{'acrbot serve, ready (HTTP)' + name:<40}{r * 1000:7.0f} ms  "
            f"({min(ready[tree]) * 1000:.0f})   {r / base:.2f}x the bare import  "
            f"[target <= {READY_TARGET} s]"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
