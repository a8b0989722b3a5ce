"""How fast `/acr help` is acknowledged in HTTP mode, next to a bare Bolt app that only acks.

    .venv/bin/python bench/ack.py [--clients 50] [--requests 200] [--rounds 3] [--events 500]

Both apps run as their own processes behind the same waitress settings, on 127.0.0.1, with
a fake Slack Web API (tests/fakes/slack_api.py) for the bot's calls. The load comes from
``bench/_load.py``, one asyncio loop in a process of its own, so the measuring side never
queues behind an interpreter lock: 50 kept-alive connections each send correctly signed
`/acr help` requests one after another, and the latency runs from sending a request to
reading its whole answer. The two apps are measured in alternating rounds of the same run,
so machine noise hits both. Then bursts: 50 fresh connections at once, one request each.
When ``wrk`` (Debian package ``wrk``) is installed, the same load is also run with it, as a
check by a load generator that is not ours.

Last, message events (a firewall error paste each, distinct channels) as fast as 50
connections send them, and how many the bot turned into posted replies per second.
Figures only: this prints, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.fakes.running_bot import (  # noqa: E402
    SIGNING_SECRET,
    BotProcess,
    sign,
    start_bot,
    usable_knowledge_dir,
)
from tests.fakes.slack_api import BOT_TOKEN, FakeSlackAPI  # noqa: E402
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix  # noqa: E402
from tests.slack import payloads  # noqa: E402


def bare_server(api_url: str) -> None:
    """Child process: a Bolt app whose /acr listener only acks, served like the bot."""
    import logging

    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    from bot.slack_app import EVENTS_PATH, HTTP_THREADS

    app = App(client=WebClient(token=BOT_TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET)

    @app.command("/acr")
    def only_ack(ack: Ack) -> None:
        ack()

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # as the bot does
    server = create_server(
        SlackRequestHandler(app, path=EVENTS_PATH),
        host="127.0.0.1",
        port=0,
        threads=HTTP_THREADS,
    )
    print(json.dumps({"port": server.effective_port}), flush=True)
    server.run()


def start_bare(api_url: str) -> tuple[subprocess.Popen[str], int]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--bare-server", api_url],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert child.stdout is not None
    port = int(json.loads(child.stdout.readline())["port"])
    return child, port


Requests = list[tuple[str, dict[str, str], str]]


def command_requests(hook: str, text: str = "help", count: int = 200) -> Requests:
    """Signed `/acr <text>` requests, signed now (Slack's window is five minutes)."""
    bodies = [payloads.command_form(text, response_url=hook) for _ in range(count)]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    return [("/slack/events", {**form, **sign(body)}, body) for body in bodies]


def load(
    port: int, requests: Requests, *, clients: int, per_client: int
) -> tuple[list[float], float]:
    """Latencies (seconds) and wall time of a load run by bench/_load.py in its own process.

    ``per_client`` 0 means a burst: every client opens a fresh connection for one request.
    """
    plan = {"port": port, "requests": requests, "clients": clients, "per_client": per_client}
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "_load.py")],
        input=json.dumps(plan),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"the load generator failed: {done.stderr.strip()[-500:]}")
    result = json.loads(done.stdout)
    return [float(x) for x in result["latencies"]], float(result["wall"])


