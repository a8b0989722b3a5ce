"""manifest.yaml: valid for Slack, and in step with what the code listens to."""

from __future__ import annotations

import ast
import inspect
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from handlers.shortcuts import CALLBACK_ID
from tests.fakes.slack_api import BOT_TOKEN, EVENT_SCOPES, METHOD_SCOPES, FakeSlackAPI
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


def web_api_methods_called() -> set[str]:
    """Every Slack Web API method the bot's code calls, found in its source.

    A call ``<x>.<name>(…)`` counts when ``name`` is a ``WebClient`` method; the API method it
    stands for is read from slack_sdk's own source of that method (its ``api_call("…")``).
    """
    found: set[str] = set()
    for path in [*(REPO / "bot").rglob("*.py"), *(REPO / "handlers").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            method = WebClient.__dict__.get(node.func.attr)
            if not inspect.isfunction(method):
                continue
            called = re.search(r'api_call\(\s*"([\w.]+)"', inspect.getsource(method))
            if called:
                found.add(called.group(1))
    return found


def test_manifest_asks_only_for_the_scopes_it_uses() -> None:
    """The bot scopes are exactly those of the Web API methods the code calls, the events it
    subscribes to, and `commands` for /acr and the shortcut (the fake Slack API refuses a call
    whose scope the manifest lacks, as Slack does)."""
    manifest = _manifest()
    methods = web_api_methods_called()
    assert {"chat.postMessage", "users.info"} <= methods  # the scan sees the calls
    unknown = methods - set(METHOD_SCOPES)
    assert not unknown, f"state the scope of {unknown} in tests/fakes/slack_api.py"
    needed = {METHOD_SCOPES[m] for m in methods} - {None}
    needed |= {EVENT_SCOPES[e] for e in manifest["settings"]["event_subscriptions"]["bot_events"]}
    if manifest["features"].get("slash_commands") or manifest["features"].get("shortcuts"):
        needed.add("commands")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_a_call_the_manifest_does_not_allow_is_refused() -> None:
    """The fake Slack API answers missing_scope, as Slack does, for a scope not granted."""
    with FakeSlackAPI() as slack:
        slack.scopes = frozenset()
        client = WebClient(token=BOT_TOKEN, base_url=slack.api_url)
        with pytest.raises(SlackApiError) as refused:
            client.chat_postMessage(channel="C1", text="hi")
    assert refused.value.response["error"] == "missing_scope"
