"""The ops port (/healthz, /readyz, /metrics) served by bot.observe.server from a HealthState."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.observe import metrics
from bot.observe.liveness import HealthState
from bot.observe.probe import main as probe_main
from bot.observe.server import OpsServer, start_ops_server
from tests.fakes.clock import FakeClock


def get(server: OpsServer, path: str) -> tuple[int, str, str]:
    """GET a path; return (status, content type, body) even for error statuses."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=5) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def health(clock: FakeClock) -> HealthState:
    return HealthState(socket_down_threshold=30, stuck_after=60, clock=clock)


@pytest.fixture
def ready_flag() -> dict[str, bool]:
    return {"ready": False}


@pytest.fixture
def server(health: HealthState, ready_flag: dict[str, bool]) -> Iterator[OpsServer]:
    ops = start_ops_server(0, health, ready=lambda: ready_flag["ready"], host="127.0.0.1")
    yield ops
    ops.close()


def test_healthz_is_ok_for_a_fresh_process(server: OpsServer) -> None:
    """A process that has just started answers 200 on /healthz with a JSON body."""
    status, ctype, body = get(server, "/healthz")
    assert status == 200
    assert ctype == "application/json"
    assert json.loads(body)["status"] == "ok"


def test_healthz_fails_once_socket_mode_link_stays_down(
    server: OpsServer, health: HealthState, clock: FakeClock
) -> None:
    """In Socket Mode, a link down longer than the threshold turns /healthz into 503 with why."""
    health.socket_mode = True
    health.socket_disconnected()
    clock.advance(61)
    status, _, body = get(server, "/healthz")
    assert status == 503
    answer = json.loads(body)
    assert answer["status"] == "failing"
    assert "Socket Mode link down" in answer["reasons"][0]


def test_healthz_recovers_when_the_link_comes_back(
    server: OpsServer, health: HealthState, clock: FakeClock
) -> None:
    """A reconnect clears the failure: /healthz answers 200 again."""
    health.socket_mode = True
    health.socket_disconnected()
    clock.advance(61)
    assert get(server, "/healthz")[0] == 503
    health.socket_connected()
    assert get(server, "/healthz")[0] == 200


def test_short_socket_outage_is_tolerated() -> None:
    """A link down for less than the threshold (a normal reconnect) keeps /healthz at 200."""
    state = HealthState(socket_mode=True, socket_down_threshold=60)
    ops = start_ops_server(0, state, ready=lambda: True, host="127.0.0.1")
    try:
        state.socket_disconnected()
        assert get(ops, "/healthz")[0] == 200
    finally:
        ops.close()


def test_http_mode_ignores_socket_state(
    server: OpsServer, health: HealthState, clock: FakeClock
) -> None:
    """In HTTP mode there is no Socket Mode link, so its state never fails liveness."""
    health.socket_mode = False
    health.socket_disconnected()
    clock.advance(61)
    assert get(server, "/healthz")[0] == 200


def test_healthz_fails_when_the_worker_pool_stops_beating(
    server: OpsServer, health: HealthState, clock: FakeClock
) -> None:
    """Once heartbeats have started, a heartbeat older than the limit means stuck: 503."""
    health.heartbeat()
    assert get(server, "/healthz")[0] == 200
    clock.advance(61)
    status, _, body = get(server, "/healthz")
    assert status == 503
    assert "worker pool silent" in json.loads(body)["reasons"][0]
    health.heartbeat()
    assert get(server, "/healthz")[0] == 200


def test_readyz_follows_the_ready_check(server: OpsServer, ready_flag: dict[str, bool]) -> None:
    """/readyz answers 503 until the readiness check passes, then 200."""
    status, _, body = get(server, "/readyz")
    assert (status, json.loads(body)["status"]) == (503, "not ready")
    ready_flag["ready"] = True
    status, _, body = get(server, "/readyz")
    assert (status, json.loads(body)["status"]) == (200, "ready")


