"""Cancel 200 running task runs against a fake ARM that adds 100 ms to every call.

Prints the time to cancel them all the way the bot does (concurrently, bounded parallelism)
and the same work done by a plain sequential loop, in one run, with the ratio.
Targets: concurrent ≤ 3 s, and ≥ 10× faster than the loop.

    .venv/bin/python bench/cancel.py [--runs 200] [--latency 0.1] [--parallelism 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.access import Caller  # noqa: E402
from bot.azure.ops import AzureOps  # noqa: E402
from bot.azure.runs import cancel_one  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import MemoryStore  # noqa: E402
from tests.fakes.arm import FakeArm  # noqa: E402
from tests.fakes.azure_http import TestCA  # noqa: E402
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity  # noqa: E402

SUB = "00000000-0000-0000-0000-000000000000"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds added per ARM call")
    parser.add_argument("--parallelism", type=int, default=20)
    args = parser.parse_args()

    ca = TestCA()
    identity = FakeIdentity()
    arm = FakeArm(ca)
    for name in OTHER_IDENTITY_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(identity.env(), REQUESTS_CA_BUNDLE=str(ca.ca_pem))
    settings = Settings.from_env(
        {
            "ACRBOT_CREDENTIAL": "managed-identity",
            "ACRBOT_ARM_ENDPOINT": arm.url,
            "AZURE_SUBSCRIPTION_ID": SUB,
        }
    )
    ops = AzureOps(settings, MemoryStore(), parallelism=args.parallelism)
    caller = Caller("bench", source="cli")
    try:
        arm.add_registry("benchregistry")
        arm.add_runs("benchregistry", args.runs, start=1)
        arm.add_runs("benchregistry", args.runs, start=100_001)
        plan = ops.plan_cancel(caller, "benchregistry", confirm=False)  # warms token + lookup
        first = [r.run_id for r in plan.runs.runs if int(r.run_id[2:]) <= args.runs]
        second = [r.run_id for r in plan.runs.runs if int(r.run_id[2:]) > 100_000]
        arm.delay = args.latency

        started = time.perf_counter()
        result = ops.cancel(plan.registry, first)
        concurrent = time.perf_counter() - started

        started = time.perf_counter()
        outcomes = [cancel_one(ops.arm, plan.registry, run_id)[0] for run_id in second]
        sequential = time.perf_counter() - started
    finally:
        ops.close()
        arm.close()
        identity.close()
        ca.close()

    print(f"runs: {args.runs}, ARM latency added per call: {args.latency * 1000:.0f} ms")
    print(
        f"concurrent (parallelism {args.parallelism}): {concurrent:.2f} s "
        f"({len(result.cancelled)} cancelled, {len(result.failed)} failed)  [target <= 3 s]"
    )
    print(
        f"sequential loop:                {sequential:.2f} s "
        f"({outcomes.count('cancelled')} cancelled)"
    )
    print(f"speed-up: {sequential / concurrent:.1f}x  [target >= 10x]")
    print(f"cancel calls seen by the fake ARM: {arm.calls['runs.cancel']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
