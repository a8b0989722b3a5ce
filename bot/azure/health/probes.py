"""The probes of check-health: DNS, TLS, the /v2/ challenge, the token service, storage, replicas.

Each probe finds out one thing over the network (or from ARM) and reports it as a
:class:`Check`. Problems are worded by the catalogue in ``codes.py``; the probes only say which
problem it was and with which facts. The connectivity chain runs in order (TLS → challenge →
refresh token → access token) and records the status ``GET /v2/`` answered, which the
configuration rules read.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import time
from collections.abc import Callable
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
from bot.azure.health.codes import PROBLEMS, PULL_ROLE_HINT
from bot.azure.registries import Registries
from bot.azure.reports import ERROR, OK, Check, RegistryRef
from bot.azure.usage import fetch_usage
from bot.errors import AzureError, BotError
from bot.store import Store
from bot.words import say

Resolver = Callable[[str, int], list[str]]
DataClient = PipelineClient[HttpRequest, HttpResponse]

CHAIN = ("tls", "challenge", "refresh-token", "access-token")
# key="value" pairs of a WWW-Authenticate challenge; a key starts at a word's start, so a
# long run of word characters is scanned once (linear, whatever the header holds)
_PARAM = re.compile(r'(?<!\w)(\w+)="([^"]*)"')
CERT_WARN_DAYS = 14


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


def failure(exc: BaseException) -> str:
    """An exception as the end of a sentence, without a stack or a secret."""
    if isinstance(exc, BotError):
        return exc.user_message
    text = str(exc)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return say("health.untrusted")
    if "timed out" in text.lower():
        return say("health.timed-out")
    return shorten(f"{type(exc).__name__}: {text}", 160)


@dataclass
class ChainResult:
    """Results of the ordered connectivity steps, filled in as they finish."""

    checks: list[Check] = field(default_factory=list)
    v2_status: int | None = None

    def unfinished(self, timeout: float) -> list[Check]:
        """The steps so far, then the hanging step and the ones that never ran."""
        done = {c.name for c in self.checks}
        pending = [name for name in CHAIN if name not in done]
        out = list(self.checks)
        if pending:
            out.append(PROBLEMS["chain-hangs"].check(pending[0], timeout=timeout))
            out += [PROBLEMS["chain-not-run"].check(name) for name in pending[1:]]
        return out


class Probes:
    def __init__(
        self,
        arm: Arm,
        store: Store,
        registries: Registries,
        resolver: Resolver,
        timeout: float,
    ) -> None:
        self.arm = arm
        self.store = store
        self.registries = registries
        self.resolver = resolver
        self.timeout = timeout

    @property
    def suffix(self) -> str:
        return self.arm.settings.cloud["acr_suffix"]

    # --- DNS ------------------------------------------------------------------------------
    def dns(self, name: str, hosts: list[str], port: int) -> Check:
        found = []
        for host in hosts:
            try:
                addresses = self.resolver(host, port)
            except (OSError, UnicodeError) as exc:
                reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
                return PROBLEMS["dns-unresolved"].check(name, host=host, reason=reason)
            if not addresses:
                return PROBLEMS["dns-no-address"].check(name, host=host)
            found.append(f"{host} → {', '.join(addresses[:3])}")
        return Check(name, OK, "; ".join(found))  # names and addresses: no words to translate

    # --- the connectivity chain -----------------------------------------------------------
    def chain(
        self, login_server: str, result: ChainResult, offer_token: bool = True
    ) -> list[Check]:
        """TLS, challenge, refresh token, access token — each only if the previous passed.

        Without ``offer_token`` (ARM did not resolve the registry) the chain stops after the
        challenge: the bot's Entra token goes only to registries Azure says exist, never to
        whatever name someone typed.
        """
        host, port = split_host(login_server)
        tls = self.tls(host, port)
        result.checks.append(tls)
        if tls.status == ERROR:
            return result.checks
        client = self._data_client(login_server)
        try:
            challenge, params = self._challenge(client, login_server, result)
            result.checks.append(challenge)
            if params is None:
                return result.checks
            if not offer_token:
                not_offered = PROBLEMS["token-not-offered"]
                result.checks += [not_offered.check(step) for step in CHAIN[2:]]
                return result.checks
            refresh, token = self._exchange(client, login_server, params)
            result.checks.append(refresh)
            if token is None:
                return result.checks
            result.checks.append(self._access(client, login_server, params, token))
            return result.checks
        finally:
            client.close()

    def tls(self, host: str, port: int) -> Check:
        context = ssl.create_default_context(cafile=ca_file())
        try:
            with (
                socket.create_connection((host, port), timeout=self.timeout) as raw,
                context.wrap_socket(raw, server_hostname=host) as tls,
            ):
                version = tls.version() or "TLS"
                cert = tls.getpeercert() or {}
        except ssl.SSLCertVerificationError as exc:
            return PROBLEMS["tls-untrusted"].check("tls", host=host, reason=exc.verify_message)
        except ssl.SSLError as exc:
            return PROBLEMS["tls-handshake"].check("tls", host=host, reason=exc.reason or exc)
        except TimeoutError:
            return PROBLEMS["tls-connect-timeout"].check(
                "tls", host=host, port=port, timeout=self.timeout
            )
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            return PROBLEMS["tls-connect-failed"].check("tls", host=host, port=port, reason=reason)
        expires = cert.get("notAfter")
        facts = {"version": version, "host": host, "port": port}
        if isinstance(expires, str):
            days = round((ssl.cert_time_to_seconds(expires) - time.time()) / 86400)
            if days < CERT_WARN_DAYS:
                return PROBLEMS["tls-expiring"].check("tls", days=days, **facts)
            return Check("tls", OK, say("health.tls-ok-expires", days=days, **facts))
        return Check("tls", OK, say("health.tls-ok", **facts))

    def _data_client(self, login_server: str) -> DataClient:
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
        self, client: DataClient, login_server: str, result: ChainResult
    ) -> tuple[Check, dict[str, str] | None]:
        try:
            response = client.send_request(HttpRequest("GET", f"https://{login_server}/v2/"))
        except SdkAzureError as exc:
            return PROBLEMS["challenge-failed"].check("challenge", reason=failure(exc)), None
        result.v2_status = response.status_code
        if response.status_code == 403:
            problem = PROBLEMS["challenge-forbidden"]
            return problem.check("challenge", acr_code=_acr_code(response)), None
        if response.status_code == 429:
            return PROBLEMS["challenge-throttled"].check("challenge"), None
        header = response.headers.get("WWW-Authenticate", "")
        if response.status_code != 401 or not header:
            problem = PROBLEMS["challenge-missing"]
            return problem.check("challenge", status=response.status_code), None
        params = dict(_PARAM.findall(header[:4096]))
        if (
            not header.lower().startswith("bearer ")
            or "realm" not in params
            or "service" not in params
        ):
            return PROBLEMS["challenge-not-bearer"].check("challenge"), None
        detail = say("health.challenge-ok", service=params["service"])
        return Check("challenge", OK, detail), params

    def _token_base(self, login_server: str, params: dict[str, str]) -> str:
        """The realm's origin when it is the registry itself; never a third host."""
        realm = params.get("realm", "")
        found = re.match(r"^(https://[^/]+)/", realm)
        if found and found.group(1).lower() == f"https://{login_server}".lower():
            return found.group(1)
        return f"https://{login_server}"

    def _exchange(
        self, client: DataClient, login_server: str, params: dict[str, str]
    ) -> tuple[Check, str | None]:
        audience = self.arm.settings.cloud["acr_audience"]
        try:
            entra = self.arm.credential.get_token(audience).token
        except Exception as exc:
            reason = failure(exc) if isinstance(exc, BotError) else _identity_reason(exc)
            return PROBLEMS["entra-token-failed"].check("refresh-token", reason=reason), None
        form = {"grant_type": "access_token", "service": params["service"], "access_token": entra}
        url = self._token_base(login_server, params) + "/oauth2/exchange"
        failed, token = self._token_post(client, url, form, step="refresh-token")
        if failed is not None:
            return failed, None
        return Check("refresh-token", OK, say("health.refresh-token-ok")), token

    def _access(
        self, client: DataClient, login_server: str, params: dict[str, str], refresh: str
    ) -> Check:
        form = {
            "grant_type": "refresh_token",
            "service": params["service"],
            "scope": "registry:catalog:*",
            "refresh_token": refresh,
        }
        url = self._token_base(login_server, params) + "/oauth2/token"
        failed, _ = self._token_post(client, url, form, step="access-token")
        if failed is not None:
            return failed
        return Check("access-token", OK, say("health.access-token-ok"))

    def _token_post(
        self, client: DataClient, url: str, form: dict[str, str], *, step: str
    ) -> tuple[Check | None, str | None]:
        """One step of the registry's token service: (a failed check, None) or (None, token)."""
        try:
            response = client.send_request(HttpRequest("POST", url, data=form))
        except SdkAzureError as exc:
            path = url[url.index("/oauth2/") :]
            problem = PROBLEMS[f"{step}-unreachable"]
            return problem.check(step, path=path, reason=failure(exc)), None
        if response.status_code == 429:
            return PROBLEMS["token-throttled"].check(step), None
        field_name = "refresh_token" if step == "refresh-token" else "access_token"
        token = _json_field(response, field_name) if response.status_code == 200 else None
        if token is not None:
            return None, token
        hint = PULL_ROLE_HINT if response.status_code in (401, 403) else ""
        problem = PROBLEMS[f"{step}-refused"]
        facts = {"status": response.status_code, "acr_code": _acr_code(response), "hint": hint}
        return problem.check(step, **facts), None

    # --- what ARM says --------------------------------------------------------------------
    def storage(self, ref: RegistryRef) -> Check:
        try:
            report = fetch_usage(self.arm, self.store, ref)
        except AzureError as exc:
            return PROBLEMS["storage-unreadable"].check("storage", message=exc.user_message)
        size = next((row for row in report.usages if row.name.lower() == "size"), None)
        if size is None or size.percent is None:
            return PROBLEMS["storage-no-limit"].check("storage")
        if size.percent >= 100:
            return PROBLEMS["storage-full"].check("storage", percent=size.percent)
        if size.warning:
            return PROBLEMS["storage-nearly-full"].check("storage", percent=size.percent)
        return Check("storage", OK, say("health.storage-used", percent=size.percent))

    def replicas(self, ref: RegistryRef) -> Check:
        if ref.sku.lower() != "premium":
            return PROBLEMS["replicas-need-premium"].check("replicas", sku=ref.sku)
        try:
            replicas = self.registries.replications(ref)
        except AzureError as exc:
            return PROBLEMS["replicas-unreadable"].check("replicas", message=exc.user_message)
        if not replicas:
            return Check("replicas", OK, say("health.replicas-none"))
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
            if props.get("regionEndpointEnabled") and ref.login_server.endswith("." + self.suffix):
                hosts.append(f"{ref.name.lower()}.{replica.get('location')}.geo.{self.suffix}")
        if bad:
            return PROBLEMS["replicas-not-ready"].check("replicas", replicas="; ".join(bad))
        if hosts:
            dns = self.dns("replicas", hosts, 443)
            if dns.status != OK:
                return dns
        places = ", ".join(str(r.get("location")) for r in replicas)
        return Check("replicas", OK, say("health.replicas-ok", count=len(replicas), places=places))


def _identity_reason(exc: BaseException) -> str:
    """Why the identity gave no token, in its library's own words (shortened, scrubbed)."""
    return shorten(str(getattr(exc, "message", None) or type(exc).__name__), 200)


def _json_field(response: HttpResponse, name: str) -> str | None:
    try:
        value: Any = response.json().get(name)
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and value else None


def _acr_code(response: HttpResponse) -> str:
    code, _ = data_plane_code(response)
    return f", {code}" if code else ""
