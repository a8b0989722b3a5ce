"""The catalogue of what a registry's data plane can answer instead of data: status and ACR code
→ a sentence in each language → the knowledge topic that explains it.

Kept apart from the operations that meet these answers (``images.py``, ``untagged.py``), as
check-health keeps ``codes.py`` apart from its probes. The data plane answers errors as
``{"errors": [{"code", "message"}]}``, which the SDK does not read: the code is taken from the
body here. Sentences name what the bot was doing, the status and code, what to do, and end with
the topic (`/acr faq <topic>`); never a token, a header or a stack trace.
"""

from __future__ import annotations

import contextlib
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import (
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
    ServiceRequestTimeoutError,
    ServiceResponseError,
    ServiceResponseTimeoutError,
)
from azure.identity import CredentialUnavailableError

from bot.azure.arm_errors import causes, data_plane_code, later, shorten
from bot.errors import AzureError
from bot.mrkdwn import quote
from bot.words import localise

Text = Mapping[str, str]

# What the bot was doing, for "… while it tried to {what}".
ACTIONS: dict[str, Text] = {
    "read": {
        "en": "read `{repository}`",
        "ru": "прочитать `{repository}`",
    },
    "list": {
        "en": "list the repositories",
        "ru": "получить список репозиториев",
    },
    "count": {
        "en": "list the manifests of `{repository}`",
        "ru": "получить список манифестов `{repository}`",
    },
}


@dataclass(frozen=True)
class Refusal:
    """One kind of answer the data plane gives instead of data."""

    kind: str  # the AzureError kind
    topic: str
    sentence: Text  # str.format templates: registry, what, status, code, host, timeout, detail

    def error(self, lang: str, **facts: Any) -> AzureError:
        template = self.sentence.get(lang) or self.sentence["en"]
        see = {"en": "See `/acr faq {topic}`.", "ru": "Подробнее: `/acr faq {topic}`."}
        text = f"{template.format(**facts)} {see.get(lang, see['en']).format(topic=self.topic)}"
        status = facts.get("status") if isinstance(facts.get("status"), int) else None
        return AzureError(text, kind=self.kind, status=status, code=facts.get("acr_code"))


