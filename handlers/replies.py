"""Replies that outlive a failing Slack, and requests that outlive a replica.

Inside a durable job (``bot.jobs``) every message the bot sends — ``chat.postMessage``,
``chat.postEphemeral``, ``chat.update`` through the app's client, and answers to a
``response_url`` through ``respond`` — goes out at most once per job and is never dropped
because Slack is failing for a while:

- each message of a job is numbered; once Slack accepted it, that is remembered in the store,
  so the job run again (after a replica died, or a shutdown gave it back) skips it;
- when Slack answers 5xx, 429 or not at all, the message (and every later one of the same
  job, so they stay in order) is kept in the job, and the job comes back as a
  ``slack.reply`` job after a backoff (Retry-After honoured, capped), on whichever replica
  is alive, until the retry window ends;
- an answer Slack will never take (``not_in_channel``, an expired ``response_url``, …) is
  logged and dropped, as before.

``slack.request`` jobs are the acknowledged requests themselves: a replica that takes over a
job sends its body through its own app again (``redo``), and the listener's hand-off then
runs the work at once, in that job.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.error import URLError

from slack_bolt import App, BoltRequest, Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.jobs import JobRun, current_job
from bot.observe.logging import event
from bot.services import Services

log = logging.getLogger(__name__)

REQUEST = "slack.request"  # an acknowledged request, done again from its body
REPLY = "slack.reply"  # messages an earlier run kept because Slack failed
REDO = "acrbot_redo"  # request context key: this dispatch is a job being done again
# The Web API methods that post something a person reads: once per job, kept on failure.
REPLY_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})
# Slack's error codes that say "later", not "never".
TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
SHORT_WAIT = 2  # seconds of Retry-After a worker may wait in place; longer waits are kept
HOOK_TIMEOUT = 15


class ShortRateLimitRetry(RateLimitErrorRetryHandler):
    """A 429 is waited out in place only when Slack asks for a short wait."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return _retry_after(response.headers) <= SHORT_WAIT


def _retry_after(headers: Any) -> float:
    for key, value in (headers or {}).items():
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                return 1.0
    return 0.0


def web_client(token: str | None, base_url: str, timeout: int = 15) -> DurableClient:
    """The Web API client: one quick retry for a dropped connection, short 429s waited out;
    anything longer is kept by the job instead of holding a worker."""
    return DurableClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            # a pooled connection Slack closed meanwhile: one quick try on a new one
            ConnectionErrorRetryHandler(
                max_retry_count=1, interval_calculator=FixedValueRetryIntervalCalculator(0.2)
            ),
            ShortRateLimitRetry(),
        ],
    )


class _Later(Exception):
    """Slack did not take a message now; try again after ``wait`` seconds at least."""

    def __init__(self, error: str, wait: float = 0.0) -> None:
        super().__init__(error)
        self.error = error
        self.wait = wait


def _kept_response(client: WebClient, method: str) -> SlackResponse:
    """What a caller gets for a message kept for later (or already sent by an earlier run)."""
    return SlackResponse(
        client=client,
        http_verb="POST",
        api_url=f"{client.base_url}{method}",
        req_args={},
        data={"ok": True, "kept": True},
        headers={},
        status_code=200,
    )


class DurableClient(WebClient):
    """The app's Web API client; inside a job its posts are once-only and kept on failure."""

    def api_call(
        self, api_method: str, *, json: dict[str, Any] | None = None, **kwargs: Any
    ) -> SlackResponse:
        job = current_job()
        if job is None or api_method not in REPLY_METHODS or kwargs.get("files"):
            return super().api_call(api_method, json=json, **kwargs)
        item = {"via": "api", "method": api_method, "json": json or {}}
        sent: SlackResponse = _send(
            job, item, lambda: self._post(api_method, json or {}), self, api_method
        )
        return sent

    def _post(self, method: str, payload: dict[str, Any]) -> SlackResponse:
        try:
            return super().api_call(method, json=payload)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error") or status)
            if status == 429 or status >= 500 or error in TRANSIENT:
                raise _Later(error, _retry_after(exc.response.headers)) from None
            raise
        except (SlackClientError, URLError, OSError) as exc:
            raise _Later(type(exc).__name__) from None


