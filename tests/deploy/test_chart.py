"""The Helm chart, rendered and linted for real with Helm v4 (helm-python-sdk), and every object
validated against the Kubernetes OpenAPI schema (kubernetes-validate)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import helm_python as helm
import kubernetes_validate
import pytest
import yaml

from bot.config import Settings

REPO = Path(__file__).resolve().parents[2]
CHART = REPO / "charts" / "acr-chatops"
SCENARIOS = sorted((CHART / "ci").glob("*-values.yaml"))
KUBE_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
CRD_KINDS = {"ServiceMonitor"}
ALL_VALUES: list[Path | None] = [None, *SCENARIOS]
VALUE_IDS = ["default", *(path.name for path in SCENARIOS)]

Objects = list[dict[str, Any]]


@pytest.fixture(scope="module")
def chart() -> Iterator[helm.Chart]:
    with helm.Chart.load(CHART) as loaded:
        yield loaded


def scenario(name: str) -> dict[str, Any]:
    values: dict[str, Any] = yaml.safe_load((CHART / "ci" / name).read_text())
    return values


def render(chart: helm.Chart, values: dict[str, Any] | None = None) -> Objects:
    """Render like `helm template acrbot -n bots`, returning the Kubernetes objects."""
    manifests = chart.render(values or {}, name="acrbot", namespace="bots")
    objects: Objects = []
    for path, text in manifests.items():
        if path.endswith("NOTES.txt"):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def notes(chart: helm.Chart, values: dict[str, Any] | None = None) -> str:
    manifests = chart.render(values or {}, name="acrbot", namespace="bots")
    return manifests["acr-chatops/templates/NOTES.txt"]


def one(objects: Objects, kind: str, name: str | None = None) -> dict[str, Any]:
    found = [o for o in objects if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(found) == 1, f"expected one {kind} {name or ''}, got {len(found)}"
    return found[0]


def kinds(objects: Objects) -> list[str]:
    return sorted(o["kind"] for o in objects)


def bot_deployment(objects: Objects) -> dict[str, Any]:
    return one(objects, "Deployment", "acrbot-acr-chatops")


def bot_container(objects: Objects) -> dict[str, Any]:
    container: dict[str, Any] = bot_deployment(objects)["spec"]["template"]["spec"]["containers"][0]
    return container


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}


def test_scenario_files_exist() -> None:
    """The CI scenarios the issue names are all present as values files."""
    names = {path.name for path in SCENARIOS}
    assert {
        "socket-one-replica-values.yaml",
        "http-three-replicas-ingress-values.yaml",
        "workload-identity-values.yaml",
        "external-redis-tls-values.yaml",
    } <= names


@pytest.mark.parametrize(
    "values_file", [None, *SCENARIOS], ids=lambda p: p.name if p else "default"
)
def test_every_rendered_object_is_valid_kubernetes(
    chart: helm.Chart, values_file: Path | None
) -> None:
    """Default values and each scenario render objects that the Kubernetes schema accepts."""
    values = yaml.safe_load(values_file.read_text()) if values_file else {}
    objects = render(chart, values)
    assert "Deployment" in kinds(objects)
    for obj in objects:
        if obj["kind"] in CRD_KINDS:
            assert obj["apiVersion"] == "monitoring.coreos.com/v1"
            continue
        for version in KUBE_VERSIONS:
            kubernetes_validate.validate(obj, version, strict=True)


@pytest.mark.parametrize(
    "values_file", [None, *SCENARIOS], ids=lambda p: p.name if p else "default"
)
def test_helm_lint_strict_finds_nothing(values_file: Path | None) -> None:
    """`helm lint --strict` reports no message at all for the defaults and each scenario."""
    values = yaml.safe_load(values_file.read_text()) if values_file else None
    report = helm.lint(CHART, values, strict=True, namespace="bots")
    assert report["messages"] == [], report["messages"]
    assert report["errors"] == []


@pytest.mark.parametrize(
    "values_file", [None, *SCENARIOS], ids=lambda p: p.name if p else "default"
)
def test_pods_are_locked_down_and_probed(chart: helm.Chart, values_file: Path | None) -> None:
    """Every pod runs non-root, read-only, no escalation, ALL dropped, seccomp RuntimeDefault;
    the bot is probed on /healthz and /readyz on its metrics port and has resources."""
    values = yaml.safe_load(values_file.read_text()) if values_file else {}
    objects = render(chart, values)
    pods = [o["spec"]["template"]["spec"] for o in objects if o["kind"] == "Deployment"]
    pods += [o["spec"] for o in objects if o["kind"] == "Pod"]
    for pod in pods:
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["readOnlyRootFilesystem"] is True
            assert context["capabilities"]["drop"] == ["ALL"]
            assert container["resources"]["requests"]
    bot = bot_container(objects)
    assert bot["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert bot["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
    assert bot["resources"]["limits"]["memory"]
    assert {"name": "tmp", "mountPath": "/tmp"} in bot["volumeMounts"]


@pytest.mark.parametrize(
    "values_file", [None, *SCENARIOS], ids=lambda p: p.name if p else "default"
)
def test_rendered_environment_is_accepted_by_the_bot(
    chart: helm.Chart, values_file: Path | None
) -> None:
    """The environment the chart gives the container passes the bot's own start-up validation,
    and names only variables the bot reads."""
    values = yaml.safe_load(values_file.read_text()) if values_file else {}
    env = env_of(bot_container(render(chart, values)))
    config_source = (REPO / "bot" / "config.py").read_text()
    for name in env:
        assert f'"{name}"' in config_source, f"{name} is not read by bot/config.py"
    plain = {name: value for name, value in env.items() if isinstance(value, str)}
    secrets = {
        "SLACK_BOT_TOKEN": "xoxb-1-2-placeholder",
        "SLACK_APP_TOKEN": "xapp-1-A1-2-placeholder",
        "SLACK_SIGNING_SECRET": "placeholder",
        "REDIS_URL": "rediss://:key@cache.example:6380/0",
    }
    for name, value in env.items():
        if not isinstance(value, str):
            plain[name] = secrets[name]
    settings = Settings.from_env(plain)
    assert settings.metrics_port == 9090
    assert settings.has_slack_tokens


def test_sigterm_drain_ends_before_the_grace_period(chart: helm.Chart) -> None:
    """The bot's drain (ACRBOT_DRAIN_SECONDS) ends well before Kubernetes kills the pod; a
    drain that would not is refused when the chart renders."""
    objects = render(chart)
    env = env_of(bot_container(objects))
    grace = bot_deployment(objects)["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert float(str(env["ACRBOT_DRAIN_SECONDS"])) + 5 <= grace
    with pytest.raises(helm.HelmRenderError, match="drainSeconds"):
        render(chart, {"config": {"drainSeconds": 28}})
    longer = {"config": {"drainSeconds": 55}, "terminationGracePeriodSeconds": 60}
    assert env_of(bot_container(render(chart, longer)))["ACRBOT_DRAIN_SECONDS"] == "55"


def test_default_values_give_one_socket_mode_pod(chart: helm.Chart) -> None:
    """Defaults: one Socket Mode replica, a metrics Service, no Ingress/PDB, and a warning that
    no tokens are set."""
    objects = render(chart)
    assert kinds(objects) == ["Deployment", "Pod", "Service", "ServiceAccount"]
    assert bot_deployment(objects)["spec"]["replicas"] == 1
    service = one(objects, "Service")
    assert [p["name"] for p in service["spec"]["ports"]] == ["metrics"]
    assert "no Slack tokens are configured" in notes(chart)


def test_socket_mode_scenario(chart: helm.Chart) -> None:
    """Socket Mode reads the bot and app tokens from the existing Secret and opens no HTTP port."""
    objects = render(chart, scenario("socket-one-replica-values.yaml"))
    env = env_of(bot_container(objects))
    assert env["ACRBOT_MODE"] == "socket"
    assert env["SLACK_APP_TOKEN"]["secretKeyRef"]["name"] == "acrbot-slack-tokens"
    assert env["SLACK_BOT_TOKEN"]["secretKeyRef"]["name"] == "acrbot-slack-tokens"
    assert "SLACK_SIGNING_SECRET" not in env
    assert env["ACRBOT_ALLOWED_REGISTRIES"] == "contosoprod,contosodev"
    assert env["ACRBOT_SOCKET_DOWN_THRESHOLD"] == "90"
    assert "Secret" not in kinds(objects)
    assert "PodDisruptionBudget" not in kinds(objects)
    assert [p["name"] for p in bot_container(objects)["ports"]] == ["metrics"]
    policy = one(objects, "NetworkPolicy")
    assert [rule["ports"][0]["port"] for rule in policy["spec"]["ingress"]] == ["metrics"]
    egress_ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert egress_ports == {53, 443}


def test_http_mode_three_replicas_with_ingress(chart: helm.Chart) -> None:
    """HTTP mode: three replicas, Ingress to /slack/events with TLS, PDB, Redis, ServiceMonitor."""
    values = scenario("http-three-replicas-ingress-values.yaml")
    objects = render(chart, values)
    assert bot_deployment(objects)["spec"]["replicas"] == 3
    ingress = one(objects, "Ingress")
    rule = ingress["spec"]["rules"][0]
    assert rule["host"] == "acrbot.contoso.com"
    assert rule["http"]["paths"][0]["path"] == "/slack/events"
    assert rule["http"]["paths"][0]["backend"]["service"]["port"]["name"] == "http"
    assert ingress["spec"]["tls"][0]["secretName"] == "acrbot-tls"
    service = one(objects, "Service", "acrbot-acr-chatops")
    assert {p["name"] for p in service["spec"]["ports"]} == {"metrics", "http"}
    assert one(objects, "PodDisruptionBudget")["spec"]["minAvailable"] == 1
    env = env_of(bot_container(objects))
    assert env["ACRBOT_MODE"] == "http"
    assert env["SLACK_SIGNING_SECRET"]["secretKeyRef"]["name"] == "acrbot-acr-chatops-slack"
    assert env["REDIS_URL"] == "redis://acrbot-acr-chatops-redis:6379/0"
    one(objects, "Service", "acrbot-acr-chatops-redis")
    monitor = one(objects, "ServiceMonitor")
    assert monitor["spec"]["endpoints"][0]["port"] == "metrics"
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    secret = one(objects, "Secret")
    assert set(secret["stringData"]) == {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"}
    assert "Request URL" in notes(chart, values)
    assert "https://acrbot.contoso.com/slack/events" in notes(chart, values)


def test_workload_identity_scenario(chart: helm.Chart) -> None:
    """Workload identity: client-id on the ServiceAccount, the use label on the pods, and the
    bot told to use the workload-identity credential."""
    values = scenario("workload-identity-values.yaml")
    objects = render(chart, values)
    account = one(objects, "ServiceAccount")
    annotations = account["metadata"]["annotations"]
    assert (
        annotations["azure.workload.identity/client-id"] == values["workloadIdentity"]["clientId"]
    )
    assert (
        annotations["azure.workload.identity/tenant-id"] == values["workloadIdentity"]["tenantId"]
    )
    template = bot_deployment(objects)["spec"]["template"]
    assert template["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert template["spec"]["serviceAccountName"] == account["metadata"]["name"]
    env = env_of(bot_container(objects))
    assert env["ACRBOT_CREDENTIAL"] == "workload-identity"
    assert env["AZURE_CLIENT_ID"] == values["workloadIdentity"]["clientId"]
    assert env["AZURE_SUBSCRIPTION_ID"] == "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    assert "system:serviceaccount:bots:acrbot-acr-chatops" in notes(chart, values)


def test_no_workload_identity_label_by_default(chart: helm.Chart) -> None:
    """Without workload identity the pods carry no identity label and the SA no client id."""
    objects = render(chart)
    labels = bot_deployment(objects)["spec"]["template"]["metadata"]["labels"]
    assert "azure.workload.identity/use" not in labels
    assert "annotations" not in one(objects, "ServiceAccount")["metadata"]


def test_external_redis_with_tls_from_a_secret(chart: helm.Chart) -> None:
    """External Redis: REDIS_URL comes from the named Secret key, egress allows TLS port 6380."""
    objects = render(chart, scenario("external-redis-tls-values.yaml"))
    env = env_of(bot_container(objects))
    assert env["REDIS_URL"] == {"secretKeyRef": {"name": "acrbot-redis", "key": "url"}}
    assert env["ACRBOT_REDIS_PREFIX"] == "acrbot-prod:"
    assert one(objects, "PodDisruptionBudget")
    policy = one(objects, "NetworkPolicy")
    egress_ports = {p["port"] for rule in policy["spec"]["egress"] for p in rule["ports"]}
    assert 6380 in egress_ports
    assert "Deployment" in kinds(objects)
    assert not [o for o in objects if o["metadata"]["name"].endswith("-redis")]


def test_inline_rediss_url_is_kept_in_a_secret(chart: helm.Chart) -> None:
    """An inline rediss:// URL lands in a Secret, never as plain text in the Deployment."""
    objects = render(chart, scenario("external-redis-inline-url-values.yaml"))
    secret = one(objects, "Secret", "acrbot-acr-chatops-redis")
    assert secret["stringData"]["REDIS_URL"].startswith("rediss://")
    assert "placeholder-key" not in json.dumps(bot_deployment(objects))
    env = env_of(bot_container(objects))
    assert env["REDIS_URL"]["secretKeyRef"]["name"] == "acrbot-acr-chatops-redis"


