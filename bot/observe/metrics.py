"""Prometheus metrics, defined once. Other modules import and update these objects."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_RECEIVED = Counter("acrbot_events_received_total", "Slack events received", ["kind"])
TRIAGE_OUTCOME = Counter(
    "acrbot_triage_outcome_total", "Triage results by topic ('none' when no topic)", ["topic"]
)
FEEDBACK = Counter("acrbot_feedback_total", "Feedback clicks", ["topic", "verdict"])
COMMAND_LATENCY = Histogram(
    "acrbot_command_seconds",
    "Time to complete an /acr subcommand",
    ["command"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
AZURE_CALLS = Counter("acrbot_azure_calls_total", "Calls to Azure", ["operation"])
AZURE_ERRORS = Counter("acrbot_azure_errors_total", "Azure errors by kind", ["operation", "kind"])
CACHE_HITS = Counter("acrbot_cache_total", "Cache lookups", ["cache", "result"])
STORE_DEGRADED = Gauge("acrbot_store_degraded", "1 while the shared store is unreachable")
HTTP_QUEUE = Gauge(
    "acrbot_http_queue_depth", "HTTP requests waiting for a worker thread (HTTP mode)"
)
JOBS_PENDING = Gauge("acrbot_jobs_pending", "Jobs queued or running in this process")
JOBS_BACKLOG = Gauge(
    "acrbot_jobs_backlog", "Jobs in the shared queue (held, waiting for room, or for a retry)"
)
REPLIES_KEPT = Counter(
    "acrbot_replies_kept_total", "Replies Slack refused for now, kept to be posted again"
)
REPLIES_ABANDONED = Counter(
    "acrbot_replies_abandoned_total", "Kept replies given up after the retry window"
)
