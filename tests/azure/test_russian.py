"""The Azure commands in Russian: answers, Azure's own errors (its words kept verbatim), health
lines and cancel confirmations — while the --json contracts stay as they are."""

from __future__ import annotations

import json
import re

from bot import console
from bot.access import CLI, Caller
from bot.azure.reports import CancelOutcome
from bot.commands import BY_NAME, Request, parse
from bot.commands.runner import answer
from bot.config import Settings
from bot.render import azure_blocks, azure_text
from bot.services import Services, build_services
from bot.store import MemoryStore
from bot.words import localise
from tests.azure.conftest import AzureWorld, services_for
from tests.azure.test_cli import acrbot_process, as_json

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
ME = Caller("operator", source=CLI)


def ask(services: Services, text: str, lang: str = "ru") -> str:
    """`/acr <text>` answered as a door shows it, in ``lang``."""
    invocation = parse(text, lang)
    return answer(BY_NAME[invocation.name], Request(services, invocation, ME, lang)).text()


def test_an_azure_refusal_is_russian_with_azures_words_verbatim(world: AzureWorld) -> None:
    """A 403 from ARM: what to do in Russian; Azure's code and message as Azure wrote them."""
    azure_said = "The client 'mi-bot' with object id '1234' does not have authorization."
    world.arm.fail("registries.list_usages", 403, "AuthorizationFailed", azure_said)
    text = ask(services_for(world), "usage contosoprod")
    assert text.startswith(
        "Удостоверению бота не разрешено прочитать использование реестра `contosoprod`. "
        "Назначьте ему роль Reader на `/subscriptions/"
    )
    assert f"(ответ Azure: AuthorizationFailed: {azure_said})" in text


def test_a_missing_registry_is_russian(world: AzureWorld) -> None:
    text = ask(services_for(world), "runs missingregistry")
    assert text.startswith("Реестр `missingregistry` не найден ни в одной из подписок (1)")


def test_usage_runs_and_the_console_cancel_are_russian(world: AzureWorld) -> None:
    world.arm.add_runs("contosoprod", 2)
    services = services_for(world)
    usage = ask(services, "usage contosoprod")
    assert "Size: 11.8 MiB из 100.0 GiB" in usage and "Данные на " in usage
    runs = ask(services, "runs contosoprod")
    assert "*2 запуска задач в contosoprod*" in runs and "задача " in runs
    console_services = build_services(
        Settings.from_env(world.env(ACRBOT_DEFAULT_LANGUAGE="ru")), MemoryStore()
    )
    console_services.ops().arm.retry_total = 0
    plan = console.respond(console_services, "/acr cancel-runs contosoprod")
    assert plan.startswith("В *contosoprod* были бы отменены 2 запуска:")
    assert "Пробный прогон (--dry-run): ничего не отменено." in plan
    assert "Чтобы отменить их: `acrbot cancel-runs contosoprod`" in plan


def test_every_health_line_is_russian_but_the_json_is_not(world: AzureWorld) -> None:
    """check-health in Russian: each line that has words has Russian ones; the JSON contract
    (English details) is the same whatever the reader's language."""
    world.arm.add_registry(
        "riskyregistry",
        login_server=world.registry.login_server,
        properties={"anonymousPullEnabled": True, "adminUserEnabled": True},
    )
    services = services_for(world)
    report = services.ops().health("riskyregistry")
    text = azure_text.health_text(report, "ru")
    for check in report.checks:
        shown = localise(check.detail, "ru")
        assert f"{check.name}: {shown}" in text
        if check.name not in ("dns", "dns-data-endpoints"):  # host → addresses: no words
            assert CYRILLIC.search(shown), (check.name, shown)
    assert "Анонимный pull включён" in text and "в порядке:" in text
    blocks = json.dumps(azure_blocks.health_blocks(report, "ru"), ensure_ascii=False)
    assert "Включён пользователь-администратор" in blocks and "Объяснить" in blocks
    details = [c["detail"] for c in azure_text.health_json(report)["checks"]]
    assert "Anonymous pull is enabled: anyone who can reach the registry can pull its images." in (
        details
    )


def test_cancel_confirmation_is_russian(world: AzureWorld) -> None:
    """The Slack confirmation for a Russian reader: its question, buttons and expiry."""
    world.arm.add_runs("contosoprod", 3)
    services = services_for(world)
    plan = services.ops().plan_cancel(Caller("U0ADMIN001"), "contosoprod")
    blocks = azure_blocks.cancel_blocks(CancelOutcome(plan, expires_in=600), "ru")
    text = json.dumps(blocks, ensure_ascii=False)
    assert "*Отменить 3 запуска в contosoprod?*" in text
    assert "Отменить 3 запуска" in text and "Оставить" in text
    assert "Подтверждение действует ещё 10 минут." in text
    result = services.ops().cancel(plan.registry, [r.run_id for r in plan.runs.runs])
    done = azure_text.cancel_result_text(result, "ru")
    assert done.startswith("*cancel-runs contosoprod*: отменено 3, пропущено 0, с ошибкой 0.")


def test_the_command_line_speaks_lang_and_keeps_json(world: AzureWorld) -> None:
    """`acrbot runs contosoprod --lang ru` (a real process) answers in Russian; with --json
    the output is the same object as in English."""
    world.arm.add_runs("contosoprod", 1)
    russian = acrbot_process(world, "runs", "contosoprod", "--lang", "ru")
    assert russian.returncode == 0, russian.stderr
    assert russian.stdout.startswith("*1 запуск задач в contosoprod*")
    as_russian = as_json(acrbot_process(world, "usage", "contosoprod", "--json", "--lang", "ru"))
    as_english = as_json(acrbot_process(world, "usage", "contosoprod", "--json"))
    assert as_russian == as_english
    world.arm.fail("registries.list_usages", 403, "AuthorizationFailed", "No access.")
    failed = acrbot_process(world, "usage", "contosoprod", ACRBOT_DEFAULT_LANGUAGE="ru")
    assert failed.returncode == 1 and failed.stdout == ""
    assert failed.stderr.startswith("acrbot: Удостоверению бота не разрешено прочитать")
    assert "(ответ Azure: AuthorizationFailed: No access.)" in failed.stderr