REFUSALS: dict[str, Refusal] = {
    "entra-refused": Refusal(
        "auth",
        "aad-token-scope",
        {
            "en": "Registry `{registry}` did not accept the bot's Entra token while it tried to "
            "{what} (HTTP {status}{code}). The token's audience must be accepted by the "
            "registry: check that Entra authentication is allowed on it and that "
            "ACRBOT_AZURE_CLOUD names its cloud.",
            "ru": "Реестр `{registry}` не принял Entra-токен бота при попытке {what} "
            "(HTTP {status}{code}). Реестр должен принимать аудиторию токена: проверьте, что "
            "вход через Entra на нём разрешён и что ACRBOT_AZURE_CLOUD указывает его облако.",
        },
    ),
    "unauthorized": Refusal(
        "forbidden",
        "login-denied",
        {
            "en": "Registry `{registry}` refused the bot's identity while it tried to {what} "
            "(HTTP {status}{code}). The identity needs a pull role on the registry: AcrPull, or "
            "Container Registry Repository Reader when the registry uses ABAC repository "
            "permissions; new role assignments can take a few minutes to apply.",
            "ru": "Реестр `{registry}` отказал удостоверению бота при попытке {what} "
            "(HTTP {status}{code}). Удостоверению нужна роль на чтение образов: AcrPull, а если "
            "в реестре включены ABAC-разрешения на репозитории — Container Registry Repository "
            "Reader; новые назначения ролей вступают в силу через несколько минут.",
        },
    ),
    "network-denied": Refusal(
        "forbidden",
        "client-ip-not-allowed",
        {
            "en": "Registry `{registry}` does not let the bot in from its network "
            "(HTTP {status}{code}): the registry's firewall or disabled public access blocks "
            "the bot's address.",
            "ru": "Реестр `{registry}` не пускает бота из его сети (HTTP {status}{code}): "
            "адрес бота блокирует брандмауэр реестра или отключённый публичный доступ.",
        },
    ),
    "denied": Refusal(
        "forbidden",
        "abac-role-mismatch",
        {
            "en": "Registry `{registry}` denied the bot's identity while it tried to {what} "
            "(HTTP {status}{code}). On a registry with ABAC repository permissions the "
            "identity needs Container Registry Repository Reader on the repository (and "
            "Repository Catalog Lister to list repositories).",
            "ru": "Реестр `{registry}` запретил удостоверению бота {what} (HTTP {status}{code}). "
            "Если в реестре включены ABAC-разрешения на репозитории, удостоверению нужна роль "
            "Container Registry Repository Reader на репозиторий (и Repository Catalog Lister "
            "для списка репозиториев).",
        },
    ),
    "quarantined": Refusal(
        "forbidden",
        "image-quarantine",
        {
            "en": "Registry `{registry}` holds the image in quarantine (HTTP {status}{code}): "
            "it cannot be pulled until a scanner marks it as passed.",
            "ru": "Реестр `{registry}` держит образ на карантине (HTTP {status}{code}): скачать "
            "его нельзя, пока сканер не отметит его как проверенный.",
        },
    ),
    "not-found": Refusal(
        "not_found",
        "manifest-unknown",
        {
            "en": "Registry `{registry}` answered HTTP 404{code} while the bot tried to {what}: "
            "it was deleted meanwhile, or the identity may not see it.",
            "ru": "Реестр `{registry}` ответил HTTP 404{code} при попытке {what}: его удалили "
            "за это время, или удостоверению бота он не виден.",
        },
    ),
    "throttled": Refusal(
        "throttled",
        "too-many-requests",
        {
            "en": "Registry `{registry}` is throttling the bot (HTTP 429{code}) while it tries "
            "to {what}. {later}",
            "ru": "Реестр `{registry}` ограничивает частоту запросов бота (HTTP 429{code}) при "
            "попытке {what}. {later}",
        },
    ),
    "server": Refusal(
        "server",
        "registry-service-error",
        {
            "en": "Registry `{registry}` had an internal error (HTTP {status}{code}) while the "
            "bot tried to {what}. This is on Azure's side; try again in a few minutes.",
            "ru": "У реестра `{registry}` внутренняя ошибка (HTTP {status}{code}) при попытке "
            "{what}. Это на стороне Azure; повторите через несколько минут.",
        },
    ),
    "other": Refusal(
        "unknown",
        "registry-service-error",
        {
            "en": "Registry `{registry}` answered HTTP {status}{code} while the bot tried to "
            "{what}.",
            "ru": "Реестр `{registry}` ответил HTTP {status}{code} при попытке {what}.",
        },
    ),
    "bad-answer": Refusal(
        "server",
        "registry-service-error",
        {
            "en": "Registry `{registry}` sent an answer the bot could not use while it tried "
            "to {what} ({detail}).",
            "ru": "Реестр `{registry}` прислал ответ, который бот не смог разобрать, при "
            "попытке {what} ({detail}).",
        },
    ),
    "timeout": Refusal(
        "timeout",
        "login-server-unreachable",
        {
            "en": "`{host}` did not answer in time (ACRBOT_AZURE_TIMEOUT = {timeout:g} s) while "
            "the bot tried to {what}. Check the bot's outbound network to the registry.",
            "ru": "`{host}` не ответил вовремя (ACRBOT_AZURE_TIMEOUT = {timeout:g} с) при "
            "попытке {what}. Проверьте исходящую сеть бота до реестра.",
        },
    ),
    "dns": Refusal(
        "network",
        "dns-no-such-host",
        {
            "en": "The bot could not resolve `{host}` while it tried to {what}. With a private "
            "endpoint the name must resolve inside the bot's network.",
            "ru": "Бот не смог разрешить имя `{host}` при попытке {what}. С частной конечной "
            "точкой имя должно разрешаться внутри сети бота.",
        },
    ),
    "tls": Refusal(
        "tls",
        "x509-unknown-authority",
        {
            "en": "The certificate of `{host}` was not trusted while the bot tried to {what}. "
            "An intercepting proxy is the usual cause: give the bot its CA "
            "(REQUESTS_CA_BUNDLE).",
            "ru": "Сертификат `{host}` не прошёл проверку при попытке {what}. Обычная причина "
            "— прокси с инспекцией TLS: передайте боту его CA (REQUESTS_CA_BUNDLE).",
        },
    ),
    "unreachable": Refusal(
        "network",
        "login-server-unreachable",
        {
            "en": "The bot could not connect to `{host}` while it tried to {what} "
            "({detail}). Check the bot's outbound access to the registry on port 443.",
            "ru": "Бот не смог подключиться к `{host}` при попытке {what} ({detail}). "
            "Проверьте исходящий доступ бота к реестру по порту 443.",
        },
    ),
    "no-repository": Refusal(
        "not_found",
        "manifest-unknown",
        {
            "en": "Repository `{repository}` does not exist in registry `{registry}` (or the "
            "bot's identity cannot see it).",
            "ru": "Репозитория `{repository}` нет в реестре `{registry}` (или удостоверение "
            "бота его не видит).",
        },
    ),
    "no-token": Refusal(
        "auth",
        "aad-token-scope",
        {
            "en": "The bot could not get an Entra token for registry `{registry}` ({detail}).",
            "ru": "Бот не смог получить Entra-токен для реестра `{registry}` ({detail}).",
        },
    ),
}