def test_readyz_answers_503_when_the_check_raises() -> None:
    """A readiness check that raises (e.g. Redis down) gives 503 naming the error, no crash."""

    def broken() -> bool:
        raise ConnectionError("redis unreachable")

    ops = start_ops_server(0, HealthState(), ready=broken, host="127.0.0.1")
    try:
        status, _, body = get(ops, "/readyz")
        assert status == 503
        assert json.loads(body)["error"] == "ConnectionError"
        assert get(ops, "/healthz")[0] == 200
    finally:
        ops.close()


def test_metrics_exposes_the_bot_counters_in_prometheus_format(server: OpsServer) -> None:
    """/metrics serves Prometheus text with the bot's counters, histograms and gauges."""
    metrics.EVENTS_RECEIVED.labels(kind="message").inc()
    metrics.TRIAGE_OUTCOME.labels(topic="none").inc()
    metrics.COMMAND_LATENCY.labels(command="usage").observe(0.3)
    metrics.AZURE_ERRORS.labels(operation="usage", kind="throttled").inc()
    metrics.STORE_DEGRADED.set(1)
    try:
        status, ctype, body = get(server, "/metrics")
    finally:
        metrics.STORE_DEGRADED.set(0)
    assert status == 200
    assert ctype.startswith("text/plain")
    families = {family.name: family for family in text_string_to_metric_families(body)}
    for name in (
        "acrbot_events_received",
        "acrbot_triage_outcome",
        "acrbot_feedback",
        "acrbot_command_seconds",
        "acrbot_azure_calls",
        "acrbot_azure_errors",
        "acrbot_cache",
        "acrbot_store_degraded",
    ):
        assert name in families, name
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families.values()
        for s in family.samples
    }
    assert samples[("acrbot_events_received_total", (("kind", "message"),))] >= 1
    assert samples[("acrbot_store_degraded", ())] == 1
    assert samples[("acrbot_command_seconds_count", (("command", "usage"),))] >= 1


def test_unknown_path_is_404_listing_the_real_ones(server: OpsServer) -> None:
    """A wrong path answers 404 and names the three paths that exist."""
    status, _, body = get(server, "/health")
    assert status == 404
    assert json.loads(body)["paths"] == ["/healthz", "/readyz", "/metrics"]


def test_close_releases_the_port(health: HealthState) -> None:
    """After close() the port no longer answers."""
    ops = start_ops_server(0, health, ready=lambda: True, host="127.0.0.1")
    url = ops.url
    ops.close()
    ops.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/healthz", timeout=2)


def test_threshold_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an explicit threshold the server uses ACRBOT_SOCKET_DOWN_THRESHOLD."""
    monkeypatch.setenv("ACRBOT_SOCKET_DOWN_THRESHOLD", "7")
    state = HealthState()
    ops = start_ops_server(0, state, ready=lambda: True, host="127.0.0.1")
    try:
        _, _, body = get(ops, "/healthz")
        assert json.loads(body)["socket_down_threshold_seconds"] == 7
    finally:
        ops.close()


def test_probe_exits_0_when_healthy_and_1_when_not(
    server: OpsServer, health: HealthState, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> None:
    """The image's HEALTHCHECK command succeeds on a healthy bot and fails on a failing one."""
    monkeypatch.setenv("ACRBOT_METRICS_PORT", str(server.port))
    assert probe_main([]) == 0
    health.socket_mode = True
    health.socket_disconnected()
    clock.advance(61)
    assert probe_main([]) == 1
    assert probe_main(["/readyz"]) == 1


def test_probe_fails_cleanly_when_nothing_listens(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no ops server the probe exits 1 with a one-line reason, not a traceback."""
    ops = start_ops_server(0, HealthState(), ready=lambda: True, host="127.0.0.1")
    port = ops.port
    ops.close()
    monkeypatch.setenv("ACRBOT_METRICS_PORT", str(port))
    assert probe_main([]) == 1
    assert "unreachable" in capsys.readouterr().out