def test_changing_a_token_restarts_the_pods(chart: helm.Chart) -> None:
    """A new token changes the pod template (checksum annotation), so `helm upgrade` rolls out."""
    base = scenario("external-redis-inline-url-values.yaml")
    changed = json.loads(json.dumps(base))
    changed["slack"]["botToken"] = "xoxb-0000000000-0000000000000-rotated"

    def checksum(values: dict[str, Any]) -> str:
        template = bot_deployment(render(chart, values))["spec"]["template"]
        value: str = template["metadata"]["annotations"]["checksum/secret"]
        return value

    assert checksum(base) != checksum(changed)


BAD_VALUES = [
    pytest.param({"replicaCount": "two"}, "/replicaCount", id="replicas-not-a-number"),
    pytest.param({"replicaCount": 0}, "/replicaCount", id="zero-replicas"),
    pytest.param({"replicaCount": 3}, "/redis", id="replicas-without-redis"),
    pytest.param({"mode": "http"}, "/slack", id="http-without-signing-secret"),
    pytest.param({"mode": "websocket"}, "/mode", id="unknown-mode"),
    pytest.param(
        {"ingress": {"enabled": True, "host": "acrbot.contoso.com"}},
        "/mode",
        id="ingress-in-socket-mode",
    ),
    pytest.param(
        {"mode": "http", "slack": {"existingSecret": "s"}, "ingress": {"enabled": True}},
        "/ingress/host",
        id="ingress-without-host",
    ),
    pytest.param({"workloadIdentity": {"enabled": True}}, "/workloadIdentity", id="wi-no-client"),
    pytest.param(
        {"workloadIdentity": {"enabled": True, "clientId": "my-identity"}},
        "/workloadIdentity/clientId",
        id="wi-client-not-guid",
    ),
    pytest.param(
        {
            "workloadIdentity": {
                "enabled": True,
                "clientId": "00000000-1111-2222-3333-444444444444",
            },
            "serviceAccount": {"create": False},
        },
        "/serviceAccount",
        id="wi-without-service-account",
    ),
    pytest.param({"redis": {"url": "http://cache:6379"}}, "/redis/url", id="redis-url-scheme"),
    pytest.param(
        {"redis": {"url": "rediss://:k@cache:6380", "internal": {"enabled": True}}},
        "/redis/url",
        id="two-redis-at-once",
    ),
    pytest.param({"slack": {"botToken": "xoxp-user-token"}}, "/slack/botToken", id="user-token"),
    pytest.param(
        {"slack": {"botToken": "xoxb-1-2-3"}}, "/slack/appToken", id="socket-without-app-token"
    ),
    pytest.param({"config": {"logFormat": "xml"}}, "/config/logFormat", id="log-format"),
    pytest.param({"config": {"admins": ["alice"]}}, "/config/admins/0", id="admin-not-an-id"),
    pytest.param({"metrics": {"port": 70000}}, "/metrics/port", id="port-out-of-range"),
    pytest.param({"metrics": {"port": "9090"}}, "/metrics/port", id="port-as-string"),
    pytest.param({"replicas": 2}, "replicas", id="misspelt-key"),
    pytest.param({"image": {"tag": 1.2}}, "/image/tag", id="tag-as-number"),
    pytest.param({"resources": "small"}, "/resources", id="resources-not-a-map"),
    pytest.param({"azure": {"subscriptionIds": ["prod"]}}, "/azure/subscriptionIds/0", id="sub"),
    pytest.param(
        {"config": {"replyRetrySeconds": 60}}, "/config/replyRetrySeconds", id="retry-too-short"
    ),
    pytest.param({"config": {"workers": 0}}, "/config/workers", id="no-workers"),
]