class DurableRespond(Respond):
    """``respond`` for the request's response_url; inside a job, once-only and kept on failure."""

    def __init__(self, inner: Respond, client: WebClient) -> None:
        super().__init__(response_url=inner.response_url, proxy=inner.proxy, ssl=inner.ssl)
        self.client = client

    def __call__(self, text: str | dict[str, Any] = "", **kwargs: Any) -> Any:  # type: ignore[override]
        job = current_job()
        if job is None or self.response_url is None:
            return super().__call__(text, **kwargs)
        message = text if isinstance(text, dict) else _build_message(text=text, **kwargs)
        item = {"via": "hook", "url": self.response_url, "body": message}
        return _send(job, item, lambda: _post_hook(item), self.client, "response_url")


def _post_hook(item: dict[str, Any]) -> Any:
    try:
        answer = WebhookClient(url=str(item["url"]), timeout=HOOK_TIMEOUT).send_dict(item["body"])
    except (URLError, OSError) as exc:
        raise _Later(type(exc).__name__) from None
    if answer.status_code == 429 or answer.status_code >= 500:
        raise _Later(f"http_{answer.status_code}", _retry_after(answer.headers))
    if answer.status_code != 200:
        # an expired or used-up response_url, or a body Slack refuses: never going to work
        event(log, "reply.dropped", logging.WARNING, via="hook", error=answer.body[:80])
    return answer


def _send(job: JobRun, item: dict[str, Any], post: Any, client: WebClient, what: str) -> Any:
    """Post ``item`` once for ``job``; keep it (and keep order) when Slack fails for now."""
    index = job.next_index()
    item = {**item, "n": index}
    if job.released:
        return _kept_response(client, what)  # given back at shutdown: the next run posts it
    if job.kept:
        job.keep(REPLY, item)  # an earlier message is waiting: this one waits behind it
        return _kept_response(client, what)
    if job.was_sent(index):
        return _kept_response(client, what)
    try:
        answer = post()
    except _Later as later:
        _keep(job, item, later)
        return _kept_response(client, what)
    job.mark_sent(index)
    return answer


def _keep(job: JobRun, item: dict[str, Any], later: _Later) -> None:
    job.keep(REPLY, item, later.wait)
    event(
        log,
        "reply.kept",
        logging.WARNING,
        job=job.job_id,
        via=item["via"],
        channel=_channel(item),
        error=later.error,
    )


def _channel(item: dict[str, Any]) -> str | None:
    payload = item.get("json")
    return str(payload.get("channel")) if isinstance(payload, dict) else None


def deliver(client: DurableClient, job: JobRun, items: list[dict[str, Any]]) -> None:
    """A ``slack.reply`` job: post what an earlier run kept, in order, each at most once."""
    for position, item in enumerate(items):
        index = int(item.get("n") or 0)
        if job.released:
            return
        if index and job.was_sent(index):
            continue
        try:
            if item.get("via") == "hook":
                sent = _post_hook(item).status_code == 200
            else:
                client._post(str(item["method"]), dict(item.get("json") or {}))
                sent = True
        except _Later as later:
            for rest in items[position:]:
                job.keep(REPLY, rest, later.wait if rest is item else 0.0)
            event(log, "reply.kept", logging.WARNING, job=job.job_id, error=later.error)
            return
        except SlackApiError as exc:
            error = exc.response.get("error")
            event(log, "reply.dropped", logging.WARNING, channel=_channel(item), error=error)
            sent = False
        if sent:
            event(log, "reply.sent", job=job.job_id, via=item.get("via"), channel=_channel(item))
        if index:
            job.mark_sent(index)


def attach(app: App, services: Services, client: DurableClient) -> None:
    """Teach the job pool how this app does its jobs again, on any replica."""
    jobs = services.jobs

    def redo(data: dict[str, Any]) -> None:
        body = data.get("body")
        if isinstance(body, dict):
            app.dispatch(BoltRequest(body=body, mode="socket_mode", context={REDO: True}))

    def replies(data: dict[str, Any]) -> None:
        job = current_job()
        items = data.get("items")
        if job is not None and isinstance(items, list):
            deliver(client, job, [i for i in items if isinstance(i, dict)])

    jobs.register(REQUEST, redo)
    jobs.register(REPLY, replies, continuation=True)
