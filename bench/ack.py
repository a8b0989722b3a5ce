"""How fast `/acr help` is acknowledged in HTTP mode, next to a bare Bolt app that only acks.

    .venv/bin/python bench/ack.py [--clients 50] [--requests 40] [--events 300]

Both apps run as their own processes behind the same waitress settings, on 127.0.0.1, with
a fake Slack Web API (tests/fakes/slack_api.py) receiving the bot's response_url posts. Each
of the concurrent clients sends correctly signed `/acr help` requests one after another on a
kept-alive connection; the latency is from sending the request to reading the ack. The two
apps are measured in alternating rounds of the same run, so machine noise hits both.

Then it sends message events (a firewall error paste each, distinct channels) as fast as the
clients can and reports how many the bot turned into posted replies per second.
Figures only: this prints, it does not pass or fail.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
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
from tests.slack import payloads  # noqa: E402

SHARED_REDIS = "redis://127.0.0.1:6379/0"


def bare_server(api_url: str) -> None:
    """Child process: a Bolt app whose /acr listener only acks, served like the bot."""
    from slack_bolt import Ack, App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient
    from waitress.server import create_server

    from bot.slack_app import EVENTS_PATH, HTTP_THREADS

    app = App(client=WebClient(token=BOT_TOKEN, base_url=api_url), signing_secret=SIGNING_SECRET)

    @app.command("/acr")
    def only_ack(ack: Ack) -> None:
        ack()

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


def command_body(hook: str) -> str:
    return payloads.command_form("help", response_url=hook)


def load(port: int, bodies: list[str], clients: int, per_client: int) -> tuple[list[float], float]:
    """Latencies (seconds) of clients × per_client signed POSTs, and the wall time."""
    latencies: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    failures: list[str] = []

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        start.wait()
        for n in range(per_client):
            body = bodies[(number * per_client + n) % len(bodies)]
            headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
            began = time.perf_counter()
            connection.request("POST", "/slack/events", body=body, headers=headers)
            answer = connection.getresponse()
            answer.read()
            mine.append(time.perf_counter() - began)
            if answer.status != 200:
                failures.append(str(answer.status))
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} requests failed, e.g. HTTP {failures[0]}")
    return latencies, wall


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def message_rate(bot: BotProcess, slack: FakeSlackAPI, events: int, clients: int) -> float:
    """Message events per second, from the first send to the last reply posted."""
    bodies = [
        json.dumps(payloads.message_event(payloads.FIREWALL_PASTE, channel=payloads.new_channel()))
        for _ in range(events)
    ]
    before = len(slack.find("chat.postMessage"))
    port = bot.port or 0
    began = time.perf_counter()
    load(port, bodies, clients, max(1, events // clients))
    sent = clients * max(1, events // clients)
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


def report(
    args: argparse.Namespace,
    *,
    base: list[float],
    base_wall: float,
    ours: list[float],
    ours_wall: float,
    rate: float,
    use_redis: bool,
) -> None:
    def row(name: str, values: list[float], wall: float) -> str:
        return (
            f"{name:<22}{percentile(values, 50) * 1000:>8.1f}{percentile(values, 99) * 1000:>9.1f}"
            f"{statistics.mean(values) * 1000:>9.1f}{len(values) / wall:>9.0f}"
        )

    total = args.clients * args.requests * args.rounds
    print(
        f"/acr help ack latency, HTTP mode, {args.clients} concurrent clients, "
        f"{total} requests per app in {args.rounds} alternating rounds"
    )
    print(f"{'':<22}{'p50 ms':>8}{'p99 ms':>9}{'mean ms':>9}{'req/s':>9}")
    print(row("bare Bolt (ack only)", base, base_wall))
    print(row("acr-chatops", ours, ours_wall))
    p50 = percentile(ours, 50) / percentile(base, 50)
    p99 = percentile(ours, 99) / percentile(base, 99)
    print(f"ratio acr-chatops/bare  p50 {p50:.2f}x  p99 {p99:.2f}x  (target <= 1.5x, p99 <= 50 ms)")
    store = "Redis" if use_redis else "in-process store"
    print(
        f"message events handled: {rate:.0f} per second ({args.events} pastes → replies, {store})"
    )


def burst(args: argparse.Namespace, base: list[float], ours: list[float]) -> None:
    print(
        f"bursts: {args.bursts} x {args.clients} simultaneous requests (each request alone in "
        "its client, a fresh connection)"
    )
    for name, values in (("bare Bolt (ack only)", base), ("acr-chatops", ours)):
        print(
            f"{name:<22}{percentile(values, 50) * 1000:>8.1f}{percentile(values, 99) * 1000:>9.1f}"
            f"{statistics.mean(values) * 1000:>9.1f}"
        )
    p50 = percentile(ours, 50) / percentile(base, 50)
    p99 = percentile(ours, 99) / percentile(base, 99)
    print(f"ratio acr-chatops/bare  p50 {p50:.2f}x  p99 {p99:.2f}x")


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=40, help="per client and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bursts", type=int, default=20, help="bursts of --clients requests")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--bare-server", metavar="API_URL", help=argparse.SUPPRESS)
    return parser


def main() -> int:
    args = _arguments().parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return 0

    prefix = f"bench-ack-{uuid.uuid4().hex}:"
    use_redis = redis_available()
    workdir = Path(tempfile.mkdtemp(prefix="acr-bench-"))
    knowledge = usable_knowledge_dir(workdir / "knowledge")
    with FakeSlackAPI() as slack:
        bot = start_bot(
            slack,
            redis_url=SHARED_REDIS if use_redis else None,
            redis_prefix=prefix,
            knowledge_dir=knowledge,
            log_file=workdir / "bot.log",
        )
        bare, bare_port = start_bare(slack.api_url)
        try:
            bodies = [command_body(slack.hook_url()) for _ in range(200)]
            ours_port = bot.port or 0
            load(ours_port, bodies, 10, 20)  # warm up both
            load(bare_port, bodies, 10, 20)
            ours: list[float] = []
            base: list[float] = []
            ours_wall = base_wall = 0.0
            for _ in range(args.rounds):
                lat, wall = load(bare_port, bodies, args.clients, args.requests)
                base += lat
                base_wall += wall
                lat, wall = load(ours_port, bodies, args.clients, args.requests)
                ours += lat
                ours_wall += wall
            burst_ours: list[float] = []
            burst_base: list[float] = []
            for _ in range(args.bursts):  # all clients fire one request at the same moment
                burst_base += load(bare_port, bodies, args.clients, 1)[0]
                time.sleep(0.05)
                burst_ours += load(ours_port, bodies, args.clients, 1)[0]
                time.sleep(0.05)
            rate = message_rate(bot, slack, args.events, args.clients)
        finally:
            bare.terminate()
            bare.wait(10)
            bot.stop()
    shutil.rmtree(workdir, ignore_errors=True)
    if use_redis:
        import redis

        client = redis.Redis.from_url(SHARED_REDIS)
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
        client.close()

    report(
        args,
        base=base,
        base_wall=base_wall,
        ours=ours,
        ours_wall=ours_wall,
        rate=rate,
        use_redis=use_redis,
    )
    burst(args, burst_base, burst_ours)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
