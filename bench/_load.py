"""A small HTTP/1.1 load generator for the benchmarks, run as its own process.

    python bench/_load.py < PLAN.json   # prints one JSON object: latencies in seconds, wall time

The plan (JSON on stdin) names the port, the requests (path, headers, body) and the load:

- ``per_client`` above 0: ``clients`` connections kept alive, each sending ``per_client``
  requests one after another (the next as soon as the previous answer is read);
- ``per_client`` 0, a burst: ``clients`` fresh connections opened together, one request each.

It is one asyncio loop in a process of its own: no thread of the load generator waits for an
interpreter lock while an answer sits unread, and the processes under test never share one
with it. Any answer other than 200 fails the run, because a benchmark of refusals measures
nothing.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

Request = tuple[str, dict[str, str], str]


def encode(port: int, request: Request) -> bytes:
    path, headers, body = request
    data = body.encode("utf-8")
    lines = [f"POST {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", f"Content-Length: {len(data)}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + data


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    """Send one request and read its whole answer; the status code."""
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def closed_loop(
    port: int, raws: list[bytes], clients: int, per_client: int
) -> tuple[list[float], float]:
    """Latencies, and the wall time from the first request sent to the last answer read."""
    latencies: list[float] = []
    gate = asyncio.Event()

    async def client(number: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await gate.wait()
        for n in range(per_client):
            raw = raws[(number * per_client + n) % len(raws)]
            began = time.perf_counter()
            status = await exchange(reader, writer, raw)
            latencies.append(time.perf_counter() - began)
            if status != 200:
                raise SystemExit(f"HTTP {status} from the app under test")
        writer.close()

    tasks = [asyncio.create_task(client(n)) for n in range(clients)]
    await asyncio.sleep(0.05)  # every connection open before the first request
    began = time.perf_counter()
    gate.set()
    await asyncio.gather(*tasks)
    return latencies, time.perf_counter() - began


async def burst(port: int, raws: list[bytes], clients: int) -> list[float]:
    async def one(raw: bytes) -> float:
        began = time.perf_counter()
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        status = await exchange(reader, writer, raw)
        elapsed = time.perf_counter() - began
        writer.close()
        if status != 200:
            raise SystemExit(f"HTTP {status} from the app under test")
        return elapsed

    return list(await asyncio.gather(*(one(raws[n % len(raws)]) for n in range(clients))))


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    port = int(plan["port"])
    raws = [encode(port, (path, headers, body)) for path, headers, body in plan["requests"]]
    clients = int(plan["clients"])
    per_client = int(plan["per_client"])
    if per_client:
        latencies, wall = await closed_loop(port, raws, clients, per_client)
    else:
        began = time.perf_counter()
        latencies = await burst(port, raws, clients)
        wall = time.perf_counter() - began
    return {"latencies": latencies, "wall": wall}


def main() -> int:
    plan = json.load(sys.stdin)
    print(json.dumps(asyncio.run(run(plan))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
