"""`check-health <registry>`: the registry half of `az acr check-health`, run from the bot.

Stage 1 reads the registry from ARM. Stage 2 runs the independent checks concurrently on a
thread pool: DNS (login server, data endpoints, regional endpoints of replicas), the connectivity
chain (TLS → /v2/ challenge → /oauth2/exchange → /oauth2/token, which must run in order), the
storage usage and the replicas. Configuration checks are read from the ARM answer. Every stage
waits at most ``timeout`` seconds, so the report arrives in bounded time even when the network
hangs; a check still running then is reported as timed out.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from azure.core import PipelineClient
from azure.core.exceptions import AzureError as SdkAzureError
from azure.core.pipeline.policies import HeadersPolicy, RetryPolicy, UserAgentPolicy
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest, HttpResponse
from requests.utils import DEFAULT_CA_BUNDLE_PATH

from bot import __version__
from bot.azure.arm_errors import data_plane_code, shorten
from bot.azure.clients import Arm
from bot.azure.registries import Registries, RegistryRef, parse_registry
from bot.azure.usage import fetch_usage
from bot.errors import AzureError, BotError
from bot.store import Store

Resolver = Callable[[str, int], list[str]]

OK, WARNING, ERROR, SKIPPED = "ok", "warning", "error", "skipped"

# Health-check error code → the knowledge topic that explains it (knowledge catalog, table C).
CODE_TOPICS = {
    "DOCKER_COMMAND_ERROR": "docker-daemon-not-running",
    "DOCKER_DAEMON_ERROR": "docker-daemon-not-running",
    "DOCKER_PULL_ERROR": "health-docker-pull-error",
    "DOCKER_VERSION_ERROR": "health-docker-pull-error",
    "HELM_COMMAND_ERROR": "health-helm-notary-errors",
    "HELM_VERSION_ERROR": "health-helm-notary-errors",
    "NOTARY_COMMAND_ERROR": "health-helm-notary-errors",
    "NOTARY_VERSION_ERROR": "health-helm-notary-errors",
    "CMK_ERROR": "health-cmk-identity-error",
    "CONNECTIVITY_CHALLENGE_ERROR": "health-challenge-error",
    "CONNECTIVITY_AAD_LOGIN_ERROR": "health-challenge-error",
    "CONNECTIVITY_WWW_AUTHENTICATE_ERROR": "health-challenge-error",
    "CONNECTIVITY_REFRESH_TOKEN_ERROR": "health-token-exchange-error",
    "CONNECTIVITY_ACCESS_TOKEN_ERROR": "health-token-exchange-error",
    "CONNECTIVITY_DNS_ERROR": "dns-no-such-host",
    "CONNECTIVITY_FORBIDDEN_ERROR": "client-ip-not-allowed",
    "CONNECTIVITY_SSL_ERROR": "x509-unknown-authority",
    "CONNECTIVITY_TOOMANYREQUESTS_ERROR": "too-many-requests",
    "LOGIN_SERVER_ERROR": "registry-not-found-in-subscription",
    "UNEXPECTED_ERROR": "check-health",
}

# The order lines appear in, whatever order the checks finish in.
ORDER = (
    "arm",
    "provisioning",
    "dns",
    "dns-data-endpoints",
    "replicas",
    "tls",
    "challenge",
    "refresh-token",
    "access-token",
    "public-network",
    "network-rules",
    "admin-user",
    "anonymous-pull",
    "storage",
    "retention",
    "soft-delete",
    "encryption-identity",
)
CHAIN = ("tls", "challenge", "refresh-token", "access-token")
CERT_WARN_DAYS = 14


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    code: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class HealthReport:
    registry: str
    login_server: str | None
    checks: list[Check]
    seconds: float = 0.0

    @property
    def worst(self) -> str:
        statuses = {c.status for c in self.checks}
        for level in (ERROR, WARNING, OK):
            if level in statuses:
                return level
        return SKIPPED


def check(
    name: str, status: str, detail: str, code: str | None = None, topic: str | None = None
) -> Check:
    return Check(name, status, detail, code, topic or (CODE_TOPICS.get(code) if code else None))


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def split_host(login_server: str) -> tuple[str, int]:
    host, _, port = login_server.rpartition(":")
    if host and port.isdigit():
        return host, int(port)
    return login_server, 443


def ca_file() -> str:
    """The CA bundle the bot trusts: the one requests uses (REQUESTS_CA_BUNDLE, else certifi)."""
    return (
        os.environ.get("REQUESTS_CA_BUNDLE")
        or os.environ.get("CURL_CA_BUNDLE")
        or DEFAULT_CA_BUNDLE_PATH
    )


@dataclass
class _Chain:
    """Results of the ordered connectivity steps; the network-rules check reads ``v2_status``."""

    checks: list[Check] = field(default_factory=list)
    v2_status: int | None = None


class HealthChecker:
    def __init__(
        self,
        arm: Arm,
        store: Store,
        registries: Registries,
        *,
        resolver: Resolver | None = None,
        timeout: float | None = None,
    ) -> None:
        self.arm = arm
        self.store = store
        self.registries = registries
        self.resolver = resolver or system_resolver
        self.timeout = timeout or min(arm.settings.azure_timeout_seconds, 10.0)

    # --- the report ----------------------------------------------------------------------
    def run(self, text: str) -> HealthReport:
        started = time.monotonic()
        argument = parse_registry(text)  # bad input is the user's, raise it as such
        pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="health")
        try:
            checks, ref, body = self._stage_arm(pool, text, argument.name)
            login_server = ref.login_server if ref else f"{argument.name}.{self._suffix()}"
            checks += self._stage_network(pool, login_server, ref, body)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
        rank = {name: n for n, name in enumerate(ORDER)}
        checks.sort(key=lambda c: rank.get(c.name, len(ORDER)))
        name = ref.name if ref else argument.name
        return HealthReport(name, login_server, checks, round(time.monotonic() - started, 2))

    def _suffix(self) -> str:
        return self.arm.settings.cloud["acr_suffix"]

    def _stage_arm(
        self, pool: ThreadPoolExecutor, text: str, name: str
    ) -> tuple[list[Check], RegistryRef | None, dict[str, Any] | None]:
        def lookup() -> tuple[RegistryRef, dict[str, Any]]:
            ref = self.registries.resolve(text)
            body = self.registries.get(ref.subscription_id, ref.resource_group, ref.name)
            return ref, body

        future = pool.submit(lookup)
        done, _ = wait([future], timeout=self.timeout)
        if not done:
            return (
                [
                    check(
                        "arm",
                        ERROR,
                        f"Azure Resource Manager did not answer within {self.timeout:g} s; the "
                        "login server was guessed from the name.",
                        "LOGIN_SERVER_ERROR",
                    )
                ],
                None,
                None,
            )
        try:
            ref, body = future.result()
        except AzureError as exc:
            code = "LOGIN_SERVER_ERROR" if exc.kind in ("not_found", "forbidden") else None
            topic = None if code else "check-health"
            detail = f"{exc.user_message} The login server was guessed from the name."
            return [check("arm", ERROR, detail, code, topic)], None, None
        location = f" in {ref.location}" if ref.location else ""
        found = check(
            "arm",
            OK,
            f"Found {ref.sku} registry {ref.name}{location}, resource group {ref.resource_group}.",
        )
        return [found], ref, body

    def _stage_network(
        self,
        pool: ThreadPoolExecutor,
        login_server: str,
        ref: RegistryRef | None,
        body: dict[str, Any] | None,
    ) -> list[Check]:
        props: dict[str, Any] = (body or {}).get("properties") or {}
        host, port = split_host(login_server)
        futures: dict[str, Future[list[Check]]] = {
            "dns": pool.submit(lambda: [self._dns("dns", [host], port)]),
        }
        chain_result = _Chain()
        futures["chain"] = pool.submit(self._chain, login_server, chain_result)
        data_hosts = [str(h) for h in props.get("dataEndpointHostNames") or []]
        if props.get("dataEndpointEnabled") and data_hosts:
            futures["dns-data-endpoints"] = pool.submit(
                lambda: [self._dns("dns-data-endpoints", data_hosts, 443)]
            )
        if ref is not None:
            futures["storage"] = pool.submit(lambda: [self._storage(ref)])
            futures["replicas"] = pool.submit(lambda: [self._replicas(ref)])
        wait(list(futures.values()), timeout=self.timeout)
        checks: list[Check] = []
        for key, future in futures.items():
            if future.done():
                try:
                    checks += future.result()
                except Exception as exc:
                    checks.append(check(key, ERROR, _failure(exc), "UNEXPECTED_ERROR"))
            elif key == "chain":
                checks += _finish_chain(chain_result, self.timeout)
            else:
                checks.append(
                    check(key, ERROR, f"No answer within {self.timeout:g} s.", None, "check-health")
                )
        if ref is None:
            return checks
        checks += self._configuration(props, body or {}, chain_result)
        return checks

    # --- network checks -------------------------------------------------------------------
    def _dns(self, name: str, hosts: list[str], port: int) -> Check:
        found = []
        for host in hosts:
            try:
                addresses = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
                return check(
                    name, ERROR, f"{host} does not resolve ({reason}).", "CONNECTIVITY_DNS_ERROR"
                )
            if not addresses:
                return check(name, ERROR, f"{host} has no address.", "CONNECTIVITY_DNS_ERROR")
            found.append(f"{host} → {', '.join(addresses[:3])}")
        return check(name, OK, "; ".join(found))

    def _chain(self, login_server: str, result: _Chain) -> list[Check]:
        """TLS, challenge, refresh token, access token — each only if the previous passed."""
        host, port = split_host(login_server)
        tls = self._tls(host, port)
        result.checks.append(tls)
        if tls.status == ERROR:
            return result.checks
        client = self._data_client(login_server)
        try:
            challenge, params = self._challenge(client, login_server, result)
            result.checks.append(challenge)
            if challenge.status == ERROR or params is None:
                return result.checks
            refresh = self._exchange(client, login_server, params)
            result.checks.append(refresh[0])
            if refresh[1] is None:
                return result.checks
            result.checks.append(self._access(client, login_server, params, refresh[1]))
            return result.checks
        finally:
            client.close()

    def _tls(self, host: str, port: int) -> Check:
        context = ssl.create_default_context(cafile=ca_file())
        try:
            with (
                socket.create_connection((host, port), timeout=self.timeout) as raw,
                context.wrap_socket(raw, server_hostname=host) as tls,
            ):
                version = tls.version() or "TLS"
                cert = tls.getpeercert() or {}
        except ssl.SSLCertVerificationError as exc:
            return check(
                "tls",
                ERROR,
                f"The certificate of {host} is not trusted ({exc.verify_message}). An "
                "intercepting proxy is the usual cause.",
                "CONNECTIVITY_SSL_ERROR",
            )
        except ssl.SSLError as exc:
            return check(
                "tls",
                ERROR,
                f"TLS handshake with {host} failed ({exc.reason or exc}).",
                "CONNECTIVITY_SSL_ERROR",
            )
        except TimeoutError:
            return check(
                "tls",
                ERROR,
                f"{host}:{port} did not accept a connection within {self.timeout:g} s.",
                "CONNECTIVITY_CHALLENGE_ERROR",
                "login-server-unreachable",
            )
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return check(
                "tls",
                ERROR,
                f"Could not connect to {host}:{port} ({reason}).",
                "CONNECTIVITY_CHALLENGE_ERROR",
                "login-server-unreachable",
            )
        expires = cert.get("notAfter")
        detail = f"{version} to {host}:{port}, certificate trusted"
        if isinstance(expires, str):
            left = (ssl.cert_time_to_seconds(expires) - time.time()) / 86400
            detail += f", expires in {left:.0f} days"
            if left < CERT_WARN_DAYS:
                return check("tls", WARNING, detail + ".", None, "x509-unknown-authority")
        return check("tls", OK, detail + ".")

    def _data_client(self, login_server: str) -> PipelineClient[HttpRequest, HttpResponse]:
        transport = RequestsTransport(
            connection_timeout=self.timeout, read_timeout=self.timeout, connection_verify=ca_file()
        )
        policies = [
            HeadersPolicy(),
            UserAgentPolicy(f"acrbot/{__version__}"),
            RetryPolicy(retry_total=0),
        ]
        return PipelineClient(f"https://{login_server}", policies=policies, transport=transport)

    def _challenge(
        self, client: PipelineClient[HttpRequest, HttpResponse], login_server: str, result: _Chain
    ) -> tuple[Check, dict[str, str] | None]:
        try:
            response = client.send_request(HttpRequest("GET", f"https://{login_server}/v2/"))
        except SdkAzureError as exc:
            return check(
                "challenge",
                ERROR,
                f"GET /v2/ failed: {_failure(exc)}",
                "CONNECTIVITY_CHALLENGE_ERROR",
            ), None
        result.v2_status = response.status_code
        if response.status_code == 403:
            return check(
                "challenge",
                ERROR,
                f"The registry refused the bot's address (403{_acr_code(response)}): its firewall "
                "or disabled public access blocks the bot.",
                "CONNECTIVITY_FORBIDDEN_ERROR",
            ), None
        if response.status_code == 429:
            return check(
                "challenge",
                ERROR,
                "The registry throttled the bot (429).",
                "CONNECTIVITY_TOOMANYREQUESTS_ERROR",
            ), None
        header = response.headers.get("WWW-Authenticate", "")
        if response.status_code != 401 or not header:
            return check(
                "challenge",
                ERROR,
                f"GET /v2/ answered {response.status_code} without an authentication challenge.",
                "CONNECTIVITY_CHALLENGE_ERROR",
            ), None
        params = dict(re.findall(r'(\w+)="([^"]*)"', header))
        if (
            not header.lower().startswith("bearer ")
            or "realm" not in params
            or "service" not in params
        ):
            return check(
                "challenge",
                ERROR,
                "The challenge is not a Bearer challenge with realm and service, so Entra sign-in "
                "cannot be used.",
                "CONNECTIVITY_AAD_LOGIN_ERROR",
            ), None
        return check(
            "challenge",
            OK,
            f"GET /v2/ answered 401 with a Bearer challenge (service {params['service']}).",
        ), params

    def _token_base(self, login_server: str, params: dict[str, str]) -> str:
        """The realm's origin when it is the registry itself; never a third host."""
        realm = params.get("realm", "")
        found = re.match(r"^(https://[^/]+)/", realm)
        if found and found.group(1).lower() == f"https://{login_server}".lower():
            return found.group(1)
        return f"https://{login_server}"

    def _exchange(
        self,
        client: PipelineClient[HttpRequest, HttpResponse],
        login_server: str,
        params: dict[str, str],
    ) -> tuple[Check, str | None]:
        audience = self.arm.settings.cloud["acr_audience"]
        try:
            entra = self.arm.credential.get_token(audience).token
        except Exception as exc:
            message = shorten(str(getattr(exc, "message", None) or type(exc).__name__), 200)
            return check(
                "refresh-token",
                ERROR,
                f"The bot could not get an Entra token for its identity: {message}",
                None,
                "aad-token-scope",
            ), None
        form = {"grant_type": "access_token", "service": params["service"], "access_token": entra}
        url = self._token_base(login_server, params) + "/oauth2/exchange"
        failed, token = self._token_post(
            client,
            url,
            form,
            name="refresh-token",
            field="refresh_token",
            code="CONNECTIVITY_REFRESH_TOKEN_ERROR",
        )
        if failed is not None:
            return failed, None
        return check(
            "refresh-token", OK, "The bot's Entra token was exchanged for a registry refresh token."
        ), token

    def _token_post(
        self,
        client: PipelineClient[HttpRequest, HttpResponse],
        url: str,
        form: dict[str, str],
        *,
        name: str,
        field: str,
        code: str,
    ) -> tuple[Check | None, str | None]:
        """One step of the registry's token service: (a failed check, None) or (None, token)."""
        try:
            response = client.send_request(HttpRequest("POST", url, data=form))
        except SdkAzureError as exc:
            path = url[url.index("/oauth2/") :]
            return check(name, ERROR, f"POST {path} failed: {_failure(exc)}", code), None
        if response.status_code == 429:
            return check(
                name,
                ERROR,
                "The registry's token service throttled the bot (429).",
                "CONNECTIVITY_TOOMANYREQUESTS_ERROR",
            ), None
        token = _json_field(response, field) if response.status_code == 200 else None
        if token is not None:
            return None, token
        hint = ""
        if field == "refresh_token" and response.status_code in (401, 403):
            hint = (
                " The bot's identity needs a pull role (AcrPull, or Repository Reader on ABAC "
                "registries)."
            )
        refused = (
            "The registry refused the bot's Entra token"
            if field == "refresh_token"
            else "The registry did not issue an access token"
        )
        detail = f"{refused} (HTTP {response.status_code}{_acr_code(response)}).{hint}"
        return check(name, ERROR, detail, code), None

    def _access(
        self,
        client: PipelineClient[HttpRequest, HttpResponse],
        login_server: str,
        params: dict[str, str],
        refresh: str,
    ) -> Check:
        form = {
            "grant_type": "refresh_token",
            "service": params["service"],
            "scope": "registry:catalog:*",
            "refresh_token": refresh,
        }
        url = self._token_base(login_server, params) + "/oauth2/token"
        failed, _ = self._token_post(
            client,
            url,
            form,
            name="access-token",
            field="access_token",
            code="CONNECTIVITY_ACCESS_TOKEN_ERROR",
        )
        if failed is not None:
            return failed
        return check(
            "access-token", OK, "The registry issued an access token (scope registry:catalog:*)."
        )

    def _storage(self, ref: RegistryRef) -> Check:
        try:
            report = fetch_usage(self.arm, self.store, ref)
        except AzureError as exc:
            return check(
                "storage",
                WARNING,
                f"Usage could not be read: {exc.user_message}",
                None,
                "storage-quota-exceeded",
            )
        size = next((row for row in report.usages if row.name.lower() == "size"), None)
        if size is None or size.percent is None:
            return check("storage", SKIPPED, "Azure reported no storage limit.")
        detail = f"{size.percent:g}% of the included storage used."
        if size.percent >= 100:
            return check("storage", ERROR, detail, None, "storage-quota-exceeded")
        if size.warning:
            return check("storage", WARNING, detail, None, "storage-quota-exceeded")
        return check("storage", OK, detail)

    def _replicas(self, ref: RegistryRef) -> Check:
        if ref.sku.lower() != "premium":
            return check(
                "replicas",
                SKIPPED,
                f"Geo-replication needs the Premium tier; this registry is {ref.sku}.",
            )
        try:
            replicas = self.registries.replications(ref)
        except AzureError as exc:
            return check("replicas", WARNING, f"Replications could not be read: {exc.user_message}")
        if not replicas:
            return check("replicas", OK, "No replications.")
        bad, hosts = [], []
        for replica in replicas:
            props = replica.get("properties") or {}
            status = (props.get("status") or {}).get("displayStatus") or props.get(
                "provisioningState"
            )
            if props.get("provisioningState") != "Succeeded" or status not in (
                "Ready",
                "Succeeded",
            ):
                bad.append(f"{replica.get('location')}: {status}")
            if props.get("regionEndpointEnabled") and ref.login_server.endswith(
                "." + self._suffix()
            ):
                hosts.append(f"{ref.name.lower()}.{replica.get('location')}.geo.{self._suffix()}")
        if bad:
            return check(
                "replicas",
                WARNING,
                "Replicas not ready: " + "; ".join(bad),
                None,
                "geo-replica-push-manifest-error",
            )
        if hosts:
            dns = self._dns("replicas", hosts, 443)
            if dns.status != OK:
                return dns
        places = ", ".join(str(r.get("location")) for r in replicas)
        return check("replicas", OK, f"{len(replicas)} replica(s) ready: {places}.")

    # --- configuration --------------------------------------------------------------------
    def _configuration(
        self, props: dict[str, Any], body: dict[str, Any], chain: _Chain
    ) -> list[Check]:
        checks = []
        state = props.get("provisioningState") or "unknown"
        if state == "Succeeded":
            checks.append(check("provisioning", OK, "Provisioning state is Succeeded."))
        elif state in ("Failed", "Canceled"):
            checks.append(
                check(
                    "provisioning",
                    ERROR,
                    f"Provisioning state is {state}: the last change to the registry did not "
                    "complete.",
                )
            )
        else:
            checks.append(
                check(
                    "provisioning",
                    WARNING,
                    f"Provisioning state is {state}: a change is in progress.",
                )
            )
        checks.append(_public_network(props, chain))
        checks.append(_network_rules(props, chain))
        if props.get("adminUserEnabled"):
            checks.append(
                check(
                    "admin-user",
                    WARNING,
                    "The admin user is enabled: a shared password anyone with it can use. Prefer "
                    "Entra identities and turn it off.",
                    None,
                    "admin-credentials",
                )
            )
        else:
            checks.append(check("admin-user", OK, "The admin user is disabled."))
        if props.get("anonymousPullEnabled"):
            checks.append(
                check(
                    "anonymous-pull",
                    WARNING,
                    "Anonymous pull is enabled: anyone who can reach the registry can pull its "
                    "images.",
                    None,
                    "anonymous-pull",
                )
            )
        else:
            checks.append(check("anonymous-pull", OK, "Anonymous pull is disabled."))
        policies = props.get("policies") or {}
        retention = policies.get("retentionPolicy") or {}
        if str(retention.get("status", "")).lower() == "enabled":
            checks.append(
                check(
                    "retention",
                    OK,
                    f"Untagged manifests are deleted after {retention.get('days')} days.",
                )
            )
        else:
            checks.append(
                check(
                    "retention", OK, "Retention is off: untagged manifests are kept until deleted."
                )
            )
        soft = policies.get("softDeletePolicy")
        if not isinstance(soft, dict):
            checks.append(
                check(
                    "soft-delete",
                    SKIPPED,
                    "Azure did not report a soft-delete policy for this registry.",
                )
            )
        elif str(soft.get("status", "")).lower() == "enabled":
            checks.append(
                check(
                    "soft-delete",
                    OK,
                    f"Deleted artifacts are kept for {soft.get('retentionDays')} days and can be "
                    "restored.",
                )
            )
        else:
            checks.append(
                check(
                    "soft-delete",
                    OK,
                    "Soft delete is off: deleted artifacts cannot be restored.",
                    None,
                )
            )
        checks.append(_cmk(props, body))
        return checks


