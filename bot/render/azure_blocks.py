"""Block Kit renderings of the Azure reports. Plain dicts only; no Slack imports.

Action ids live here once, so the buttons and the listeners in handlers/actions.py agree.
"""

from __future__ import annotations

from bot.azure.reports import (
    CancelOutcome,
    CancelResult,
    HealthReport,
    InspectReport,
    RunsReport,
    UntaggedReport,
    UsageReport,
)
from bot.render import azure_text, images_text
from bot.render.blocks import Block, button, context, cut, notice, section
from bot.render.words import words

CONFIRM_CANCEL = "acr_cancel_confirm"
ABORT_CANCEL = "acr_cancel_abort"
HEALTH_TOPIC = "acr_health_topic"  # followed by _<n>: one button per line that has a topic

MAX_LISTED = 30


def usage_blocks(report: UsageReport, lang: str) -> list[Block]:
    w = words(lang)
    title = w["usage.title"].format(registry=report.registry, sku=report.sku)
    blocks = [section(f"{title} — `{report.login_server}`")]
    rows = [f"`{azure_text.usage_line(row, lang)}`" for row in report.usages]
    blocks.append(section("\n".join(rows) or w["usage.none"]))
    for warning in azure_text.usage_warnings(report, lang):
        blocks.append(section(f":warning: {warning}"))
    blocks.append(context(azure_text.measured(report, lang)))
    return blocks


def health_blocks(report: HealthReport, lang: str) -> list[Block]:
    w = words(lang)
    server = report.login_server or w["health.no_server"]
    blocks = [section(f"*check-health {report.registry}* — `{server}`")]
    for n, c in enumerate(report.checks):
        line = azure_text.health_line(c, lang)
        block = section(f"{azure_text.STATUS_MARK[c.status]} *{c.name}* — {line}")
        if c.topic and c.status in ("warning", "error"):
            block["accessory"] = button(w["explain"], f"{HEALTH_TOPIC}_{n}", c.topic)
        blocks.append(block)
    summary = azure_text.status_summary(report, lang)
    blocks.append(context(w["health.took"].format(summary=summary, seconds=report.seconds)))
    return blocks[:50]


def runs_blocks(report: RunsReport, lang: str) -> list[Block]:
    return [section(azure_text.runs_text(report, lang))]


def cancel_blocks(outcome: CancelOutcome, lang: str) -> list[Block]:
    """The confirmation with its buttons, or what there is to say instead."""
    if outcome.plan.token is None or outcome.result is not None:
        return notice(azure_text.cancel_outcome_text(outcome, lang))
    return confirm_cancel_blocks(outcome, lang)


def confirm_cancel_blocks(outcome: CancelOutcome, lang: str) -> list[Block]:
    plan = outcome.plan
    w = words(lang)
    listed = "\n".join(azure_text.cancel_lines(plan.runs.runs, MAX_LISTED, lang))
    count = len(plan.runs.runs)
    registry = plan.registry.name
    confirm = button(
        w["cancel_button"].format(count=count), CONFIRM_CANCEL, plan.token or "", style="danger"
    )
    confirm["confirm"] = {
        "title": {"type": "plain_text", "text": w["cancel_title"]},
        "text": {
            "type": "mrkdwn",
            "text": cut(w["cancel_warning"].format(count=count, registry=registry), 300),
        },
        "confirm": {"type": "plain_text", "text": w["cancel_confirm"]},
        "deny": {"type": "plain_text", "text": w["keep_button"]},
        "style": "danger",
    }
    question = w["cancel_question"].format(count=count, registry=registry)
    return [
        section(f"*{question}*\n{listed}"),
        {
            "type": "actions",
            "block_id": "acr_cancel",
            "elements": [confirm, button(w["keep_button"], ABORT_CANCEL, plan.token or "")],
        },
        context(w["confirm_expires"].format(expires=_expires(outcome.expires_in, lang))),
    ]


def _expires(seconds: float | None, lang: str) -> str:
    w = words(lang)
    if seconds is None:
        return w["few_minutes"]
    left = max(0, round(seconds))
    if left >= 120:
        return w["minutes"].format(count=left // 60)
    return w["seconds"].format(count=left)


def cancelling_blocks(registry: str, count: int, lang: str) -> list[Block]:
    text = words(lang)["cancelling"].format(count=count, registry=registry)
    return [section(f":hourglass_flowing_sand: {text}")]


def cancel_result_blocks(result: CancelResult, lang: str = "en") -> list[Block]:
    return [section(azure_text.cancel_result_text(result, lang))]


def explain_buttons(topics: list[str], lang: str) -> list[Block]:
    """An "Explain" button per knowledge topic (the health line's action: shown privately)."""
    if not topics:
        return []
    label = words(lang)["explain"]
    elements = [
        button(f"{label}: {topic}", f"{HEALTH_TOPIC}_{n}", topic) for n, topic in enumerate(topics)
    ]
    return [{"type": "actions", "elements": elements}]


def inspect_blocks(report: InspectReport, lang: str) -> list[Block]:
    text = images_text.inspect_text(report, lang)
    return [section(text), *explain_buttons(images_text.inspect_topics(report), lang)]


def untagged_blocks(report: UntaggedReport, lang: str) -> list[Block]:
    """The totals and the largest repositories, then the purge command in a section of its
    own, so a long list can never cut the command short."""
    text = images_text.untagged_text(report, lang)
    head, marker, rest = text.partition("\n" + words(lang)["untagged_purge"])
    if not marker:
        return [section(text)]
    return [section(head), section(marker.strip() + rest)]
