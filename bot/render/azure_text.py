"""Text and JSON renderings of the Azure reports, for the console, the CLI and Slack fallbacks.

The ``*_json`` functions produce the command-line contracts other tools rely on: exact keys,
nothing more, and the same (English) values whatever the reader's language. The text
renderings take the reader's language; sentences that came from the Azure layer (a health
line, a failed run) are catalogue messages, shown in that language with ``localise``.
"""

from __future__ import annotations

from typing import Any

from bot.azure.reports import (
    CancelOutcome,
    CancelResult,
    Check,
    HealthReport,
    RunInfo,
    RunsReport,
    UsageReport,
    UsageRow,
)
from bot.render.words import localise, words

BAR_WIDTH = 20
STATUS_MARK = {"ok": "✅", "warning": "⚠️", "error": "❌", "skipped": "➖"}


# --- JSON contracts ---------------------------------------------------------------------------
def usage_json(report: UsageReport) -> dict[str, Any]:
    return {
        "registry": report.registry,
        "login_server": report.login_server,
        "sku": report.sku,
        "usages": [
            {"name": r.name, "current": r.current, "limit": r.limit, "unit": r.unit}
            for r in report.usages
        ],
    }


def health_json(report: HealthReport) -> dict[str, Any]:
    return {
        "registry": report.registry,
        "checks": [
            {
                "name": c.name,
                "status": c.status,
                "code": c.code,
                "detail": c.detail,
                "topic": c.topic,
            }
            for c in report.checks
        ],
    }


def runs_json(report: RunsReport) -> dict[str, Any]:
    return {
        "registry": report.registry,
        "runs": [
            {
                "run_id": r.run_id,
                "status": r.status,
                "task": r.task,
                "create_time": r.create_time,
            }
            for r in report.runs
        ],
    }


def cancel_json(result: CancelResult) -> dict[str, Any]:
    return {
        "registry": result.registry,
        "cancelled": list(result.cancelled),
        "skipped": [{"run_id": run_id, "reason": reason} for run_id, reason in result.skipped],
        "failed": [{"run_id": run_id, "error": error} for run_id, error in result.failed],
    }


def cancel_outcome_json(outcome: CancelOutcome) -> dict[str, Any]:
    """`cancel-runs --json`: what was cancelled; a dry run lists every run as skipped."""
    if outcome.result is not None:
        return cancel_json(outcome.result)
    plan = outcome.plan
    skipped = [(run.run_id, "dry run") for run in plan.runs.runs] if plan.dry_run else []
    return cancel_json(CancelResult(plan.registry.name, skipped=skipped))


# --- numbers ----------------------------------------------------------------------------------
def human(value: int | None, unit: str) -> str:
    if value is None:
        return "no limit"
    if unit.lower() != "bytes":
        return f"{value:,}"
    size = float(value)
    for name in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or name == "TiB":
            return f"{size:.0f} {name}" if name == "B" else f"{size:.1f} {name}"
        size /= 1024
    return f"{value} B"


def bar(percent: float | None, width: int = BAR_WIDTH) -> str:
    if percent is None:
        return "░" * width
    filled = min(width, round(width * min(percent, 100.0) / 100.0))
    if percent > 0 and filled == 0:
        filled = 1 if percent >= 100.0 / (2 * width) else 0
    return "█" * filled + "░" * (width - filled)


def usage_line(row: UsageRow, lang: str = "en") -> str:
    w = words(lang)
    current = human(row.current, row.unit)
    if row.limit is None:
        return f"{bar(None)} " + w["usage.row_unlimited"].format(name=row.name, current=current)
    percent = "" if row.percent is None else f" {row.percent:g}%"
    warn = " ⚠️" if row.warning else ""
    limit = human(row.limit, row.unit)
    return (
        f"{bar(row.percent)} "
        + w["usage.row"].format(name=row.name, current=current, limit=limit)
        + f"{percent}{warn}"
    )


def usage_warnings(report: UsageReport, lang: str) -> list[str]:
    """One sentence per row near its limit: what to do about it."""
    template = words(lang)["usage.clean_up"]
    return [template.format(warning=warning) for warning in report.warnings]


def measured(report: UsageReport, lang: str) -> str:
    key = "usage.measured_cached" if report.cached else "usage.measured"
    return words(lang)[key].format(at=report.measured_at)


# --- text -------------------------------------------------------------------------------------
def usage_text(report: UsageReport, lang: str = "en") -> str:
    lines = [f"*{report.registry}* ({report.sku}) — {report.login_server}"]
    lines += [usage_line(row, lang) for row in report.usages] or [words(lang)["usage.none"]]
    lines += [f"⚠️ {warning}" for warning in usage_warnings(report, lang)]
    lines.append(f"_{measured(report, lang)}_")
    return "\n".join(lines)