def _public_network(props: dict[str, Any], chain: _Chain) -> Check:
    if str(props.get("publicNetworkAccess", "Enabled")) == "Disabled":
        if chain.v2_status is not None and chain.v2_status != 403:
            return check(
                "public-network",
                OK,
                "Public access is disabled; the bot reaches the registry through a private "
                "endpoint.",
            )
        return check(
            "public-network",
            WARNING,
            "Public access is disabled: only clients on a private endpoint can reach the registry.",
            None,
            "public-network-disabled",
        )
    return check("public-network", OK, "Public network access is enabled.")


def _network_rules(props: dict[str, Any], chain: _Chain) -> Check:
    rules = props.get("networkRuleSet") or {}
    count = len(rules.get("ipRules") or [])
    if str(rules.get("defaultAction", "Allow")) != "Deny":
        return check(
            "network-rules", OK, "The firewall allows all networks (default action Allow)."
        )
    if chain.v2_status == 403:
        return check(
            "network-rules",
            ERROR,
            "The firewall denies by default and the bot's egress address is not among its "
            f"{count} IP rule(s).",
            "CONNECTIVITY_FORBIDDEN_ERROR",
        )
    if chain.v2_status is None:
        return check(
            "network-rules",
            WARNING,
            f"The firewall denies by default ({count} IP rule(s)); whether the bot gets in could "
            "not be tested.",
            None,
            "client-ip-not-allowed",
        )
    return check(
        "network-rules",
        OK,
        f"The firewall denies by default ({count} IP rule(s)) and lets the bot in.",
    )


