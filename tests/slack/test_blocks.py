"""Every knowledge topic renders into Block Kit that Slack accepts, in both languages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.commands.table import help_entries
from bot.config import Settings
from bot.knowledge import LANGUAGES
from bot.matching import Candidate, Match
from bot.render import blocks as render
from bot.render.blocks import run_request
from bot.services import build_services
from bot.store import MemoryStore

# Slack's published limits for the pieces the bot uses
LIMITS = {
    "section": 3000,
    "header": 150,
    "context": 3000,
    "button": 75,
    "value": 2000,
    "placeholder": 150,
    "block_id": 255,
}


def _check(blocks: list[dict[str, Any]]) -> None:
    assert 0 < len(blocks) <= 50
    for block in blocks:
        kind = block["type"]
        if kind in ("section", "header"):
            assert len(block["text"]["text"]) <= LIMITS[kind]
        if kind == "context":
            assert all(len(e["text"]) <= LIMITS["context"] for e in block["elements"])
        elements = block.get("elements", []) if kind == "actions" else []
        buttons = [e for e in elements if e.get("type") == "button"]
        for select in (e for e in elements if e.get("type") == "external_select"):
            assert len(select["placeholder"]["text"]) <= LIMITS["placeholder"]
        assert len(block.get("block_id", "")) <= LIMITS["block_id"]
        if "accessory" in block:
            buttons = [block["accessory"]]
        ids = [b["action_id"] for b in buttons]
        assert len(ids) == len(set(ids)), "action ids must be unique within a block"
        for button in buttons:
            assert len(button["text"]["text"]) <= LIMITS["button"]
            assert len(button["value"]) <= LIMITS["value"]


def test_every_topic_answer_fits_slacks_limits(knowledge_dir: Path) -> None:
    """Answers (with a registry and runner-ups) stay within Slack's block limits."""
    services = build_services(Settings(knowledge_dir=str(knowledge_dir)), store=MemoryStore())
    kb = services.kb
    others = tuple(Candidate(e.id, 70.0) for e in kb.entries[:3])
    for entry in kb.entries:
        match = Match(
            topic=entry.id,
            score=97.0,
            language="en",
            alternatives=others,
            matched_on="x" * 5000,
            registry="contosoprod",
        )
        for lang in LANGUAGES:
            _check(render.answer_blocks(kb, match, lang, source="1718000200.123456"))
            _check(render.shared_topic_blocks(entry, lang))
            _check(
                render.alternatives_blocks(
                    kb, [c.topic for c in others], lang, "1718000100.000001", "1718000200.123456"
                )
            )
            _check(render.shortcut_blocks(kb, match, lang, "token"))
            _check(render.alternatives_blocks(kb, [c.topic for c in others], lang, "1.2"))
    _check(render.faq_blocks(kb, "push", [Candidate(e.id, 60.0) for e in kb.entries[:5]], "en"))
    _check(
        render.help_blocks("ru", help_entries(), unknown="hlep", suggestion="help", degraded=True)
    )


def test_run_button_runs_the_topics_command_for_the_registry(knowledge_dir: Path) -> None:
    """The run button stands for `/acr <bot_command> <registry>`; buttons posted before it
    carried ``args`` (``{"command", "registry"}``) still run the same command."""
    services = build_services(Settings(knowledge_dir=str(knowledge_dir)), store=MemoryStore())
    entry = next(e for e in services.kb.entries if e.bot_command)
    match = Match(topic=entry.id, score=95.0, language="en", registry="contosoprod")
    actions = render.answer_blocks(services.kb, match, "en")[-1]["elements"]
    run = next(b for b in actions if b["action_id"] == render.RUN_COMMAND)
    assert run_request(json.loads(run["value"])) == f"{entry.bot_command} contosoprod"
    old = {"command": entry.bot_command, "registry": "contosoprod"}
    assert run_request(old) == f"{entry.bot_command} contosoprod"