@pytest.mark.parametrize(("values", "where"), BAD_VALUES)
def test_schema_refuses_bad_values(chart: helm.Chart, values: dict[str, Any], where: str) -> None:
    """Wrong types and impossible combinations are refused before anything renders, and the
    message points at the offending value."""
    with pytest.raises(helm.HelmValuesError) as refused:
        chart.validate_schema(values)
    assert where in str(refused.value)
    with pytest.raises(helm.HelmValuesError):
        chart.render(values, name="acrbot", namespace="bots")


def test_lint_reports_bad_values_as_errors() -> None:
    """`helm lint` with impossible values reports an error instead of passing."""
    report = helm.lint(CHART, {"replicaCount": 3}, strict=True)
    assert report["errors"]


def _schema_properties(node: dict[str, Any], path: str = "") -> Iterator[tuple[str, Any]]:
    for key, child in node.get("properties", {}).items():
        yield f"{path}.{key}", child
        yield from _schema_properties(child, f"{path}.{key}")


def _value_leaves(node: Any, path: str = "") -> Iterator[str]:
    if isinstance(node, dict) and node:
        for key, child in node.items():
            yield from _value_leaves(child, f"{path}.{key}")
    else:
        yield path


def test_every_value_is_typed_and_described(chart: helm.Chart) -> None:
    """Each key in values.yaml is declared in the schema with a description."""
    schema = json.loads((CHART / "values.schema.json").read_text())
    declared = dict(_schema_properties(schema))
    for path, node in declared.items():
        assert node.get("description"), f"{path} has no description"
    free_form = {
        p for p, n in declared.items() if n.get("type") == "object" and "properties" not in n
    }
    for leaf in _value_leaves(chart.values):
        covered = leaf in declared or any(leaf.startswith(f"{p}.") for p in free_form)
        assert covered, f"{leaf} is in values.yaml but not in values.schema.json"


def test_values_file_documents_every_top_level_key() -> None:
    """values.yaml explains each top-level key in a comment just above it or as its first line."""
    lines = (CHART / "values.yaml").read_text().splitlines()
    undocumented = []
    for index, line in enumerate(lines):
        if not re.match(r"^[a-zA-Z]\w*:", line):
            continue
        above = lines[index - 1].lstrip() if index else ""
        below = lines[index + 1].lstrip() if index + 1 < len(lines) else ""
        if not (above.startswith("#") or below.startswith("#")):
            undocumented.append(line.split(":")[0])
    assert undocumented == []
