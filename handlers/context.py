"""What every listener needs besides Bolt's own arguments: the services, ids, a caller, a hand-off.

The app factory (``bot.slack_app``) puts the process's :class:`Services` in each request's
context; ``services_of`` takes it out. Listeners acknowledge first and pass the rest of their
work to ``hand_off``, which runs it on the services' job pool and turns a bug into a private
apology with a reference (also in the log), never silence or a stack trace.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.access import SLACK, Caller
from bot.observe.logging import event
from bot.render.words import words
from bot.services import Services

log = logging.getLogger("handlers")

SERVICES = "acrbot_services"  # the key in Bolt's request context

# What a Web API call raises when it fails: an error answer from Slack (SlackApiError is a
# SlackClientError), or, once the connection retries are spent, the socket's own error,
# which slack_sdk passes on as it is.
SLACK_FAILURES: tuple[type[Exception], ...] = (SlackClientError, OSError)


def services_of(context: BoltContext) -> Services:
    services: Services = context[SERVICES]
    return services


def hand_off(
    context: BoltContext,
    name: str,
    work: Callable[..., None],
    *args: Any,
    respond: Respond | None = None,
) -> None:
    """Run ``work(services, *args)`` after the acknowledgement, on the job pool."""
    services = services_of(context)

    def guarded() -> None:
        try:
            work(services, *args)
        except Exception:
            reference = uuid.uuid4().hex[:8]
            log.exception("listener failed", extra={"fields": {"work": name, "ref": reference}})
            if respond is not None:
                apology = words(services.default_language)["internal"].format(ref=reference)
                private(respond)(text=apology, response_type="ephemeral")

    if not services.jobs.submit(name, guarded):
        # the pool is drained only after the front stops reading requests; never silently
        event(log, "job.refused", logging.WARNING, work=name)


def action_value(body: dict[str, Any]) -> str:
    """The value of the button that was clicked."""
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")


def json_value(body: dict[str, Any]) -> dict[str, Any]:
    """The clicked button's value as the JSON object the renderer packed into it."""
    try:
        data = json.loads(action_value(body))
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def interaction_ids(body: dict[str, Any]) -> tuple[str, str, str]:
    """(user, channel, team) of an interaction payload."""
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    if not channel:
        channel = str((body.get("container") or {}).get("channel_id") or "")
    team = str((body.get("team") or {}).get("id") or "")
    return user, channel, team


def thread_of(body: dict[str, Any]) -> str | None:
    container = body.get("container") or {}
    message = body.get("message") or {}
    return container.get("thread_ts") or message.get("thread_ts") or message.get("ts")


def locale_lookup(client: WebClient) -> Callable[[str], str | None]:
    """users.info with the locale, as the triage service's lookup callable."""

    def lookup(user_id: str) -> str | None:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
        locale = user.get("locale")
        return str(locale) if locale else None

    return lookup


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


def slack_caller(services: Services, client: WebClient, user_id: str, channel_id: str) -> Caller:
    return Caller(
        user_id=user_id,
        channel_id=channel_id or None,
        source=SLACK,
        groups=lambda: user_groups(client, services, user_id),
    )


def private(respond: Respond) -> Callable[..., Any]:
    """A respond that never replaces the message the button sits on."""

    def send(*args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("replace_original", False)
        return respond(*args, **kwargs)

    return send


def post_failed(respond: Respond, lang: str, exc: Exception) -> None:
    """Tell the clicker why the bot could not post, in words they can act on."""
    error = exc.response.get("error") if isinstance(exc, SlackApiError) else "unreachable"
    event(log, "post_failed", logging.WARNING, error=error)
    key = "not_in_channel" if error in ("not_in_channel", "channel_not_found") else "internal"
    private(respond)(text=words(lang)[key].format(ref=error), response_type="ephemeral")


class ProgressNotes:
    """A long command's progress, as private notes through ``send`` (a respond): the first
    once the work has taken ``first`` seconds, then at most one every ``every`` seconds and
    ``most`` in all, so the answer itself still fits in the five messages a response_url
    takes. Called from worker threads."""

    def __init__(
        self,
        send: Callable[..., Any],
        clock: Callable[[], float],
        first: float = 3.0,
        every: float = 20.0,
        most: int = 3,
    ) -> None:
        self.send = send
        self.clock = clock
        self.started = clock()
        self.first, self.every, self.most = first, every, most
        self.sent = 0
        self.last: float | None = None
        self._lock = threading.Lock()

    def __call__(self, text: str) -> None:
        now = self.clock()
        with self._lock:
            if self.sent >= self.most or now - self.started < self.first:
                return
            if self.last is not None and now - self.last < self.every:
                return
            self.sent += 1
            self.last = now
        try:
            self.send(text=f":hourglass_flowing_sand: {text}", response_type="ephemeral")
        except SLACK_FAILURES as exc:  # a lost note must not stop the work it reports on
            event(log, "progress.failed", logging.WARNING, error=type(exc).__name__)