def _cmk(props: dict[str, Any], body: dict[str, Any]) -> Check:
    vault = (props.get("encryption") or {}).get("keyVaultProperties")
    if not isinstance(vault, dict):
        return check("encryption-identity", OK, "No customer-managed key; nothing to check.")
    wanted = str(vault.get("identity") or "")
    identity = body.get("identity") or {}
    if wanted.lower() == "system" or not wanted:
        ok = bool(identity.get("principalId"))
    else:
        assigned = identity.get("userAssignedIdentities") or {}
        ok = any(
            str(v.get("clientId", "")).lower() == wanted.lower()
            for v in assigned.values()
            if isinstance(v, dict)
        )
    if ok:
        return check(
            "encryption-identity", OK, "The identity used for the customer-managed key exists."
        )
    return check(
        "encryption-identity",
        ERROR,
        "The identity configured for the customer-managed key no longer exists on the registry.",
        "CMK_ERROR",
    )


def _finish_chain(result: _Chain, timeout: float) -> list[Check]:
    done = {c.name for c in result.checks}
    pending = [name for name in CHAIN if name not in done]
    out = list(result.checks)
    if pending:
        out.append(
            check(
                pending[0],
                ERROR,
                f"No answer within {timeout:g} s: the network to the registry hangs.",
                "CONNECTIVITY_CHALLENGE_ERROR",
                "login-server-unreachable",
            )
        )
        out += [
            check(name, SKIPPED, "Not run: an earlier step did not finish.") for name in pending[1:]
        ]
    return out


def _json_field(response: HttpResponse, name: str) -> str | None:
    try:
        value = response.json().get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def _acr_code(response: HttpResponse) -> str:
    code, _ = data_plane_code(response)
    return f", {code}" if code else ""


def _failure(exc: BaseException) -> str:
    if isinstance(exc, BotError):
        return exc.user_message
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "the certificate is not trusted."
    if "timed out" in text.lower():
        return "timed out."
    return shorten(f"{type(exc).__name__}: {text}", 160)


__all__ = ["Check", "HealthChecker", "HealthReport"]
