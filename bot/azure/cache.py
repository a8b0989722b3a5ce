"""Single-flight caching on the shared Store: one computation per key across every replica.

The first caller claims ``<key>:lock`` (SET NX with expiry) and computes; everyone else waits for
the value to appear. A failure is remembered briefly under ``<key>:error`` so that a crowd asking
during an outage gets the same answer instead of queueing up behind each other.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from bot.errors import AzureError
from bot.observe.metrics import CACHE_HITS
from bot.store import Store
from bot.words import decode, encode

ERROR_TTL = 5.0
POLL = 0.02


def single_flight(
    store: Store,
    key: str,
    ttl: float,
    compute: Callable[[], str],
    *,
    cache: str,
    refresh: bool = False,
    wait: float = 30.0,
) -> tuple[str, bool]:
    """Return ``(value, from_cache)``. ``refresh`` skips the cached value but still coalesces."""
    if not refresh:
        value = store.get(key)
        if value is not None:
            CACHE_HITS.labels(cache=cache, result="hit").inc()
            return value, True
    lock, error_key = f"{key}:lock", f"{key}:error"
    deadline = time.monotonic() + wait
    waited = False
    while True:
        if store.claim(lock, ttl=wait):
            try:
                if not refresh or waited:
                    value = store.get(key)
                    if value is not None:
                        CACHE_HITS.labels(cache=cache, result="hit").inc()
                        return value, True
                CACHE_HITS.labels(cache=cache, result="miss").inc()
                try:
                    value = compute()
                except AzureError as exc:
                    store.set(error_key, _encode_error(exc), ttl=ERROR_TTL)
                    raise
                store.delete(error_key)
                if ttl > 0:
                    store.set(key, value, ttl=ttl)
                return value, False
            finally:
                store.delete(lock)
        waited = True
        time.sleep(POLL)
        value = store.get(key)
        if value is not None and (not refresh or store.get(lock) is None):
            CACHE_HITS.labels(cache=cache, result="coalesced").inc()
            return value, True
        failure = store.get(error_key)
        if failure is not None:
            raise _decode_error(failure)
        if time.monotonic() > deadline:
            CACHE_HITS.labels(cache=cache, result="miss").inc()
            return compute(), False


def _encode_error(exc: AzureError) -> str:
    info = exc.info
    return json.dumps(
        {
            "message": encode(exc.user_message),
            "kind": info.kind,
            "status": info.status,
            "code": info.code,
        }
    )


def _decode_error(raw: str) -> AzureError:
    data = json.loads(raw)
    message = decode(data["message"])
    return AzureError(message, data["kind"], data.get("status"), data.get("code"))
