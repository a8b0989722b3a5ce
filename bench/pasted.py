"""What a paste names (bot/pasted.py) stays linear in the paste's length, hostile pastes too.

    .venv/bin/python bench/pasted.py [--repeat 5]

For each kind of paste, at 5, 10, 20 and 40 thousand characters, prints the best CPU time of
``read`` (the shapes found anywhere, then the matched signature aligned), the time per
thousand characters, and the ratio of the largest size's time to the smallest's against the
ratio of their sizes (8): a linear reader stays near 8, a quadratic one near 64. The baseline
in the same run is one plain pass over the text (``str.split``), which every reading costs.

Kinds: a build log with the error at its end; the same signature's first words repeated over
and over (each occurrence is a place an alignment could start); a wall of login servers with
nothing after them; one 40,000-character word of registry-name characters.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.pasted import read  # noqa: E402

SIGNATURE = (
    'Failed to pull image "<registry>.azurecr.io/<repository>:<tag>": rpc error: code = '
    "NotFound desc = failed to pull and unpack image "
    '"<registry>.azurecr.io/<repository>:<tag>": failed to resolve reference '
    '"<registry>.azurecr.io/<repository>:<tag>": <registry>.azurecr.io/<repository>:<tag>: '
    "not found"
)
ERROR = SIGNATURE.replace("<registry>", "contosoprod").replace("<repository>", "team/api")
ERROR = ERROR.replace("<tag>", "2.0.1")
SIZES = (5_000, 10_000, 20_000, 40_000)


def build_log(size: int) -> str:
    line = "Step 7/12 : RUN npm ci --omit=dev && npm run build -- --prod\n"
    return (line * (size // len(line)))[: size - len(ERROR)] + ERROR


def repeated_starts(size: int) -> str:
    piece = 'Failed to pull image "x.azurecr.io/'
    return (piece * (size // len(piece) + 1))[:size]


def login_servers(size: int) -> str:
    piece = "contosoprod.azurecr.io/"
    return (piece * (size // len(piece) + 1))[:size]


def one_word(size: int) -> str:
    return "a" * size


KINDS: dict[str, Callable[[int], str]] = {
    "build log, error at the end": build_log,
    "signature start repeated": repeated_starts,
    "login servers, nothing after": login_servers,
    "one long word": one_word,
}


def best_time(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'paste':<30} {'chars':>7} {'read ms':>8} {'µs/kchar':>9} {'split ms':>9}")
    for name, make in KINDS.items():
        times = []
        for size in SIZES:
            text = make(size)
            took = best_time(lambda text=text: read(text, SIGNATURE, None), args.repeat)
            baseline = best_time(lambda text=text: text.split(), args.repeat)
            times.append(took)
            print(
                f"{name:<30} {size:>7} {took * 1000:>8.2f} {took * 1e6 / (size / 1000):>9.1f} "
                f"{baseline * 1000:>9.3f}"
            )
        growth = times[-1] / times[0] if times[0] else float("nan")
        print(f"{'':<30} time ×{growth:.1f} for size ×{SIZES[-1] // SIZES[0]} (linear: ≈8)")


if __name__ == "__main__":
    main()
