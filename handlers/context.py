"""What every listener needs besides Bolt's own arguments: the services, ids, a caller, a hand-off.

The app factory (``bot.slack_app``) puts the process's :class:`Services` in each request's
context; ``services_of`` takes it out. Listeners pass their work to ``hand_off``, which keeps
it as a durable job (``bot.jobs``: done by this replica now, or by another if this one dies),
gives the acknowledgement (or "busy, try again" when the pool is full) and turns a bug into a
private apology with a reference (also in the log), never silence or a stack trace.
"""

from __future__ import annotations

import contextvars
import json
import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.access import SLACK, Caller
from bot.jobs import Accepted
from bot.observe.logging import event
from bot.render.words import words
from bot.services import Services
from handlers.replies import REDO, REQUEST

log = logging.getLogger("handlers")

SERVICES = "acrbot_services"  # the key in Bolt's request context
BODY = "acrbot_body"  # the request's parsed body: what a job is done again from

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
    ack: Ack | None = None,
    lang: str | None = None,
) -> bool:
    """Run ``work(services, *args)`` after the acknowledgement, as a durable job.

    With ``ack`` (commands, buttons, shortcuts) the acknowledgement is given here: empty when
    the work was taken, "busy, try again" when the pool is full (False). Without it (events,
    which Bolt acknowledges), a full pool leaves the job in the queue for whoever has room.
    """
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

    if context.get(REDO):
        # this request is a job done again (another replica died, or gave it back): do it here
        if ack is not None:
            ack()
        guarded()
        return True
    body = context.get(BODY) or {}
    job_id = job_id_of(body)
    data = {"body": body}
    taken = services.jobs.start(REQUEST, job_id, data, guarded)
    if taken is Accepted.BUSY:
        event(log, "job.busy", logging.WARNING, work=name, job=job_id)
        if ack is not None:
            ack(text=words(lang or services.default_language)["busy"])
            return False
        services.jobs.defer(REQUEST, job_id, data)
    elif taken is Accepted.DUPLICATE:
        event(log, "job.duplicate", work=name, job=job_id)
    if ack is not None:
        ack()
    return True


def job_id_of(body: dict[str, Any]) -> str:
    """A job's id: Slack's event id for events (its retries carry the same one, so they are
    duplicates); commands and clicks are never sent twice, each is a job of its own."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    return f"request:{uuid.uuid4().hex}"


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


# usergroups.users.list is a Tier 2 method (about 20 calls a minute): a burst of clicks by
# people outside the admin groups must not spend it; a member removed from a group keeps
# the grant at most this long
GROUP_MEMBERS_TTL = 60.0


def user_groups(client: WebClient, services: Services, user_id: str) -> frozenset[str]:
    """The configured admin groups ``user_id`` belongs to (looked up only when needed)."""
    found = set()
    for group in services.settings.admin_groups:
        members = group_members(client, services, group)
        if members is not None and user_id in members:
            found.add(group)
    return frozenset(found)


def group_members(client: WebClient, services: Services, group: str) -> list[str] | None:
    """A user group's members, shared by the replicas for GROUP_MEMBERS_TTL; None when Slack
    cannot say (the group then grants nothing)."""
    key = f"usergroup:{group}"
    cached = services.store.get(key)
    if cached is not None:
        return [str(member) for member in json.loads(cached)]
    try:
        members = client.usergroups_users_list(usergroup=group).get("users") or []
    except SLACK_FAILURES as exc:
        event(log, "access.group_lookup_failed", logging.WARNING, group=group, error=str(exc))
        return None
    services.store.set(key, json.dumps(members), ttl=GROUP_MEMBERS_TTL)
    return [str(member) for member in members]


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
            # outside the durable job (an empty context): a note is posted now or never, so
            # notes, which depend on timing, never shift the numbers of the job's own replies
            # that a run of the job done again must recognise as sent
            note = f":hourglass_flowing_sand: {text}"
            contextvars.Context().run(self.send, text=note, response_type="ephemeral")
        except SLACK_FAILURES as exc:  # a lost note must not stop the work it reports on
            event(log, "progress.failed", logging.WARNING, error=type(exc).__name__)
