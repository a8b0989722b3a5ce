"""Text and JSON renderings of the Azure reports, for the console, the CLI and Slack fallbacks.

The ``*_json`` functions produce the command-line contracts other tools rely on: exact keys,
nothing more.
"""

from __future__ import annotations

from typing import Any

from bot.azure.reports import (
    CancelOutcome,
    CancelResult,
    HealthReport,
    RunInfo,
    RunsReport,
    UsageReport,
    UsageRow,
)
from bot.render.words import words

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


def usage_line(row: UsageRow) -> str:
    percent = "" if row.percent is None else f" {row.percent:g}%"
    warn = " ⚠️" if row.warning else ""
    current = human(row.current, row.unit)
    if row.limit is None:
        return f"{bar(None)} {row.name}: {current} (no limit)"
    return (
        f"{bar(row.percent)} {row.name}: {current} of {human(row.limit, row.unit)}{percent}{warn}"
    )


# --- text -------------------------------------------------------------------------------------
def usage_text(report: UsageReport) -> str:
    lines = [f"*{report.registry}* ({report.sku}) — {report.login_server}"]
    lines += [usage_line(row) for row in report.usages] or ["Azure reported no usage rows."]
    for warning in report.warnings:
        lines.append(f"⚠️ {warning}: clean up or move to a larger tier soon.")
    cached = ", from the cache" if report.cached else ""
    lines.append(f"_Measured {report.measured_at}{cached}. `--refresh` asks Azure again._")
    return "\n".join(lines)


def health_text(report: HealthReport) -> str:
    head = f"*check-health {report.registry}* — {report.login_server or 'login server unknown'}"
    lines = [head]
    for c in report.checks:
        code = f" `{c.code}`" if c.code else ""
        topic = f" (see `/acr faq {c.topic}`)" if c.topic and c.status != "ok" else ""
        lines.append(f"{STATUS_MARK[c.status]} {c.name}: {c.detail}{code}{topic}")
    lines.append(f"_{status_summary(report)} in {report.seconds:g} s._")
    return "\n".join(lines)


def status_summary(report: HealthReport) -> str:
    """How many checks ended in each status ("3 ok, 1 warning"), in STATUS_MARK order."""
    counts = {s: sum(1 for c in report.checks if c.status == s) for s in STATUS_MARK}
    return ", ".join(f"{n} {s}" for s, n in counts.items() if n)


def runs_text(report: RunsReport) -> str:
    what = []
    if report.status:
        what.append(f"status {report.status}")
    if report.task:
        what.append(f"task {report.task}")
    scope = f" ({', '.join(what)})" if what else ""
    if not report.runs:
        return f"No task runs in *{report.registry}*{scope}."
    lines = [f"*{len(report.runs)} task run(s) in {report.registry}*{scope}, newest first:"]
    for run in report.runs:
        lines.append(
            f"• `{run.run_id}` {run.status} — task {run.task or '(none)'}, "
            f"created {run.create_time or '?'}"
        )
    return "\n".join(lines)


def cancel_plan_text(report: RunsReport, dry_run: bool = False, limit: int = 50) -> str:
    if not report.runs:
        task = f" for task {report.task}" if report.task else ""
        return f"No running or queued runs in *{report.registry}*{task}: nothing to cancel."
    head = "Would cancel" if dry_run else "About to cancel"
    lines = [f"{head} {len(report.runs)} run(s) in *{report.registry}*:"]
    lines += cancel_lines(report.runs, limit)
    if dry_run:
        lines.append("_Dry run: nothing was cancelled._")
    return "\n".join(lines)


def cancel_lines(runs: list[RunInfo], limit: int) -> list[str]:
    """The runs a cancel would stop, one line each, at most ``limit`` of them."""
    lines = [f"• `{run.run_id}` {run.status} — task {run.task or '(none)'}" for run in runs[:limit]]
    if len(runs) > limit:
        lines.append(f"… and {len(runs) - limit} more.")
    return lines


def cancel_result_text(result: CancelResult) -> str:
    lines = [
        f"*cancel-runs {result.registry}*: {len(result.cancelled)} cancelled, "
        f"{len(result.skipped)} skipped, {len(result.failed)} failed."
    ]
    if result.cancelled:
        lines.append("Cancelled: " + ", ".join(f"`{r}`" for r in result.cancelled))
    for run_id, reason in result.skipped:
        lines.append(f"Skipped `{run_id}`: {reason}")
    for run_id, error in result.failed:
        lines.append(f"❌ `{run_id}`: {error}")
    return "\n".join(lines)


def cancel_outcome_text(outcome: CancelOutcome, lang: str) -> str:
    if outcome.result is not None:
        return cancel_result_text(outcome.result)
    if outcome.declined:
        return words(lang)["declined"]
    text = cancel_plan_text(outcome.plan.runs, dry_run=outcome.plan.dry_run)
    return f"{text}\n{outcome.hint}" if outcome.hint else text


def cancel_exit_status(outcome: CancelOutcome) -> int:
    """Non-zero when the answer was no or a run failed to cancel."""
    if outcome.declined:
        return 1
    return 0 if outcome.result is None or outcome.result.ok else 1
