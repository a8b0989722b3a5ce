"""Catalogue rows: what goes wrong on the way to Azure — bad arguments, access refusals,
Azure's errors, the bot's identity, confirmations.

Sentences that carry Azure's own words take them as a fact (``{said}``, ``{detail}``) and
show them verbatim in every language.
"""

from __future__ import annotations

ROWS: dict[str, tuple[str, str]] = {
    # --- arguments ----------------------------------------------------------------------------
    "bad_registry": (
        "`{shown}` is not a registry name. A registry name has 5 to 50 letters and digits (no "
        "dashes or dots); you can also give its login server (myregistry.azurecr.io) or its "
        "resource id.",
        "`{shown}` — не имя реестра. Имя реестра — от 5 до 50 латинских букв и цифр (без "
        "дефисов и точек); можно указать и адрес входа (myregistry.azurecr.io) или "
        "идентификатор ресурса.",
    ),
    "bad_image": (
        "`{shown}` is not an image. Give it as {forms}.",
        "`{shown}` — не образ. Укажите его в виде {forms}.",
    ),
    "bad_digest": (
        "`{reference}` is not a digest: a digest is `sha256:` and 64 hex digits.",
        "`{reference}` — не дайджест: дайджест — это `sha256:` и 64 шестнадцатеричные цифры.",
    ),
    "bad_tag": (
        "`{reference}` is not a tag: up to 128 letters, digits, `_`, `.` and `-`, not starting "
        "with `.` or `-`.",
        "`{reference}` — не тег: до 128 букв, цифр, `_`, `.` и `-`, и не с `.` или `-` в начале.",
    ),
    "repository_case": (
        "Repository names are lowercase: `{repository}` cannot exist. Try `{lower}`.",
        "Имена репозиториев пишутся строчными буквами: `{repository}` существовать не может. "
        "Попробуйте `{lower}`.",
    ),
    "bad_repository": (
        "`{repository}` is not a repository name: lowercase letters and digits, separated by "
        "`.`, `_`, `-` or `/`.",
        "`{repository}` — не имя репозитория: строчные латинские буквы и цифры, разделённые "
        "`.`, `_`, `-` или `/`.",
    ),
    "bad_task": (
        "`{task}` is not a task name: use 1 to 50 letters, digits, dashes or underscores.",
        "`{task}` — не имя задачи: допустимы от 1 до 50 букв, цифр, дефисов и подчёркиваний.",
    ),
    # --- access -------------------------------------------------------------------------------
    "access.channels": (
        "`/acr {command}` can only be used in {places}.",
        "`/acr {command}` работает только в {places}.",
    ),
    "access.registry": (
        "The bot is not set up to work on registry `{registry}`. It may be used on: {allowed}.",
        "Бот не настроен на работу с реестром `{registry}`. Разрешённые реестры: {allowed}.",
    ),
    "access.admins": (
        "`/acr {command}` is limited to the people and groups named in the bot's admin list "
        "(ACRBOT_ADMINS / ACRBOT_ADMIN_GROUPS). Ask one of them, or ask the bot's owners to add "
        "you. This refusal was recorded.",
        "`/acr {command}` доступна только людям и группам из списка администраторов бота "
        "(ACRBOT_ADMINS / ACRBOT_ADMIN_GROUPS). Попросите кого-то из них или попросите "
        "владельцев бота добавить вас. Отказ записан в журнал.",
    ),
    # --- what the bot was doing when Azure failed (completes "while trying to …") -------------
    "do.usage": (
        "read the usage of registry `{registry}`",
        "прочитать использование реестра `{registry}`",
    ),
    "do.runs": (
        "list the task runs of registry `{registry}`",
        "получить список запусков задач реестра `{registry}`",
    ),
    "do.cancel_run": (
        "cancel run {run} of registry `{registry}`",
        "отменить запуск {run} в реестре `{registry}`",
    ),
    "do.cancel_some_run": (
        "cancel a run of registry `{registry}`",
        "отменить запуск в реестре `{registry}`",
    ),
    "do.read_run": (
        "read run {run} of registry `{registry}`",
        "прочитать запуск {run} реестра `{registry}`",
    ),
    "do.read_registry": ("read registry `{registry}`", "прочитать реестр `{registry}`"),
    "do.replications": (
        "list the replications of registry `{registry}`",
        "получить список реплик реестра `{registry}`",
    ),
    "do.registries": (
        "list the registries in subscription {subscription}",
        "получить список реестров в подписке {subscription}",
    ),
    "do.subscriptions": (
        "list the subscriptions it can read",
        "получить список доступных ему подписок",
    ),
    "scope.registry": ("registry {registry}", "реестр {registry}"),
    "scope.subscription": ("the subscription", "подписку"),
    "role.cancel": (
        "Contributor (or a custom role with "
        "Microsoft.ContainerRegistry/registries/runs/cancel/action)",
        "Contributor (или пользовательскую роль с "
        "Microsoft.ContainerRegistry/registries/runs/cancel/action)",
    ),
    # --- Azure's answers ----------------------------------------------------------------------
    "azure.said": (" (Azure said: {code}: {detail})", " (ответ Azure: {code}: {detail})"),
    "azure.no_token": (
        "The bot could not get an Azure token for its identity. Check ACRBOT_CREDENTIAL and "
        "that a managed identity (or workload identity) is assigned to where the bot runs. "
        "Detail: {detail}",
        "Бот не смог получить токен Azure для своего удостоверения. Проверьте ACRBOT_CREDENTIAL "
        "и что там, где работает бот, назначено управляемое удостоверение (или workload "
        "identity). Подробности: {detail}",
    ),
    "azure.timeout": (
        "Azure did not answer in time while trying to {what}. Try again in a minute; if it "
        "keeps happening, check the bot's outbound network (proxy, firewall).",
        "Azure не ответил вовремя на попытку {what}. Попробуйте через минуту; если это "
        "повторяется, проверьте исходящую сеть бота (прокси, брандмауэр).",
    ),
    "azure.timeout_short": (
        "Azure did not answer in time while trying to {what}. Try again in a minute.",
        "Azure не ответил вовремя на попытку {what}. Попробуйте через минуту.",
    ),
    "azure.tls": (
        "A TLS connection to Azure failed while trying to {what}: the certificate was not "
        "trusted. An intercepting proxy is the usual cause; give the bot its CA "
        "(REQUESTS_CA_BUNDLE) or exempt Azure endpoints from inspection.",
        "Не удалось установить TLS-соединение с Azure при попытке {what}: сертификату нет "
        "доверия. Обычно так бывает за прокси, который вскрывает TLS; дайте боту его корневой "
        "сертификат (REQUESTS_CA_BUNDLE) или исключите адреса Azure из проверки.",
    ),
    "azure.network": (
        "The bot could not reach Azure while trying to {what} (network error). Check its "
        "outbound access to the Azure Resource Manager endpoint.",
        "Бот не смог связаться с Azure при попытке {what} (ошибка сети). Проверьте его "
        "исходящий доступ к Azure Resource Manager.",
    ),
    "azure.unreadable": (
        "Azure sent an answer the bot could not read while trying to {what}.",
        "Azure прислал ответ, который бот не смог разобрать, при попытке {what}.",
    ),
    "azure.unexpected": (
        "Something unexpected went wrong while trying to {what}.",
        "Что-то пошло не так при попытке {what}.",
    ),
    "azure.forbidden": (
        "The bot's identity is not allowed to {what}. Give it the {role} role on `{scope}` "
        "(or a scope above it), then try again; new role assignments can take a few minutes "
        "to apply.{said}",
        "Удостоверению бота не разрешено {what}. Назначьте ему роль {role} на `{scope}` (или "
        "на области выше) и повторите; новые назначения ролей начинают действовать через "
        "несколько минут.{said}",
    ),
    "azure.token_refused": (
        "Azure refused the bot's token while trying to {what}. The identity's token is for "
        "another cloud or tenant, or has expired.{said}",
        "Azure отверг токен бота при попытке {what}: токен выдан для другого облака или "
        "клиента (tenant) либо истёк.{said}",
    ),
    "azure.registry_missing": (
        "Registry `{registry}` does not exist or the bot's identity cannot see it. Check the "
        "name; if it is right, give the identity Reader on the registry or its resource group."
        "{said}",
        "Реестр `{registry}` не существует, или удостоверение бота его не видит. Проверьте "
        "имя; если оно верное, назначьте удостоверению роль Reader на реестр или его группу "
        "ресурсов.{said}",
    ),
    "azure.resource_missing": (
        "The resource does not exist or the bot's identity cannot see it. Check the name; if "
        "it is right, give the identity Reader on the registry or its resource group.{said}",
        "Ресурс не существует, или удостоверение бота его не видит. Проверьте имя; если оно "
        "верное, назначьте удостоверению роль Reader на реестр или его группу ресурсов.{said}",
    ),
    "azure.throttled": (
        "Azure is throttling requests (HTTP 429) while the bot tries to {what}. {later}{said}",
        "Azure ограничивает частоту запросов (HTTP 429) при попытке {what}. {later}{said}",
    ),
    "azure.wait": (
        "Azure asks to wait {wait} before the next try.",
        "Azure просит подождать {wait} до следующей попытки.",
    ),
    "azure.try_in_a_minute": ("Try again in a minute.", "Попробуйте через минуту."),
    "duration.hours": ("{count} {count:hour|hours}", "{count} {count:час|часа|часов}"),
    "duration.minutes": ("{count} {count:minute|minutes}", "{count} {count:минуту|минуты|минут}"),
    "duration.seconds": (
        "{count} {count:second|seconds}",
        "{count} {count:секунду|секунды|секунд}",
    ),
    "azure.conflict": (
        "Azure reported a conflict while trying to {what}.{said}",
        "Azure сообщил о конфликте при попытке {what}.{said}",
    ),
    "azure.server": (
        "Azure had an internal error (HTTP {status}) while trying to {what}. This is on "
        "Azure's side; try again in a few minutes.{said}",
        "Внутренняя ошибка Azure (HTTP {status}) при попытке {what}. Проблема на стороне "
        "Azure; попробуйте через несколько минут.{said}",
    ),
    "azure.http": (
        "Azure answered HTTP {status} while trying to {what}.{said}",
        "Azure ответил HTTP {status} на попытку {what}.{said}",
    ),
    "azure.no_resource_id": (
        "Azure returned a registry without a usable resource id.",
        "Azure вернул реестр без пригодного идентификатора ресурса.",
    ),
    "azure.not_found_in": (
        "Registry `{registry}` was not found in {count} subscription(s) the bot's identity can "
        "read. Check the spelling; if it is right, give the identity Reader on the registry "
        "(or set AZURE_SUBSCRIPTION_ID to the subscription that holds it).",
        "Реестр `{registry}` не найден ни в одной из подписок ({count}), которые видит "
        "удостоверение бота. Проверьте написание; если оно верное, назначьте удостоверению "
        "роль Reader на реестр (или укажите в AZURE_SUBSCRIPTION_ID подписку, где он лежит).",
    ),
    "azure.not_found_anywhere": (
        "Registry `{registry}` was not found in any subscription the bot's identity can read. "
        "Check the spelling; if it is right, give the identity Reader on the registry (or set "
        "AZURE_SUBSCRIPTION_ID to the subscription that holds it).",
        "Реестр `{registry}` не найден ни в одной подписке, которую видит удостоверение бота. "
        "Проверьте написание; если оно верное, назначьте удостоверению роль Reader на реестр "
        "(или укажите в AZURE_SUBSCRIPTION_ID подписку, где он лежит).",
    ),
    # --- the bot's identity: one sentence per kind of credential ------------------------------
    "token.cli_missing": (
        "The bot could not get an Azure token: ACRBOT_CREDENTIAL=azure-cli uses the Azure CLI, "
        "which is not installed here; install it (https://aka.ms/installazurecli) and run "
        "`az login` as the user the bot runs as.",
        "Бот не смог получить токен Azure: ACRBOT_CREDENTIAL=azure-cli использует Azure CLI, "
        "а он здесь не установлен; установите его (https://aka.ms/installazurecli) и выполните "
        "`az login` от имени пользователя, под которым работает бот.",
    ),
    "token.cli_login": (
        "The bot could not get an Azure token: ACRBOT_CREDENTIAL=azure-cli uses the Azure CLI, "
        "which is not signed in; run `az login` as the user the bot runs as.",
        "Бот не смог получить токен Azure: ACRBOT_CREDENTIAL=azure-cli использует Azure CLI, "
        "а в нём не выполнен вход; выполните `az login` от имени пользователя, под которым "
        "работает бот.",
    ),
    "token.cli_other": (
        "The bot could not get an Azure token from the Azure CLI (ACRBOT_CREDENTIAL=azure-cli); "
        "run `az login` again (the CLI said: {detail}).",
        "Бот не смог получить токен Azure от Azure CLI (ACRBOT_CREDENTIAL=azure-cli); "
        "выполните `az login` заново (ответ CLI: {detail}).",
    ),
    "token.managed": (
        "The bot could not get an Azure token ({why}): assign a managed identity to the VM, "
        "App Service, Container App or AKS node pool the bot runs on and, for a user-assigned "
        "one, set AZURE_CLIENT_ID to its client id (ACRBOT_CREDENTIAL=managed-identity).",
        "Бот не смог получить токен Azure ({why}): назначьте управляемое удостоверение "
        "виртуальной машине, App Service, Container App или пулу узлов AKS, где работает бот, "
        "а для назначаемого пользователем удостоверения укажите его client id в "
        "AZURE_CLIENT_ID (ACRBOT_CREDENTIAL=managed-identity).",
    ),
    "token.managed_silent": (
        "the managed identity endpoint did not answer",
        "конечная точка управляемого удостоверения не ответила",
    ),
    "token.managed_refused": (
        "the managed identity refused ({detail})",
        "управляемое удостоверение отказало ({detail})",
    ),
    "token.workload": (
        "The bot could not get an Azure token by workload identity ({why}): on AKS, label the "
        "pod azure.workload.identity/use=true and give its service account the identity's "
        "client id (the chart's workloadIdentity.enabled does both), so AZURE_TENANT_ID, "
        "AZURE_CLIENT_ID and the federated token file AZURE_FEDERATED_TOKEN_FILE are set, and "
        "create the identity's federated credential for that service account "
        "(ACRBOT_CREDENTIAL=workload-identity).",
        "Бот не смог получить токен Azure через workload identity ({why}): в AKS поставьте "
        "поду метку azure.workload.identity/use=true и пропишите в его service account client "
        "id удостоверения (в чарте оба шага делает workloadIdentity.enabled), чтобы были "
        "заданы AZURE_TENANT_ID, AZURE_CLIENT_ID и файл федеративного токена "
        "AZURE_FEDERATED_TOKEN_FILE, а затем создайте для этого service account федеративные "
        "учётные данные удостоверения (ACRBOT_CREDENTIAL=workload-identity).",
    ),
    "token.unset": ("{names} not set", "не заданы {names}"),
    "list.and": ("{first} and {last}", "{first} и {last}"),
    "list.or": ("{first} or {last}", "{first} или {last}"),
    "token.chain": (
        "The bot could not get an Azure token from any source the default chain tried "
        "({tried}); set ACRBOT_CREDENTIAL to the one meant for this place: managed-identity "
        "(assign one), workload-identity (AKS) or azure-cli (`az login`).",
        "Бот не смог получить токен Azure ни из одного источника цепочки по умолчанию "
        "({tried}); укажите в ACRBOT_CREDENTIAL тот, что нужен здесь: managed-identity "
        "(назначьте удостоверение), workload-identity (AKS) или azure-cli (`az login`).",
    ),
    "token.tried": ("{source}: {reason}", "{source}: {reason}"),
    "source.workload": ("workload identity", "workload identity"),
    "source.managed": ("managed identity", "управляемое удостоверение"),
    "source.cli": ("Azure CLI", "Azure CLI"),
    "reason.not_installed": ("not installed", "не установлен"),
    "reason.not_signed_in": ("not signed in (`az login`)", "не выполнен вход (`az login`)"),
    "reason.silent": ("its endpoint did not answer", "конечная точка не ответила"),
    "reason.none_here": ("none assigned here", "здесь не назначено"),
    "reason.skipped": ("skipped, {names} not set", "пропущено: не заданы {names}"),
    "reason.not_tried": ("not tried", "не опробовано"),
    # --- cancel-runs confirmations ------------------------------------------------------------
    "confirm.expired": (
        "This confirmation has expired or was already used. Run `/acr cancel-runs` again.",
        "Это подтверждение устарело или уже использовано. Запустите `/acr cancel-runs` ещё раз.",
    ),
    "confirm.not_yours": (
        "Only <@{user}>, who asked for this cancel, can confirm it.",
        "Подтвердить эту отмену может только <@{user}> — тот, кто её запросил.",
    ),
    "confirm.used": (
        "This confirmation was already used; nothing was cancelled twice.",
        "Это подтверждение уже использовано; ничего не отменено повторно.",
    ),
}
