"""The second step of cancel-runs: a click on "Cancel them" or "Keep them", on any replica.

The click is checked like the command itself — the confirmation must be the clicker's own and
still valid, and the cancel-runs access rule is applied again (someone may have lost the right
meanwhile) — and written to the command log. The confirmation is used up only by a click that
passes all of that: a refusal (a channel limit, a right lost) leaves it for a click that may.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.access import Caller
from bot.azure import pending as pending_store
from bot.azure.pending import PendingCancel
from bot.azure.reports import CancelResult, RegistryRef
from bot.commands.runner import logged, record
from bot.commands.spec import Audit
from bot.commands.table import BY_NAME, cancel_result_audit
from bot.errors import BotError
from bot.services import Services

Progress = Callable[[str, str, str], None]
COMMAND = "cancel-runs"


def _take(services: Services, caller: Caller, token: str) -> PendingCancel:
    try:
        return services.ops().take_confirmation(caller, token)
    except BotError as exc:
        record(services, caller, COMMAND, None, "rejected", audit=Audit(detail=exc.user_message))
        raise


def _peek(services: Services, caller: Caller, token: str) -> PendingCancel:
    """The caller's valid confirmation, not used up yet (the access rule comes first)."""
    try:
        return pending_store.peek(services.store, token, caller.user_id, clock=services.clock)
    except BotError as exc:
        record(services, caller, COMMAND, None, "rejected", audit=Audit(detail=exc.user_message))
        raise


def confirm_cancel(
    services: Services,
    caller: Caller,
    token: str,
    starting: Callable[[PendingCancel], Progress | None] | None = None,
) -> CancelResult:
    """Consume the confirmation, check access again, cancel every run it names.

    ``starting`` is called once the click is known to be valid and allowed, just before
    anything is cancelled; it may return a progress callback for each run's outcome.
    """
    peeked = _peek(services, caller, token)

    def cancel() -> CancelResult:
        # allowed: now it is used up, once (a double click loses here, logged as rejected)
        pending = services.ops().consume_confirmation(token)
        ref = RegistryRef.from_json(pending.registry)
        progress = starting(pending) if starting else None
        return services.ops().cancel(ref, pending.run_ids, progress)

    spec = BY_NAME[COMMAND]
    return logged(services, spec, caller, peeked.registry_name, cancel, audit=cancel_result_audit)


def keep_runs(services: Services, caller: Caller, token: str) -> str:
    """Discard the confirmation (same rules as confirming); the registry's name."""
    pending = _take(services, caller, token)
    record(services, caller, COMMAND, pending.registry_name, "aborted")
    return pending.registry_name
