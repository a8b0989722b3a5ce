"""Count the untagged manifests of 2,000 repositories × 50 manifests behind 50 ms of latency.

The fake data plane runs in a process of its own (so its work does not share the client's
interpreter lock) and adds ``--latency`` to every request it answers; each SDK call is four
requests (the challenge, the two token exchanges, the request itself), as against ACR. Prints
the time `untagged` takes the way the bot counts (a bounded pool while the catalog pages) and
the time of a plain sequential loop over the same repositories, in one run, with the ratio.

    .venv/bin/python bench/untagged.py [--repositories 2000] [--manifests 50] [--latency 0.05]
        [--workers 16] [--sequential N]   (N: repositories the loop does; default all)
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.azure.ops import AzureOps  # noqa: E402
from bot.azure.reports import UntaggedCount  # noqa: E402
from bot.azure.untagged import untagged_in  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.store import MemoryStore  # noqa: E402
from tests.fakes.arm import FakeArm  # noqa: E402
from tests.fakes.azure_http import TestCA  # noqa: E402
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity  # noqa: E402
from tests.fakes.registry import FakeRegistry  # noqa: E402

SUB = "00000000-0000-0000-0000-000000000000"
LOOSE = 10  # untagged images per repository; the rest are tagged (one of them multi-arch)


def populate(registry: FakeRegistry, repositories: int, manifests: int) -> None:
    """Each repository: a tagged two-platform index (3 manifests), ``LOOSE`` untagged images,
    and tagged images for the rest."""
    for n in range(repositories):
        name = f"team{n % 20:02d}/service{n:04d}"
        registry.add_index(name, "multi", ["linux/amd64", "linux/arm64"], size=40_000_000)
        for i in range(LOOSE):
            registry.add_image(name, None, size=25_000_000 + i)
        for i in range(manifests - 3 - LOOSE):
            registry.add_image(name, f"1.0.{i}", size=20_000_000)


def serve(ca: TestCA, args: argparse.Namespace, link: Connection) -> None:
    """The fake data plane's process: fill it, answer until told to stop, report its count."""
    registry = FakeRegistry(ca)
    populate(registry, args.repositories, args.manifests)
    registry.delay = args.latency
    link.send(registry.login_server)
    link.recv()
    link.send(len(registry.log))
    registry.close()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repositories", type=int, default=2000)
    parser.add_argument("--manifests", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added per request")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--sequential", type=int, default=None, help="repositories the loop does")
    return parser.parse_args()


def sequential_loop(ops: AzureOps, login_server: str, limit: int) -> list[UntaggedCount]:
    """The plain way: one repository after the other, as the catalog pages."""
    client = ops.arm.registry(login_server)
    counted: list[UntaggedCount] = []
    for name in client.list_repository_names(results_per_page=1000):
        if len(counted) == limit:
            break
        found = untagged_in(client, name)
        if found is not None:
            counted.append(found)
    return counted


def main() -> int:
    args = arguments()
    ca = TestCA()
    link, far = multiprocessing.Pipe()
    fork = multiprocessing.get_context("fork")  # before this process starts any thread
    server = fork.Process(target=serve, args=(ca, args, far), daemon=True)
    server.start()
    login_server = link.recv()
    identity, arm = FakeIdentity(), FakeArm(ca)
    for name in OTHER_IDENTITY_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(identity.env(), REQUESTS_CA_BUNDLE=str(ca.ca_pem))
    arm.add_registry("benchregistry", login_server=login_server)
    settings = Settings.from_env(
        {
            "ACRBOT_CREDENTIAL": "managed-identity",
            "ACRBOT_ARM_ENDPOINT": arm.url,
            "AZURE_SUBSCRIPTION_ID": SUB,
        }
    )
    ops = AzureOps(settings, MemoryStore(), data_workers=args.workers)
    try:
        warm = ops.untagged("benchregistry", "team00/service0000")  # token, ARM lookup
        assert warm.untagged == LOOSE

        started = time.perf_counter()
        report = ops.untagged("benchregistry")
        concurrent = time.perf_counter() - started

        started = time.perf_counter()
        counted = sequential_loop(ops, login_server, args.sequential or args.repositories)
        sequential = time.perf_counter() - started
    finally:
        ops.close()
        arm.close()
        identity.close()
        link.send("stop")
        requests = link.recv()
        server.join(10)
        ca.close()

    loose = sum(c.untagged for c in counted)
    print(
        f"repositories: {args.repositories} x {args.manifests} manifests, "
        f"latency added per request: {args.latency * 1000:.0f} ms "
        f"(4 requests per SDK call: challenge, exchange, token, the request)"
    )
    print(
        f"untagged (bounded pool of {args.workers}): {concurrent:.1f} s — "
        f"{report.untagged} untagged in {len(report.with_untagged)} repositories, "
        f"{report.bytes / 2**30:.1f} GiB"
    )
    line = f"sequential loop: {sequential:.1f} s for {len(counted)} repositories ({loose} untagged)"
    whole = sequential
    if len(counted) < args.repositories:
        whole = sequential / len(counted) * args.repositories
        line += f", {whole:.0f} s for all {args.repositories} at that pace"
    print(line)
    print(f"speed-up: {whole / concurrent:.1f}x")
    print(f"requests answered by the fake data plane: {requests}")
    assert loose == LOOSE * len(counted) and report.untagged == LOOSE * args.repositories
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
