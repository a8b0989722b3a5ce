"""Slack door for the Azure commands: runners for `/acr usage | check-health | runs | cancel-runs`
and the buttons they draw (confirm / keep for cancel-runs, "Explain" on health lines).

Each runner turns the CommandContext into a Caller, calls one AzureOps method and renders the
result. Pending cancels live in the shared store, so any replica can take the click; errors are
sentences (handlers.commands.run shows BotError messages), never stack traces.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.access import Caller
from bot.azure.pending import PendingCancel
from bot.errors import BotError
from bot.observe.logging import event
from bot.observe.metrics import EVENTS_RECEIVED
from bot.render import azure_blocks as blocks
from bot.render import azure_text
from bot.render.blocks import notice, topic_blocks
from bot.render.text import answer_text
from bot.services import Services
from handlers.commands import SUBCOMMANDS, SlackCommandRunner
from handlers.context import SLACK_FAILURES, CommandContext, action_value, interaction_ids

log = logging.getLogger(__name__)


def user_groups(client: WebClient, services: Services, user_id: str) -> frozenset[str]:
    """The configured admin groups ``user_id`` belongs to (looked up only when needed)."""
    found = set()
    for group in services.settings.admin_groups:
        try:
            members = client.usergroups_users_list(usergroup=group).get("users") or []
        except SLACK_FAILURES as exc:
            event(log, "access.group_lookup_failed", logging.WARNING, group=group, error=str(exc))
            continue
        if user_id in members:
            found.add(group)
    return frozenset(found)


def caller_for(services: Services, client: WebClient, user_id: str, channel_id: str) -> Caller:
    return Caller(
        user_id=user_id,
        channel_id=channel_id or None,
        source="slack",
        groups=lambda: user_groups(client, services, user_id),
    )


def _caller(ctx: CommandContext) -> Caller:
    return caller_for(ctx.services, ctx.client, ctx.user_id, ctx.channel_id)


# --- runners ------------------------------------------------------------------------------------
def run_usage(ctx: CommandContext) -> None:
    command = ctx.command
    report = ctx.services.ops().usage(_caller(ctx), command.registry or "", command.refresh)
    ctx.respond(
        text=azure_text.usage_text(report),
        blocks=blocks.usage_blocks(report),
        response_type="ephemeral",
    )


def run_check_health(ctx: CommandContext) -> None:
    report = ctx.services.ops().health(_caller(ctx), ctx.command.registry or "")
    ctx.respond(
        text=azure_text.health_text(report),
        blocks=blocks.health_blocks(report),
        response_type="ephemeral",
    )


def run_runs(ctx: CommandContext) -> None:
    command = ctx.command
    report = ctx.services.ops().runs(
        _caller(ctx), command.registry or "", command.status, command.task, command.top
    )
    ctx.respond(
        text=azure_text.runs_text(report),
        blocks=blocks.runs_blocks(report),
        response_type="ephemeral",
    )


def run_cancel_runs(ctx: CommandContext) -> None:
    command = ctx.command
    plan = ctx.services.ops().plan_cancel(
        _caller(ctx), command.registry or "", command.task, dry_run=command.dry_run
    )
    text = azure_text.cancel_plan_text(plan.runs, dry_run=plan.dry_run)
    if plan.token is None:
        ctx.respond(text=text, blocks=notice(text), response_type="ephemeral")
        return
    ctx.respond(text=text, blocks=blocks.confirm_cancel_blocks(plan), response_type="ephemeral")


RUNNERS: dict[str, SlackCommandRunner] = {
    "usage": run_usage,
    "check-health": run_check_health,
    "runs": run_runs,
    "cancel-runs": run_cancel_runs,
}


# --- buttons ------------------------------------------------------------------------------------
def _private(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


class Progress:
    """Replaces the message with a running count, at most once a second, from worker threads.

    Calls happen inside the cancel workers, so all of them are over before the final result
    is posted: a late progress line can never overwrite the outcome.
    """

    def __init__(self, respond: Respond, registry: str, total: int, every: float = 1.0) -> None:
        self.respond = respond
        self.registry = registry
        self.total = total
        self.every = every
        self.done = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def __call__(self, run_id: str, outcome: str, detail: str) -> None:
        with self.lock:
            self.done += 1
            now = time.monotonic()
            if now - self.last < self.every or self.done == self.total:
                return
            self.last = now
            text = f"Cancelling runs in {self.registry}: {self.done} of {self.total} done…"
            self.respond(text=text, blocks=notice(text), replace_original=True)


def on_confirm(
    services: Services, body: dict[str, Any], respond: Respond, client: WebClient
) -> None:
    user, channel, _ = interaction_ids(body)
    token = action_value(body)
    ops = services.ops()
    caller = caller_for(services, client, user, channel)

    def starting(pending: PendingCancel) -> Progress:
        count = len(pending.run_ids)
        respond(
            text=f"Cancelling {count} run(s) in {pending.registry_name}…",
            blocks=blocks.cancelling_blocks(pending.registry_name, count),
            replace_original=True,
        )
        return Progress(respond, pending.registry_name, count)

    try:
        result = ops.confirm_cancel(caller, token, starting)
    except BotError as exc:
        _private(respond, exc.user_message)
        return
    respond(
        text=azure_text.cancel_result_text(result),
        blocks=blocks.cancel_result_blocks(result),
        replace_original=True,
    )


def on_abort(services: Services, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
    user, channel, _ = interaction_ids(body)
    try:
        registry = services.ops().abort_cancel(
            caller_for(services, client, user, channel), action_value(body)
        )
    except BotError as exc:
        _private(respond, exc.user_message)
        return
    text = f"Kept the runs in *{registry}*: nothing was cancelled."
    respond(text=text, blocks=notice(text), replace_original=True)


def on_topic(services: Services, body: dict[str, Any], respond: Respond) -> None:
    topic = action_value(body)
    entry = services.kb.get(topic)
    lang = services.default_language
    if entry is None:
        _private(respond, f"The knowledge base has no topic `{topic}` yet.")
        return
    respond(
        text=answer_text(entry, lang),
        blocks=topic_blocks(entry, lang),
        response_type="ephemeral",
        replace_original=False,
    )


def register(app: App, services: Services) -> None:
    SUBCOMMANDS.update(RUNNERS)
    ops = services.ops()
    if services.settings.audit_channel and ops.audit.poster is None:
        client = app.client

        def post(channel: str, text: str) -> None:
            client.chat_postMessage(channel=channel, text=text)

        ops.audit.poster = post

    def guarded(name: str, work: Callable[[], None], respond: Respond) -> None:
        try:
            work()
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("action failed", extra={"fields": {"action": name, "ref": reference}})
            _private(respond, f"Something went wrong on my side (reference `{reference}`).")

    @app.action(blocks.CONFIRM_CANCEL)
    def confirm(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        guarded("confirm", lambda: on_confirm(services, body, respond, client), respond)

    @app.action(blocks.ABORT_CANCEL)
    def abort(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        guarded("abort", lambda: on_abort(services, body, respond, client), respond)

    @app.action(re.compile(f"^{blocks.HEALTH_TOPIC}_\\d+$"))
    def explain(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        EVENTS_RECEIVED.labels(kind="action").inc()
        guarded("explain", lambda: on_topic(services, body, respond), respond)
