"""Pending cancel-runs confirmations, kept in the shared store so any replica can take the click.

A confirmation belongs to the user who asked and expires. ``take`` reads and deletes it in one
atomic step, so two clicks (on one replica or two) never cancel anything twice. Expiry is
decided by ``expires_at`` against the caller's clock (the store's own expiry only cleans up).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bot.errors import ConfirmationError
from bot.store import Store
from bot.words import say

_PREFIX = "azure:cancel:"
Clock = Callable[[], float]


@dataclass(frozen=True)
class PendingCancel:
    token: str
    user_id: str
    channel_id: str | None
    registry: str  # RegistryRef as JSON
    registry_name: str
    run_ids: list[str]
    task: str | None
    expires_at: float  # epoch seconds


def save(
    store: Store,
    *,
    user_id: str,
    channel_id: str | None,
    registry_json: str,
    registry_name: str,
    run_ids: list[str],
    task: str | None,
    ttl: float,
    clock: Clock = time.time,
) -> PendingCancel:
    pending = PendingCancel(
        token=secrets.token_urlsafe(12),
        user_id=user_id,
        channel_id=channel_id,
        registry=registry_json,
        registry_name=registry_name,
        run_ids=list(run_ids),
        task=task,
        expires_at=clock() + ttl,
    )
    store.set(_PREFIX + pending.token, json.dumps(asdict(pending)), ttl=ttl)
    return pending


def _decode(raw: str) -> PendingCancel:
    return PendingCancel(**json.loads(raw))


def _expired() -> ConfirmationError:
    return ConfirmationError(say("confirm.expired"))


def peek(store: Store, token: str, user_id: str, clock: Clock = time.time) -> PendingCancel:
    """The confirmation ``user_id`` may use, left in place; ConfirmationError with the reason."""
    raw = store.get(_PREFIX + token)
    if raw is None:
        raise _expired()
    pending = _decode(raw)
    if pending.expires_at <= clock():
        store.delete(_PREFIX + token)
        raise _expired()
    if pending.user_id != user_id:
        raise ConfirmationError(say("confirm.not_yours", user=pending.user_id))
    return pending


def take(store: Store, token: str, user_id: str, clock: Clock = time.time) -> PendingCancel:
    """Consume the confirmation for ``user_id``; raise ConfirmationError with the reason."""
    peek(store, token, user_id, clock)
    return _use_up(store, token)


def consume(store: Store, token: str, clock: Clock = time.time) -> PendingCancel:
    """Consume a confirmation ``peek`` already gave its owner, without reading it again: it is
    refused only if another click used it, or it expired, in between."""
    pending = _use_up(store, token)
    if pending.expires_at <= clock():
        raise _expired()
    return pending


def _use_up(store: Store, token: str) -> PendingCancel:
    raw = store.take(_PREFIX + token)  # atomic: of two clicks, one gets it
    if raw is None:
        raise ConfirmationError(say("confirm.used"))
    return _decode(raw)
