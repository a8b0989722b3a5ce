"""Text runners for the local console (`/acr usage …` typed into `acrbot console`).

cancel-runs in the console only shows what would be cancelled: confirming a cancel belongs to
Slack (buttons, per-user confirmation) or to `acrbot cancel-runs`, which asks on the terminal.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable

from bot.access import Caller
from bot.commands import Command
from bot.render import azure_text
from bot.services import Services

TextRunner = Callable[[Services, Command, str], str]


def _caller() -> Caller:
    return Caller(user_id=getpass.getuser(), source="console")


def usage(services: Services, command: Command, lang: str) -> str:
    report = services.ops().usage(_caller(), command.registry or "", refresh=command.refresh)
    return azure_text.usage_text(report)


def check_health(services: Services, command: Command, lang: str) -> str:
    return azure_text.health_text(services.ops().health(_caller(), command.registry or ""))


def runs(services: Services, command: Command, lang: str) -> str:
    report = services.ops().runs(
        _caller(), command.registry or "", command.status, command.task, command.top
    )
    return azure_text.runs_text(report)


def cancel_runs(services: Services, command: Command, lang: str) -> str:
    plan = services.ops().plan_cancel(
        _caller(), command.registry or "", command.task, dry_run=True, confirm=False
    )
    text = azure_text.cancel_plan_text(plan.runs, dry_run=True)
    if plan.runs.runs:
        text += f"\nTo cancel them: `acrbot cancel-runs {plan.registry.name}` (asks to confirm)."
    return text


RUNNERS: dict[str, TextRunner] = {
    "usage": usage,
    "check-health": check_health,
    "runs": runs,
    "cancel-runs": cancel_runs,
}
