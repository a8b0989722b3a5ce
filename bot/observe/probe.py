"""`python -m bot.observe.probe [PATH]`: exit 0 when the local ops server answers 200.

The container image has no curl; Docker's HEALTHCHECK runs this instead (and the chart's
`helm test` pod). The port comes from ACRBOT_METRICS_PORT (default 9090), the host from
ACRBOT_PROBE_HOST (default 127.0.0.1), the path defaults to /healthz.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from collections.abc import Sequence


def probe(
    port: int, path: str = "/healthz", host: str = "127.0.0.1", timeout: float = 3.0
) -> tuple[bool, str]:
    """GET http://HOST:PORT/PATH; (True, status line) on 200, else (False, why)."""
    url = f"http://{host}:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status == 200, f"{path}: {answer.status}"
    except urllib.error.HTTPError as exc:
        return False, f"{path}: {exc.code}"
    except OSError as exc:
        return False, f"{path}: unreachable ({type(exc).__name__})"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = args[0] if args else "/healthz"
    raw_port = os.environ.get("ACRBOT_METRICS_PORT", "").strip() or "9090"
    if not raw_port.isdigit() or int(raw_port) == 0:
        print(f"probe: ACRBOT_METRICS_PORT={raw_port!r} is not a fixed port", file=sys.stderr)
        return 1
    host = os.environ.get("ACRBOT_PROBE_HOST", "").strip() or "127.0.0.1"
    ok, line = probe(int(raw_port), path, host)
    print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