def wrk_round(
    workdir: Path, port: int, requests: Requests, clients: int, seconds: int
) -> dict[str, float]:
    """p50, p99 (ms) and requests/s of one wrk run over the same signed requests."""
    lines = ["local requests = {}"]
    for path, headers, body in requests:
        fields = ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items())
        lines.append(
            f"requests[#requests + 1] = wrk.format('POST', {json.dumps(path)}, "
            f"{{{fields}}}, {json.dumps(body)})"
        )
    lines += [
        "local n = 0",
        "request = function() n = n + 1; return requests[n % #requests + 1] end",
        "done = function(summary, latency, _)",
        "  local bad = summary.errors.status + summary.errors.connect + summary.errors.read",
        "  io.write(string.format('WRK %d %d %d %d %d\\n', summary.requests, bad,",
        "    summary.duration, latency:percentile(50), latency:percentile(99)))",
        "end",
    ]
    script = workdir / "requests.lua"
    script.write_text("\n".join(lines), encoding="utf-8")
    url = f"http://127.0.0.1:{port}/slack/events"
    out = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    figures = next(line for line in out.splitlines() if line.startswith("WRK ")).split()[1:]
    count, bad, micros, p50, p99 = (int(x) for x in figures)
    if bad:
        raise SystemExit(f"wrk saw {bad} failed requests")
    return {"p50": p50 / 1000, "p99": p99 / 1000, "rate": count / (micros / 1e6)}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def message_rate(bot: BotProcess, slack: FakeSlackAPI, events: int) -> float:
    """Message events per second, from the first send to the last reply posted."""
    requests: Requests = []
    for _ in range(events):
        event = payloads.message_event(payloads.FIREWALL_PASTE, channel=payloads.new_channel())
        body = json.dumps(event)
        requests.append(("/slack/events", {"Content-Type": "application/json", **sign(body)}, body))
    before = len(slack.find("chat.postMessage"))
    clients = min(50, events)
    began = time.perf_counter()
    load(bot.port or 0, requests, clients=clients, per_client=events // clients)
    sent = clients * (events // clients)
    slack.wait_for("chat.postMessage", count=before + sent, timeout=300)
    return sent / (time.perf_counter() - began)


def redis_available() -> bool:
    import redis

    client = redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=0.5)
    try:
        return bool(client.ping())
    except (redis.exceptions.ConnectionError, OSError):
        return False
    finally:
        client.close()


def row(name: str, values: list[float], wall: float | None = None) -> str:
    line = (
        f"{name:<22}{percentile(values, 50) * 1000:>8.1f}{percentile(values, 99) * 1000:>9.1f}"
        f"{statistics.mean(values) * 1000:>9.1f}"
    )
    return line + (f"{len(values) / wall:>9.0f}" if wall else "")


def ratios(base: list[float], ours: list[float]) -> str:
    p50 = percentile(ours, 50) / percentile(base, 50)
    p99 = percentile(ours, 99) / percentile(base, 99)
    return f"p50 {p50:.2f}x  p99 {p99:.2f}x"


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200, help="per client and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bursts", type=int, default=10, help="bursts per app and round")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="per app and round; 0: skip")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--bare-server", metavar="API_URL", help=argparse.SUPPRESS)
    return parser


SERIES = {  # name → (app, the /acr text sent)
    "bare": ("bare", "help"),
    "ours": ("ours", "help"),
    "bolt": ("ours", "usage"),  # bad input: the usage line, parsed and answered in the ack
}
NAMES = {
    "bare": "bare Bolt (ack only)",
    "ours": "acr-chatops",
    "bolt": "  /acr usage (no arg)",
}


class Runs:
    """Latencies gathered per series over the alternating rounds."""

    def __init__(self) -> None:
        self.steady: dict[str, list[float]] = {name: [] for name in SERIES}
        self.wall: dict[str, float] = dict.fromkeys(SERIES, 0.0)
        self.bursts: dict[str, list[float]] = {"bare": [], "ours": []}
        self.wrk: dict[str, list[dict[str, float]]] = {"bare": [], "ours": []}


