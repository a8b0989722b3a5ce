"""The command table: every `/acr` subcommand, declared once.

Adding a command is one entry here plus the service it calls (and its renderers). The Slack
listener, the console, `acrbot <command>`, `/acr help` and the access checks read this table;
nothing else lists commands.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from bot.access import CONSOLE, SLACK, Rule
from bot.azure.names import parse_image, parse_registry
from bot.azure.reports import (
    RUN_STATUSES,
    CancelOutcome,
    CancelResult,
    HealthReport,
    InspectReport,
    RunsReport,
    UntaggedReport,
    UsageReport,
)
from bot.commands.grammar import usage
from bot.commands.spec import Audit, CommandSpec, Option, Param, Request
from bot.errors import BadInput
from bot.knowledge import KnowledgeBase
from bot.learning import Lesson
from bot.matching import Candidate
from bot.mrkdwn import quote
from bot.render import azure_blocks, azure_text, images_text
from bot.render import blocks as render
from bot.render.text import HelpLine, faq_text, help_text
from bot.render.words import say, words

# --- arguments shared by several commands -------------------------------------------------------
REGISTRY = Param(
    "registry",
    help={
        "en": "name, login server or resource id",
        "ru": "имя, адрес входа (login server) или идентификатор ресурса",
    },
    missing={"en": "Which registry?", "ru": "Какой реестр?"},
    label={"en": "registry", "ru": "реестр"},
    check=parse_registry,
)
TASK = Option(
    "task",
    help={"en": "only runs of this task", "ru": "только запуски этой задачи"},
    metavar="NAME",
)


def _status(value: str, lang: str) -> str:
    """The run status as Azure spells it, whatever the case it was typed in."""
    found = [s for s in RUN_STATUSES if s.lower() == value.lower()]
    if not found:
        statuses = ", ".join(RUN_STATUSES)
        raise BadInput(words(lang)["bad_status"].format(value=quote(value), statuses=statuses))
    return found[0]


def _top(value: str, lang: str) -> int:
    try:
        top = int(value)
    except ValueError:
        raise BadInput(words(lang)["bad_top"].format(value=quote(value))) from None
    if not 1 <= top <= 100:
        raise BadInput(words(lang)["top_range"])
    return top


# --- help and faq -------------------------------------------------------------------------------
@dataclass(frozen=True)
class HelpResult:
    commands: list[HelpLine]
    unknown: str | None
    suggestion: str | None
    degraded: bool


@functools.cache
def help_entries() -> list[HelpLine]:
    """One (usage, summary) per command, in table order: what /acr help lists."""
    return [(usage(spec), dict(spec.summary)) for spec in COMMANDS]


def _help(request: Request) -> HelpResult:
    invocation = request.invocation
    degraded = request.services.store.degraded
    return HelpResult(help_entries(), invocation.unknown, invocation.suggestion, degraded)


@dataclass(frozen=True)
class FaqResult:
    kb: KnowledgeBase
    words: str
    found: list[Candidate]


def _faq(request: Request) -> FaqResult:
    services = request.services
    query = request.invocation.text("words")
    return FaqResult(services.kb, query, services.matcher.search(query))


@dataclass(frozen=True)
class LearnedResult:
    lessons: list[Lesson]


def _kb_action(value: str) -> str:
    if value.lower() != "learned":
        raise BadInput(say("kb.learned_only"))
    return value.lower()


def _learned(request: Request) -> LearnedResult:
    return LearnedResult(request.services.triage.lessons.all())


def learned_text(result: LearnedResult, lang: str) -> str:
    w = words(lang)
    if not result.lessons:
        return w["learned_none"]
    lines = [w["learned_title"].format(count=len(result.lessons))]
    for lesson in result.lessons[:30]:
        topic = f"`{lesson.topic}`" if lesson.topic else w["learned_silent_label"]
        state = (
            w["learned_approved"]
            if lesson.approved
            else w["learned_people"].format(count=len(set(lesson.confirmed_by)))
        )
        first = quote(lesson.text.split("\n", 1)[0], 120)  # what someone pasted: only text
        lines.append(
            f"• `{lesson.id}` {topic} · {state} · <@{lesson.by}> · {lesson.uses}× · `{first}`"
        )
    return "\n".join(lines)


# --- the registry commands ----------------------------------------------------------------------
def _usage(request: Request) -> UsageReport:
    invocation = request.invocation
    return request.services.ops().usage(invocation.text("registry"), invocation.flag("refresh"))


def _health(request: Request) -> HealthReport:
    return request.services.ops().health(request.invocation.text("registry"))


def _runs(request: Request) -> RunsReport:
    invocation = request.invocation
    return request.services.ops().runs(
        invocation.text("registry"),
        invocation.optional("status"),
        invocation.optional("task"),
        invocation.number("top"),
    )


def _inspect(request: Request) -> InspectReport:
    return request.services.ops().inspect(request.invocation.text("image"), request.lang)


def _untagged(request: Request) -> UntaggedReport:
    invocation, lang, note = request.invocation, request.lang, request.progress
    registry = invocation.text("registry")

    def progress(done: int, known: int, complete: bool) -> None:
        if note is not None:
            key = "untagged_progress" if complete else "untagged_progress_listing"
            name = parse_registry(registry).name
            note(words(lang)[key].format(registry=name, done=done, known=known))

    return request.services.ops().untagged(
        registry, invocation.optional("repository"), lang, progress
    )


def _inspect_audit(report: InspectReport) -> Audit:
    if report.found:
        return Audit("ok", f"{report.image}: found")
    what = "no repository" if not report.repository_exists else "not found"
    return Audit("ok", f"{report.image}: {what}")


def _cancel_runs(request: Request) -> CancelOutcome:
    """Slack asks with a button (a pending confirmation, any replica takes the click); the
    command line asks on the terminal and cancels at once; the console only shows a dry run."""
    invocation, ops = request.invocation, request.services.ops()
    registry, task = invocation.text("registry"), invocation.optional("task")
    dry_run = invocation.flag("dry-run")
    if request.door == SLACK:
        plan = ops.plan_cancel(request.caller, registry, task, dry_run=dry_run)
        left = plan.expires_at - request.services.clock() if plan.expires_at else None
        return CancelOutcome(plan, expires_in=left)
    if request.door == CONSOLE:
        plan = ops.plan_cancel(request.caller, registry, task, dry_run=True, confirm=False)
        hint = None
        if plan.runs.runs:
            hint = words(request.lang)["console_cancel_hint"].format(registry=plan.registry.name)
        return CancelOutcome(plan, hint=hint)
    plan = ops.plan_cancel(request.caller, registry, task, dry_run=dry_run, confirm=False)
    runs = [run.run_id for run in plan.runs.runs]
    if dry_run or not runs or request.confirm is None:
        return CancelOutcome(plan)
    details = azure_text.cancel_plan_text(plan.runs, lang=request.lang)
    asked = words(request.lang)["cancel_question"].format(
        count=len(runs), registry=plan.registry.name
    )
    question = f"{asked} [y/N]"
    if not request.confirm(details, question):
        return CancelOutcome(plan, declined=True)
    return CancelOutcome(plan, result=ops.cancel(plan.registry, runs))


def cancel_result_audit(result: CancelResult) -> Audit:
    state = "ok" if result.ok else ("failed" if not result.cancelled else "partial")
    counts = (
        f"{len(result.cancelled)} cancelled, {len(result.skipped)} skipped, "
        f"{len(result.failed)} failed"
    )
    return Audit(state, counts, tuple(result.cancelled))


def _cancel_audit(outcome: CancelOutcome) -> Audit:
    plan, result = outcome.plan, outcome.result
    active = tuple(run.run_id for run in plan.runs.runs)
    if result is not None:
        return cancel_result_audit(result)
    if outcome.declined:
        return Audit("declined", f"{len(active)} active run(s) kept", active)
    if plan.dry_run:
        return Audit("dry-run", f"{len(active)} active run(s)", active)
    if plan.token:
        return Audit("asked", f"{len(active)} active run(s) await confirmation", active)
    return Audit("ok", f"{len(active)} active run(s)", active)


# --- the table ----------------------------------------------------------------------------------
COMMANDS: tuple[CommandSpec[Any], ...] = (
    CommandSpec[HelpResult](
        "help",
        summary={"en": "show this help", "ru": "показать эту справку"},
        access=Rule.ANYONE,
        run=_help,
        text=lambda r, lang: help_text(lang, r.commands, r.unknown, r.suggestion),
        blocks=lambda r, lang: render.help_blocks(
            lang, r.commands, r.unknown, r.suggestion, degraded=r.degraded
        ),
        instant=True,
        cli=False,
    ),
    CommandSpec[FaqResult](
        "faq",
        summary={"en": "search the knowledge base", "ru": "поиск по базе знаний"},
        access=Rule.ANYONE,
        params=(
            Param(
                "words",
                help={"en": "what to look for", "ru": "что искать"},
                missing={"en": "Tell me what to look for.", "ru": "Что искать?"},
                rest=True,
            ),
        ),
        run=_faq,
        text=lambda r, lang: faq_text(r.kb, r.words, r.found, lang),
        blocks=lambda r, lang: render.faq_blocks(r.kb, r.words, r.found, lang),
        instant=True,
        cli=False,
    ),
    CommandSpec[LearnedResult](
        "kb",
        summary={
            "en": "what the team taught the bot (admins)",
            "ru": "чему команда научила бота (для админов)",
        },
        access=Rule.ADMIN,
        params=(
            Param(
                "action",
                help={"en": "learned", "ru": "learned"},
                missing={
                    "en": "Use `/acr kb learned`.",
                    "ru": "Используйте `/acr kb learned`.",
                },
                check=_kb_action,
            ),
        ),
        run=_learned,
        text=learned_text,
        cli=False,  # `acrbot kb learned` is the command line's (with forget, approve, export)
    ),
    CommandSpec[UsageReport](
        "usage",
        summary={
            "en": "storage and quota usage of a registry",
            "ru": "использование хранилища и квот",
        },
        access=Rule.READ,
        params=(REGISTRY,),
        options=(
            Option(
                "refresh",
                help={"en": "ask Azure again, skip the cache", "ru": "спросить Azure, минуя кэш"},
            ),
        ),
        run=_usage,
        text=azure_text.usage_text,
        blocks=azure_blocks.usage_blocks,
        json=azure_text.usage_json,
    ),
    CommandSpec[HealthReport](
        "check-health",
        summary={
            "en": "diagnose a registry end to end",
            "ru": "проверить реестр от DNS до токена",
        },
        access=Rule.READ,
        params=(REGISTRY,),
        run=_health,
        text=azure_text.health_text,
        blocks=azure_blocks.health_blocks,
        json=azure_text.health_json,
        exit_status=lambda r: 1 if r.worst == "error" else 0,
        audit=lambda r: Audit("ok", f"worst: {r.worst}"),
    ),
    CommandSpec[RunsReport](
        "runs",
        summary={"en": "list ACR Tasks runs", "ru": "список запусков ACR Tasks"},
        access=Rule.READ,
        params=(REGISTRY,),
        options=(
            Option(
                "status",
                help={
                    "en": "only runs in this state: " + ", ".join(RUN_STATUSES),
                    "ru": "только запуски в этом состоянии: " + ", ".join(RUN_STATUSES),
                },
                metavar="Running",
                convert=_status,
            ),
            TASK,
            Option(
                "top",
                help={
                    "en": "how many runs (1-100, default 20)",
                    "ru": "сколько запусков (1–100, по умолчанию 20)",
                },
                metavar="N",
                convert=_top,
                default=20,
            ),
        ),
        run=_runs,
        text=azure_text.runs_text,
        blocks=azure_blocks.runs_blocks,
        json=azure_text.runs_json,
    ),
    CommandSpec[InspectReport](
        "inspect",
        summary={
            "en": "an image's tag, digest, platforms, size and locks (or the closest names)",
            "ru": "тег, дайджест, платформы, размер и блокировки образа (или похожие имена)",
        },
        access=Rule.READ,
        params=(
            Param(
                "image",
                help={
                    "en": "<registry>.azurecr.io/<repository>:<tag>, …@sha256:<digest> or "
                    "<registry>/<repository>:<tag>",
                    "ru": "<реестр>.azurecr.io/<репозиторий>:<тег>, …@sha256:<дайджест> или "
                    "<реестр>/<репозиторий>:<тег>",
                },
                missing={"en": "Which image?", "ru": "Какой образ?"},
                label={"en": "image", "ru": "образ"},
                check=parse_image,
            ),
        ),
        run=_inspect,
        text=images_text.inspect_text,
        blocks=azure_blocks.inspect_blocks,
        json=images_text.inspect_json,
        audit=_inspect_audit,
        registry=lambda invocation: parse_image(invocation.text("image")).name,
    ),
    CommandSpec[UntaggedReport](
        "untagged",
        summary={
            "en": "manifests without tags and the space they hold, with the purge command",
            "ru": "манифесты без тегов и их объём, с командой очистки",
        },
        access=Rule.READ,
        params=(
            REGISTRY,
            Param(
                "repository",
                help={"en": "only this repository", "ru": "только этот репозиторий"},
                missing={"en": "Which repository?", "ru": "Какой репозиторий?"},
                required=False,
                cli_option=True,
            ),
        ),
        run=_untagged,
        text=images_text.untagged_text,
        blocks=azure_blocks.untagged_blocks,
        json=images_text.untagged_json,
        audit=lambda r: Audit("ok", f"{r.untagged} untagged, {r.bytes} bytes"),
    ),
    CommandSpec[CancelOutcome](
        "cancel-runs",
        summary={
            "en": "cancel running and queued runs (asks to confirm)",
            "ru": "отменить выполняемые и ожидающие запуски (с подтверждением)",
        },
        access=Rule.ADMIN,
        params=(REGISTRY,),
        options=(
            TASK,
            Option(
                "dry-run",
                help={
                    "en": "only show what would be cancelled",
                    "ru": "только показать, что было бы отменено",
                },
            ),
        ),
        run=_cancel_runs,
        text=azure_text.cancel_outcome_text,
        blocks=azure_blocks.cancel_blocks,
        json=azure_text.cancel_outcome_json,
        exit_status=azure_text.cancel_exit_status,
        audit=_cancel_audit,
        asks=True,
    ),
)

BY_NAME: dict[str, CommandSpec[Any]] = {spec.name: spec for spec in COMMANDS}


def registry_commands() -> list[str]:
    """Commands whose only argument is a registry: what a knowledge topic may offer to run."""
    return [
        spec.name
        for spec in COMMANDS
        if [p.name for p in spec.params if p.required] == ["registry"]
    ]
