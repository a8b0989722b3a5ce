"""Block Kit renderings of the Azure reports. Plain dicts only; no Slack imports.

Action ids live here once, so the buttons and the listeners in handlers/azure.py agree.
"""

from __future__ import annotations

import time

from bot.azure import CancelPlan
from bot.azure.health import HealthReport
from bot.azure.runs import CancelResult, RunsReport
from bot.azure.usage import UsageReport
from bot.render import azure_text
from bot.render.blocks import Block, context, cut, section

CONFIRM_CANCEL = "acr_cancel_confirm"
ABORT_CANCEL = "acr_cancel_abort"
HEALTH_TOPIC = "acr_health_topic"  # followed by _<n>: one button per line that has a topic

MAX_LISTED = 30


def usage_blocks(report: UsageReport) -> list[Block]:
    blocks = [section(f"*Usage of {report.registry}* ({report.sku}) — `{report.login_server}`")]
    rows = [f"`{azure_text.usage_line(row)}`" for row in report.usages]
    blocks.append(section("\n".join(rows) or "Azure reported no usage rows."))
    for warning in report.warnings:
        blocks.append(section(f":warning: {warning}: clean up or move to a larger tier soon."))
    cached = " · from the cache" if report.cached else ""
    blocks.append(context(f"Measured {report.measured_at}{cached} · `--refresh` asks Azure again"))
    return blocks


def health_blocks(report: HealthReport) -> list[Block]:
    server = report.login_server or "login server unknown"
    blocks = [section(f"*check-health {report.registry}* — `{server}`")]
    for n, c in enumerate(report.checks):
        code = f" `{c.code}`" if c.code else ""
        block = section(f"{azure_text.STATUS_MARK[c.status]} *{c.name}* — {c.detail}{code}")
        if c.topic and c.status in ("warning", "error"):
            block["accessory"] = {
                "type": "button",
                "text": {"type": "plain_text", "text": "Explain"},
                "action_id": f"{HEALTH_TOPIC}_{n}",
                "value": c.topic,
            }
        blocks.append(block)
    blocks.append(context(f"{azure_text.status_summary(report)} · {report.seconds:g} s"))
    return blocks[:50]


def runs_blocks(report: RunsReport) -> list[Block]:
    return [section(azure_text.runs_text(report))]


def confirm_cancel_blocks(plan: CancelPlan) -> list[Block]:
    listed = "\n".join(azure_text.cancel_lines(plan.runs.runs, MAX_LISTED))
    count = len(plan.runs.runs)
    blocks = [
        section(f"*Cancel {count} run(s) in {plan.registry.name}?*\n{listed}"),
        {
            "type": "actions",
            "block_id": "acr_cancel",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": f"Cancel {count} run(s)"},
                    "style": "danger",
                    "action_id": CONFIRM_CANCEL,
                    "value": plan.token or "",
                    "confirm": {
                        "title": {"type": "plain_text", "text": "Cancel task runs?"},
                        "text": {
                            "type": "mrkdwn",
                            "text": cut(
                                f"This stops {count} running or queued run(s) in "
                                f"*{plan.registry.name}*. It cannot be undone.",
                                300,
                            ),
                        },
                        "confirm": {"type": "plain_text", "text": "Cancel them"},
                        "deny": {"type": "plain_text", "text": "Keep them"},
                        "style": "danger",
                    },
                },
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Keep them"},
                    "action_id": ABORT_CANCEL,
                    "value": plan.token or "",
                },
            ],
        },
        context(f"Only you can confirm this. It expires in {_minutes(plan)}."),
    ]
    return blocks


def _minutes(plan: CancelPlan) -> str:
    if plan.expires_at is None:
        return "a few minutes"
    seconds = max(0, round(plan.expires_at - time.time()))
    return f"{seconds // 60} minute(s)" if seconds >= 120 else f"{seconds} seconds"


def cancelling_blocks(registry: str, count: int) -> list[Block]:
    return [section(f":hourglass_flowing_sand: Cancelling {count} run(s) in *{registry}*…")]


def cancel_result_blocks(result: CancelResult) -> list[Block]:
    return [section(azure_text.cancel_result_text(result))]
