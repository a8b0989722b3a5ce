"""Running a command of the table, the same way for every door.

``execute`` checks the arguments, then the entry's access rule, calls its service and writes
the command log (who, where, registry, command, outcome, run ids) for every command that
touches a registry — refusals and failures included. ``answer`` wraps that for a door:
errors become the sentence to show (a bug becomes an apology with a reference that is also
in the log, never a stack trace), results are rendered as the door needs them.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from bot.access import Caller
from bot.audit import AuditEntry
from bot.azure.names import registry_label
from bot.commands.spec import Audit, CommandSpec, Request
from bot.errors import AzureError, BotError, NotAllowed
from bot.observe.logging import event
from bot.observe.metrics import COMMAND_LATENCY
from bot.render.blocks import Block, notice
from bot.render.words import localise, words
from bot.services import Services

R = TypeVar("R")
T = TypeVar("T")
log = logging.getLogger("bot.commands")


def record(
    services: Services,
    caller: Caller,
    command: str,
    registry: str | None,
    outcome: str,
    *,
    audit: Audit | None = None,
) -> None:
    """One line of the command log."""
    services.audit.record(
        AuditEntry(
            who=caller.label,
            where=caller.channel_id,
            command=command,
            registry=registry,
            outcome=outcome,
            detail=audit.detail if audit else "",
            run_ids=audit.run_ids if audit else (),
        )
    )


def logged(
    services: Services,
    spec: CommandSpec[Any],
    caller: Caller,
    registry: str | None,
    work: Callable[[], T],
    *,
    audit: Callable[[T], Audit] | None = None,
    check_first: Callable[[], None] | None = None,
) -> T:
    """``work`` under ``spec``'s access rule, with its outcome in the command log.

    ``check_first`` validates the request before the rule is applied, so bad input is
    reported as such (and logged as rejected) rather than as a refusal.
    """
    started = time.monotonic()

    def failed(outcome: str, detail: str) -> None:
        record(services, caller, spec.name, registry, outcome, audit=Audit(detail=detail))

    try:
        if check_first is not None:
            check_first()
        services.access.check(caller, spec.access, spec.name, registry)
        result = work()
    except NotAllowed as exc:
        failed("refused", exc.user_message)
        raise
    except AzureError as exc:
        failed("failed", f"{exc.kind}: {exc.user_message}")
        raise
    except BotError as exc:
        failed("rejected", exc.user_message)
        raise
    except Exception as exc:
        failed("error", type(exc).__name__)
        raise
    done = audit(result) if audit else Audit()
    record(services, caller, spec.name, registry, done.outcome, audit=done)
    event(
        log,
        "command.done",
        command=spec.name,
        registry=registry,
        outcome=done.outcome,
        seconds=round(time.monotonic() - started, 3),
    )
    return result


def execute(spec: CommandSpec[R], request: Request) -> R:
    """Run one command: arguments, access, the service call, the command log."""
    started = time.perf_counter()
    try:
        if not spec.logged:
            return spec.run(request)
        invocation = request.invocation
        try:
            typed = spec.registry(invocation)
        except BotError:  # the argument it comes from is bad: check_arguments says so, logged
            typed = None
        registry = registry_label(typed) if typed else None

        def check_arguments() -> None:
            for param in spec.params:
                value = invocation.optional(param.name)
                if param.check is not None and value is not None:
                    param.check(value)

        return logged(
            request.services,
            spec,
            request.caller,
            registry,
            lambda: spec.run(request),
            audit=spec.audit,
            check_first=check_arguments,
        )
    finally:
        COMMAND_LATENCY.labels(command=spec.name).observe(time.perf_counter() - started)


@dataclass(frozen=True)
class Answer(Generic[R]):
    """A command's result, or the sentence a person reads instead, rendered per door."""

    spec: CommandSpec[R]
    lang: str
    result: R | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self) -> str:
        if self.error is not None:
            return localise(self.error, self.lang)
        return self.spec.text(self._result(), self.lang)

    def blocks(self) -> list[Block]:
        if self.error is None and self.spec.blocks is not None:
            return self.spec.blocks(self._result(), self.lang)
        return notice(self.text())

    def json(self) -> dict[str, Any] | None:
        if self.error is not None or self.spec.json is None:
            return None
        return self.spec.json(self._result())

    @property
    def exit_status(self) -> int:
        if self.error is not None:
            return 1
        return self.spec.exit_status(self._result()) if self.spec.exit_status else 0

    def _result(self) -> R:
        return cast(R, self.result)  # set whenever error is None


def answer(spec: CommandSpec[R], request: Request) -> Answer[R]:
    """Run the command; a BotError is its sentence, anything else an apology with a reference."""
    try:
        return Answer(spec, request.lang, result=execute(spec, request))
    except BotError as exc:
        return Answer(spec, request.lang, error=exc.user_message)
    except Exception:
        reference = uuid.uuid4().hex[:8]
        log.exception("command failed", extra={"fields": {"command": spec.name, "ref": reference}})
        return Answer(
            spec, request.lang, error=words(request.lang)["internal"].format(ref=reference)
        )
