"""manifest.yaml: valid for Slack, and in step with what the code listens to."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import yaml

from handlers.shortcuts import CALLBACK_ID
from tests.reference import REPO, SLACK_EXAMPLES


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "manifest.yaml").read_text(encoding="utf-8"))
    return data


def test_manifest_validates_against_slacks_schema() -> None:
    """The manifest passes Slack's published manifest schema."""
    schema = json.loads((SLACK_EXAMPLES / "manifest.schema.1.0.0.json").read_text())
    jsonschema.validate(_manifest(), schema)


def test_manifest_matches_the_listeners() -> None:
    """/acr with a usage hint, the triage shortcut, the events and Socket Mode are declared."""
    manifest = _manifest()
    features = manifest["features"]
    (command,) = features["slash_commands"]
    assert command["command"] == "/acr" and "faq <words>" in command["usage_hint"]
    (shortcut,) = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", CALLBACK_ID)
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.channels",
        "message.groups",
        "message.im",
    }
    assert settings["interactivity"]["is_enabled"] and settings["socket_mode_enabled"]


def test_manifest_asks_only_for_the_scopes_it_uses() -> None:
    """Eight bot scopes, each needed by an event or a Web API method the bot calls."""
    assert set(_manifest()["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "chat:write",
        "commands",
        "users:read",
        "usergroups:read",
    }