def no_repository(target: DataTarget, lang: str) -> AzureError:
    """A repository named by the user that the registry does not have."""
    facts = {"registry": target.registry, "repository": quote(target.repository), "status": 404}
    return REFUSALS["no-repository"].error(lang, **facts)


@dataclass(frozen=True)
class DataTarget:
    """What a data-plane call was about, for the sentence."""

    registry: str
    host: str
    action: str = "read"  # a key of ACTIONS
    repository: str = ""
    timeout: float = 0.0

    def what(self, lang: str) -> str:
        action = ACTIONS[self.action]
        # the repository may be what someone typed (untagged's argument): only ever text
        return (action.get(lang) or action["en"]).format(repository=quote(self.repository))


def translate(exc: BaseException, target: DataTarget, lang: str) -> AzureError:
    """The AzureError a person reads for ``exc`` met while doing ``target``, in ``lang``."""
    if isinstance(exc, AzureError):
        return exc
    facts: dict[str, Any] = {
        "registry": target.registry,
        "host": target.host,
        "what": target.what(lang),
        "timeout": target.timeout,
        "code": "",
        "acr_code": None,
        "status": None,
        "detail": "",
        "later": "",
    }
    name, extra = _classify(exc)
    if name == "throttled" and isinstance(exc, HttpResponseError):
        facts["later"] = localise(later(exc), lang)  # a long Retry-After is passed on
    facts.update(extra)
    if facts["acr_code"]:
        facts["code"] = f", {facts['acr_code']}"
    return REFUSALS[name].error(lang, **facts)


def _classify(exc: BaseException) -> tuple[str, dict[str, Any]]:
    """Which refusal ``exc`` is, and the facts it carries."""
    if isinstance(exc, CredentialUnavailableError) or (
        isinstance(exc, ClientAuthenticationError) and exc.status_code is None
    ):
        return "no-token", {"detail": shorten(getattr(exc, "message", None) or str(exc), 200)}
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        return _from_status(exc)
    if isinstance(exc, (ServiceRequestTimeoutError, ServiceResponseTimeoutError, TimeoutError)):
        return "timeout", {}
    if isinstance(exc, (ServiceRequestError, ServiceResponseError, OSError)):
        return _from_network(exc)
    if isinstance(exc, (ValueError, json.JSONDecodeError)):
        return "bad-answer", {"detail": shorten(str(exc), 160)}
    return "other", {"status": "?", "detail": type(exc).__name__}


def acr_error(exc: HttpResponseError) -> tuple[str | None, str | None]:
    """The ACR code and message of an error answer (a streamed answer is read first)."""
    response = exc.response
    if response is None:
        return None, None
    read = getattr(response, "read", None)
    if callable(read):
        with contextlib.suppress(Exception):  # already read, or the connection is gone
            read()
    try:
        return data_plane_code(response)
    except Exception:  # an answer with no readable body has no code
        return None, None


def _from_status(exc: HttpResponseError) -> tuple[str, dict[str, Any]]:
    status = int(exc.status_code or 0)
    code, message = acr_error(exc)
    facts: dict[str, Any] = {"status": status, "acr_code": code}
    path = _path(exc)
    if status == 401:
        return ("entra-refused" if path.endswith("/oauth2/exchange") else "unauthorized"), facts
    if code == "IMAGE_QUARANTINED":
        return "quarantined", facts
    if status == 403:
        text = (message or "").lower()
        if "client with ip" in text or "not allowed access" in text or "public network" in text:
            return "network-denied", facts
        return "denied", facts
    if status == 404:
        return "not-found", facts
    if status == 429:
        return "throttled", facts
    if status >= 500:
        return "server", facts
    return "other", facts


def _path(exc: HttpResponseError) -> str:
    request = getattr(exc.response, "request", None)
    url = str(getattr(request, "url", "") or "")
    return url.split("?", 1)[0]


def _from_network(exc: BaseException) -> tuple[str, dict[str, Any]]:
    chain = causes(exc)
    if any(isinstance(e, socket.gaierror) or "Name or service not known" in str(e) for e in chain):
        return "dns", {}
    if any("CERTIFICATE_VERIFY_FAILED" in str(e) or "SSLError" in type(e).__name__ for e in chain):
        return "tls", {}
    if any("timed out" in str(e).lower() or isinstance(e, TimeoutError) for e in chain):
        return "timeout", {}
    refused = any(isinstance(e, ConnectionRefusedError) or "refused" in str(e) for e in chain)
    return "unreachable", {"detail": "connection refused" if refused else type(exc).__name__}
