"""100 concurrent `usage` requests from 2 bot processes sharing Redis; count the ARM calls.

Each process builds its own AzureOps on a RedisStore (like two replicas), waits for the other,
then fires 50 requests at once from 50 threads. The fake ARM adds latency so the requests
really overlap. Target: 1 listUsages call in total (plus 1 registry lookup).

    .venv/bin/python bench/usage.py [--requests 100] [--processes 2] [--redis redis://127.0.0.1:6379/0]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.arm import FakeArm  # noqa: E402
from tests.fakes.azure_http import TestCA  # noqa: E402
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity  # noqa: E402
from tests.shared_redis import SHARED_REDIS, delete_prefix  # noqa: E402

SUB = "00000000-0000-0000-0000-000000000000"


def replica(env: dict[str, str], prefix: str, count: int, start: Any, results: Any) -> None:
    """One bot process: its own store connection and AzureOps, ``count`` concurrent requests."""
    os.environ.update(env)
    from bot.azure.ops import AzureOps
    from bot.config import Settings
    from bot.store.redis import RedisStore

    settings = Settings.from_env(env)
    store = RedisStore(env["REDIS_URL"], prefix)
    ops = AzureOps(settings, store)
    barrier = threading.Barrier(count)
    cached: list[bool] = []

    def ask() -> None:
        barrier.wait()
        cached.append(ops.usage("benchregistry").cached)

    threads = [threading.Thread(target=ask) for _ in range(count)]
    start.wait()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((len(cached), sum(cached)))
    store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--latency", type=float, default=0.2, help="seconds added per ARM call")
    parser.add_argument("--redis", default=SHARED_REDIS)
    args = parser.parse_args()

    ca = TestCA()
    identity = FakeIdentity()
    arm = FakeArm(ca)
    arm.add_registry("benchregistry")
    arm.delay = args.latency
    prefix = f"bench-usage-{uuid.uuid4().hex}:"
    env = {
        k: v for k, v in os.environ.items() if k not in OTHER_IDENTITY_VARIABLES
    } | identity.env()
    env.update(
        ACRBOT_CREDENTIAL="managed-identity",
        ACRBOT_ARM_ENDPOINT=arm.url,
        AZURE_SUBSCRIPTION_ID=SUB,
        REQUESTS_CA_BUNDLE=str(ca.ca_pem),
        REDIS_URL=args.redis,
        ACRBOT_LOG_LEVEL="warning",
    )
    context = mp.get_context("spawn")
    start = context.Event()
    results = context.Queue()
    per_process = args.requests // args.processes
    processes = [
        context.Process(target=replica, args=(env, prefix, per_process, start, results))
        for _ in range(args.processes)
    ]
    try:
        for process in processes:
            process.start()
        time.sleep(3.0)  # let every process import and connect before the crowd arrives
        started = time.perf_counter()
        start.set()
        answers = [results.get(timeout=120) for _ in processes]
        elapsed = time.perf_counter() - started
        for process in processes:
            process.join(30)
    finally:
        arm.close()
        identity.close()
        ca.close()
        delete_prefix(prefix, args.redis)

    total = sum(n for n, _ in answers)
    from_cache = sum(c for _, c in answers)
    print(f"usage requests answered: {total} over {args.processes} processes in {elapsed:.2f} s")
    print(f"answered from the shared cache / by waiting for another request: {from_cache}")
    print(f"ARM listUsages calls: {arm.calls['registries.list_usages']}  [target: 1]")
    print(f"ARM registry lookups (registries.list): {arm.calls['registries.list']}")
    print(f"ARM calls in total: {arm.total_calls()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
