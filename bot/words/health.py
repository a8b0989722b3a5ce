"""Catalogue rows: the lines of check-health — what each probe found and what each
configuration rule says. Keys follow the problem names of ``bot/azure/health/codes.py`` and
the rule names of ``rules.py``. Reasons from the network (OpenSSL, DNS) stay as they came.
"""

from __future__ import annotations

_DAYS_RU = "{days} {days:день|дня|дней}"

ROWS: dict[str, tuple[str, str]] = {
    # --- Azure Resource Manager ---------------------------------------------------------------
    "health.arm-found": (
        "Found {sku} registry {name} in {location}, resource group {group}.",
        "Найден реестр {name} ({sku}) в регионе {location}, группа ресурсов {group}.",
    ),
    "health.arm-found-anywhere": (
        "Found {sku} registry {name}, resource group {group}.",
        "Найден реестр {name} ({sku}), группа ресурсов {group}.",
    ),
    "health.arm-timeout": (
        "Azure Resource Manager did not answer within {timeout:g} s; the login server was "
        "guessed from the name.",
        "Azure Resource Manager не ответил за {timeout:g} с; адрес входа угадан по имени.",
    ),
    "health.arm-guessed": (
        "{message} The login server was guessed from the name.",
        "{message} Адрес входа угадан по имени.",
    ),
    # --- the stages ---------------------------------------------------------------------------
    "health.probe-crashed": ("{reason}", "{reason}"),
    "health.probe-timeout": ("No answer within {timeout:g} s.", "Нет ответа за {timeout:g} с."),
    "health.chain-hangs": (
        "No answer within {timeout:g} s: the network to the registry hangs.",
        "Нет ответа за {timeout:g} с: сеть до реестра зависает.",
    ),
    "health.chain-not-run": (
        "Not run: an earlier step did not finish.",
        "Не выполнялось: предыдущий шаг не завершился.",
    ),
    "health.token-not-offered": (
        "Not run: Azure did not find this registry, and the bot offers its token only to "
        "registries Azure says exist.",
        "Не выполнялось: Azure не нашёл этот реестр, а бот предъявляет свой токен только "
        "реестрам, о существовании которых сообщает Azure.",
    ),
    "health.timed-out": ("timed out.", "истекло время ожидания."),
    "health.untrusted": ("the certificate is not trusted.", "сертификату нет доверия."),
    # --- DNS ----------------------------------------------------------------------------------
    "health.dns-unresolved": (
        "{host} does not resolve ({reason}).",
        "Имя {host} не разрешается ({reason}).",
    ),
    "health.dns-no-address": ("{host} has no address.", "У имени {host} нет адреса."),
    # --- TLS ----------------------------------------------------------------------------------
    "health.tls-ok": (
        "{version} to {host}:{port}, certificate trusted.",
        "{version} до {host}:{port}, сертификату доверяем.",
    ),
    "health.tls-ok-expires": (
        "{version} to {host}:{port}, certificate trusted, expires in {days} days.",
        "{version} до {host}:{port}, сертификату доверяем, истекает через " + _DAYS_RU + ".",
    ),
    "health.tls-expiring": (
        "{version} to {host}:{port}, certificate trusted, expires in {days} days.",
        "{version} до {host}:{port}, сертификату доверяем, но он истекает через " + _DAYS_RU + ".",
    ),
    "health.tls-untrusted": (
        "The certificate of {host} is not trusted ({reason}). An intercepting proxy is the "
        "usual cause.",
        "Сертификату {host} нет доверия ({reason}). Обычно виноват прокси, который вскрывает TLS.",
    ),
    "health.tls-handshake": (
        "TLS handshake with {host} failed ({reason}).",
        "TLS-рукопожатие с {host} не удалось ({reason}).",
    ),
    "health.tls-connect-timeout": (
        "{host}:{port} did not accept a connection within {timeout:g} s.",
        "{host}:{port} не принял соединение за {timeout:g} с.",
    ),
    "health.tls-connect-failed": (
        "Could not connect to {host}:{port} ({reason}).",
        "Не удалось подключиться к {host}:{port} ({reason}).",
    ),
    # --- the /v2/ challenge -------------------------------------------------------------------
    "health.challenge-ok": (
        "GET /v2/ answered 401 with a Bearer challenge (service {service}).",
        "GET /v2/ ответил 401 с запросом Bearer (service {service}).",
    ),
    "health.challenge-failed": ("GET /v2/ failed: {reason}", "GET /v2/ не удался: {reason}"),
    "health.challenge-forbidden": (
        "The registry refused the bot's address (403{acr_code}): its firewall or disabled "
        "public access blocks the bot.",
        "Реестр не пустил бота по адресу (403{acr_code}): его блокирует брандмауэр реестра "
        "или отключённый публичный доступ.",
    ),
    "health.challenge-throttled": (
        "The registry throttled the bot (429).",
        "Реестр ограничил частоту запросов бота (429).",
    ),
    "health.challenge-missing": (
        "GET /v2/ answered {status} without an authentication challenge.",
        "GET /v2/ ответил {status} без запроса аутентификации (challenge).",
    ),
    "health.challenge-not-bearer": (
        "The challenge is not a Bearer challenge with realm and service, so Entra sign-in "
        "cannot be used.",
        "Запрос аутентификации — не Bearer с realm и service, поэтому войти через Entra нельзя.",
    ),
    # --- the token service --------------------------------------------------------------------
    "health.entra-token-failed": (
        "The bot could not get an Entra token for its identity: {reason}",
        "Бот не смог получить токен Entra для своего удостоверения: {reason}",
    ),
    "health.token-unreachable": ("POST {path} failed: {reason}", "POST {path} не удался: {reason}"),
    "health.token-throttled": (
        "The registry's token service throttled the bot (429).",
        "Служба токенов реестра ограничила частоту запросов бота (429).",
    ),
    "health.refresh-token-refused": (
        "The registry refused the bot's Entra token (HTTP {status}{acr_code}).{hint}",
        "Реестр отверг токен Entra бота (HTTP {status}{acr_code}).{hint}",
    ),
    "health.pull-role-hint": (
        " The bot's identity needs a pull role (AcrPull, or Repository Reader on ABAC registries).",
        " Удостоверению бота нужна роль на pull (AcrPull или Repository Reader для реестров "
        "в режиме ABAC).",
    ),
    "health.access-token-refused": (
        "The registry did not issue an access token (HTTP {status}{acr_code}).",
        "Реестр не выдал токен доступа (HTTP {status}{acr_code}).",
    ),
    "health.refresh-token-ok": (
        "The bot's Entra token was exchanged for a registry refresh token.",
        "Токен Entra бота обменян на refresh-токен реестра.",
    ),
    "health.access-token-ok": (
        "The registry issued an access token (scope registry:catalog:*).",
        "Реестр выдал токен доступа (scope registry:catalog:*).",
    ),
    # --- storage and replicas -----------------------------------------------------------------
    "health.storage-used": (
        "{percent:g}% of the included storage used.",
        "Занято {percent:g}% включённого в тариф хранилища.",
    ),
    "health.storage-unreadable": (
        "Usage could not be read: {message}",
        "Не удалось прочитать использование: {message}",
    ),
    "health.storage-no-limit": (
        "Azure reported no storage limit.",
        "Azure не сообщил лимит хранилища.",
    ),
    "health.replicas-need-premium": (
        "Geo-replication needs the Premium tier; this registry is {sku}.",
        "Для георепликации нужен уровень Premium, а у этого реестра — {sku}.",
    ),
    "health.replicas-unreadable": (
        "Replications could not be read: {message}",
        "Не удалось прочитать реплики: {message}",
    ),
    "health.replicas-not-ready": (
        "Replicas not ready: {replicas}",
        "Реплики не готовы: {replicas}",
    ),
    "health.replicas-none": ("No replications.", "Реплик нет."),
    "health.replicas-ok": (
        "{count} replica(s) ready: {places}.",
        "Все реплики готовы ({count}): {places}.",
    ),
    # --- configuration rules ------------------------------------------------------------------
    "rule.provisioning.ok": (
        "Provisioning state is Succeeded.",
        "Состояние подготовки: Succeeded.",
    ),
    "rule.provisioning.failed": (
        "Provisioning state is {state}: the last change to the registry did not complete.",
        "Состояние подготовки: {state} — последнее изменение реестра не завершилось.",
    ),
    "rule.provisioning.busy": (
        "Provisioning state is {state}: a change is in progress.",
        "Состояние подготовки: {state} — идёт изменение.",
    ),
    "rule.public.on": ("Public network access is enabled.", "Доступ из публичной сети включён."),
    "rule.public.private": (
        "Public access is disabled; the bot reaches the registry through a private endpoint.",
        "Публичный доступ отключён; бот обращается к реестру через частную конечную точку.",
    ),
    "rule.public.off": (
        "Public access is disabled: only clients on a private endpoint can reach the registry.",
        "Публичный доступ отключён: до реестра доберутся только клиенты за частной конечной "
        "точкой.",
    ),
    "rule.network.allow": (
        "The firewall allows all networks (default action Allow).",
        "Брандмауэр пропускает все сети (действие по умолчанию Allow).",
    ),
    "rule.network.blocked": (
        "The firewall denies by default and the bot's egress address is not among its "
        "{ip_rules} IP rule(s).",
        "Брандмауэр по умолчанию запрещает доступ, и исходящего адреса бота нет среди его "
        "правил IP (правил: {ip_rules}).",
    ),
    "rule.network.untested": (
        "The firewall denies by default ({ip_rules} IP rule(s)); whether the bot gets in could "
        "not be tested.",
        "Брандмауэр по умолчанию запрещает доступ (правил IP: {ip_rules}); пускает ли он бота, "
        "проверить не удалось.",
    ),
    "rule.network.lets_in": (
        "The firewall denies by default ({ip_rules} IP rule(s)) and lets the bot in.",
        "Брандмауэр по умолчанию запрещает доступ (правил IP: {ip_rules}), но бота пускает.",
    ),
    "rule.admin.on": (
        "The admin user is enabled: a shared password anyone with it can use. Prefer Entra "
        "identities and turn it off.",
        "Включён пользователь-администратор: это общий пароль, которым может воспользоваться "
        "любой, кто его знает. Лучше перейти на удостоверения Entra и отключить его.",
    ),
    "rule.admin.off": ("The admin user is disabled.", "Пользователь-администратор отключён."),
    "rule.anonymous.on": (
        "Anonymous pull is enabled: anyone who can reach the registry can pull its images.",
        "Анонимный pull включён: скачать образы может любой, кто достучится до реестра.",
    ),
    "rule.anonymous.off": ("Anonymous pull is disabled.", "Анонимный pull отключён."),
    "rule.retention.on": (
        "Untagged manifests are deleted after {retention_days} days.",
        "Манифесты без тегов удаляются через {retention_days} {retention_days:день|дня|дней}.",
    ),
    "rule.retention.off": (
        "Retention is off: untagged manifests are kept until deleted.",
        "Политика хранения отключена: манифесты без тегов лежат, пока их не удалят.",
    ),
    "rule.soft-delete.unknown": (
        "Azure did not report a soft-delete policy for this registry.",
        "Azure не сообщил политику обратимого удаления (soft delete) для этого реестра.",
    ),
    "rule.soft-delete.on": (
        "Deleted artifacts are kept for {soft_delete_days} days and can be restored.",
        "Удалённые артефакты хранятся {soft_delete_days} "
        "{soft_delete_days:день|дня|дней}, их можно восстановить.",
    ),
    "rule.soft-delete.off": (
        "Soft delete is off: deleted artifacts cannot be restored.",
        "Обратимое удаление (soft delete) отключено: удалённые артефакты не восстановить.",
    ),
    "rule.cmk.none": (
        "No customer-managed key; nothing to check.",
        "Ключ, управляемый клиентом, не используется; проверять нечего.",
    ),
    "rule.cmk.ok": (
        "The identity used for the customer-managed key exists.",
        "Удостоверение для ключа, управляемого клиентом, на месте.",
    ),
    "rule.cmk.missing": (
        "The identity configured for the customer-managed key no longer exists on the registry.",
        "Удостоверения, указанного для ключа, управляемого клиентом, в реестре больше нет.",
    ),
}