def health_line(check: Check, lang: str) -> str:
    """One check as a person reads it: its words, then Azure's code."""
    code = f" `{check.code}`" if check.code else ""
    return f"{localise(check.detail, lang)}{code}"


def health_text(report: HealthReport, lang: str = "en") -> str:
    w = words(lang)
    server = report.login_server or w["health.no_server"]
    lines = [f"*check-health {report.registry}* — {server}"]
    for c in report.checks:
        see = ""
        if c.topic and c.status != "ok":
            see = " " + w["health.see"].format(topic=c.topic)
        lines.append(f"{STATUS_MARK[c.status]} {c.name}: {health_line(c, lang)}{see}")
    summary = status_summary(report, lang)
    lines.append("_" + w["health.took"].format(summary=summary, seconds=report.seconds) + "_")
    return "\n".join(lines)


def status_summary(report: HealthReport, lang: str = "en") -> str:
    """How many checks ended in each status ("3 ok, 1 warning"), in STATUS_MARK order."""
    counts = {s: sum(1 for c in report.checks if c.status == s) for s in STATUS_MARK}
    w = words(lang)
    return ", ".join(w[f"status.{s}"].format(count=n) for s, n in counts.items() if n)


def runs_text(report: RunsReport, lang: str = "en") -> str:
    w = words(lang)
    what = []
    if report.status:
        what.append(w["runs.status"].format(status=report.status))
    if report.task:
        what.append(w["runs.task"].format(task=report.task))
    scope = f" ({', '.join(what)})" if what else ""
    if not report.runs:
        return w["runs.none"].format(registry=report.registry, scope=scope)
    lines = [w["runs.head"].format(count=len(report.runs), registry=report.registry, scope=scope)]
    for run in report.runs:
        line = w["runs.line"].format(
            run=run.run_id,
            status=run.status,
            task=run.task or w["runs.no_task"],
            created=run.create_time or "?",
        )
        lines.append(line)
    return "\n".join(lines)


def cancel_plan_text(
    report: RunsReport, dry_run: bool = False, limit: int = 50, lang: str = "en"
) -> str:
    w = words(lang)
    if not report.runs:
        if report.task:
            return w["cancel.none_task"].format(registry=report.registry, task=report.task)
        return w["cancel.none"].format(registry=report.registry)
    head = w["cancel.would" if dry_run else "cancel.about_to"]
    lines = [
        head.format(count=len(report.runs), registry=report.registry),
        *cancel_lines(report.runs, limit, lang),
    ]
    if dry_run:
        lines.append(f"_{w['cancel.dry_run']}_")
    return "\n".join(lines)


def cancel_lines(runs: list[RunInfo], limit: int, lang: str = "en") -> list[str]:
    """The runs a cancel would stop, one line each, at most ``limit`` of them."""
    w = words(lang)
    lines = [
        w["cancel.line"].format(
            run=run.run_id, status=run.status, task=run.task or w["runs.no_task"]
        )
        for run in runs[:limit]
    ]
    if len(runs) > limit:
        lines.append(w["cancel.more"].format(count=len(runs) - limit))
    return lines


def cancel_result_text(result: CancelResult, lang: str = "en") -> str:
    w = words(lang)
    lines = [
        w["cancel.result"].format(
            registry=result.registry,
            cancelled=len(result.cancelled),
            skipped=len(result.skipped),
            failed=len(result.failed),
        )
    ]
    if result.cancelled:
        runs = ", ".join(f"`{r}`" for r in result.cancelled)
        lines.append(w["cancel.cancelled"].format(runs=runs))
    for run_id, reason in result.skipped:
        lines.append(w["cancel.skipped"].format(run=run_id, reason=localise(reason, lang)))
    for run_id, error in result.failed:
        lines.append(f"❌ `{run_id}`: {localise(error, lang)}")
    return "\n".join(lines)


def cancel_outcome_text(outcome: CancelOutcome, lang: str) -> str:
    if outcome.result is not None:
        return cancel_result_text(outcome.result, lang)
    if outcome.declined:
        return words(lang)["declined"]
    text = cancel_plan_text(outcome.plan.runs, dry_run=outcome.plan.dry_run, lang=lang)
    return f"{text}\n{outcome.hint}" if outcome.hint else text


def cancel_exit_status(outcome: CancelOutcome) -> int:
    """Non-zero when the answer was no or a run failed to cancel."""
    if outcome.declined:
        return 1
    return 0 if outcome.result is None or outcome.result.ok else 1