def measure(args: argparse.Namespace, workdir: Path, ports: dict[str, int], hook: str) -> Runs:
    runs = Runs()
    use_wrk = args.wrk_seconds > 0 and shutil.which("wrk") is not None
    for app, text in SERIES.values():  # warm up: imports, caches, the caller's locale
        load(ports[app], command_requests(hook, text), clients=10, per_client=50)
    for _ in range(args.rounds):
        for name, (app, text) in SERIES.items():
            latencies, wall = load(
                ports[app],
                command_requests(hook, text),
                clients=args.clients,
                per_client=args.requests,
            )
            runs.steady[name] += latencies
            runs.wall[name] += wall
        requests = command_requests(hook)
        time.sleep(1.0)  # bursts hit an idle app: the work the steady load left behind is done
        for _ in range(args.bursts):
            for app in runs.bursts:
                latencies, _ = load(ports[app], requests, clients=args.clients, per_client=0)
                runs.bursts[app] += latencies
                time.sleep(0.05)
        if use_wrk:
            for app in runs.wrk:
                runs.wrk[app].append(
                    wrk_round(workdir, ports[app], requests, args.clients, args.wrk_seconds)
                )
    return runs


def report(args: argparse.Namespace, runs: Runs, rate: float, use_redis: bool) -> None:
    total = args.clients * args.requests * args.rounds
    print(
        f"/acr help ack latency, HTTP mode, {args.clients} concurrent kept-alive connections, "
        f"{total} requests per app in {args.rounds} alternating rounds (bench/_load.py)"
    )
    print(f"{'':<22}{'p50 ms':>8}{'p99 ms':>9}{'mean ms':>9}{'req/s':>9}")
    for name in SERIES:
        print(row(NAMES[name], runs.steady[name], runs.wall[name]))
    steady = runs.steady
    target = "(target: <= 1.5x, p99 <= 50 ms)"
    print(f"ratio acr-chatops/bare  {ratios(steady['bare'], steady['ours'])}  {target}")
    print(f"ratio usage line/bare   {ratios(steady['bare'], steady['bolt'])}")
    print(
        "(every request goes through Bolt's dispatch: signature check, listener, ack; "
        "`/acr usage` with no registry is answered with its usage line inside the ack)"
    )
    print()
    count = args.bursts * args.rounds
    print(f"bursts: {count} x {args.clients} requests at once, each on a fresh connection")
    for app in runs.bursts:
        print(row(NAMES[app], runs.bursts[app]))
    print(f"ratio acr-chatops/bare  {ratios(runs.bursts['bare'], runs.bursts['ours'])}")
    if runs.wrk["ours"]:
        print()
        print(
            f"cross-check with wrk: {args.clients} connections, {args.wrk_seconds} s per app and "
            "round; p50 / p99 ms and req/s of each round"
        )
        for app in runs.wrk:
            cells = "   ".join(
                f"{r['p50']:.1f} / {r['p99']:.1f} @ {r['rate']:.0f}" for r in runs.wrk[app]
            )
            print(f"{NAMES[app]:<22}{cells}")
        worst = max(r["p99"] for r in runs.wrk["ours"])
        print(f"acr-chatops worst round p99 {worst:.1f} ms")
    print()
    store = "Redis" if use_redis else "in-process store"
    print(
        f"message events handled: {rate:.0f} per second ({args.events} pastes → replies, {store})"
    )


def main() -> int:
    args = _arguments().parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0

    prefix = new_prefix("bench-ack")
    use_redis = redis_available()
    workdir = Path(tempfile.mkdtemp(prefix="acr-bench-"))
    try:
        with FakeSlackAPI() as slack:
            bot = start_bot(
                slack,
                redis_url=SHARED_REDIS if use_redis else None,
                redis_prefix=prefix,
                knowledge_dir=usable_knowledge_dir(workdir / "knowledge"),
                log_file=workdir / "bot.log",
            )
            bare, bare_port = start_bare(slack.api_url)
            try:
                ports = {"bare": bare_port, "ours": bot.port or 0}
                runs = measure(args, workdir, ports, slack.hook_url())
                rate = message_rate(bot, slack, args.events)
            finally:
                bare.terminate()
                bare.wait(10)
                bot.stop()
    finally:  # a failed run leaves no files or Redis keys behind either
        shutil.rmtree(workdir, ignore_errors=True)
        if use_redis:
            delete_prefix(prefix)
    report(args, runs, rate, use_redis)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
