"""Thin Slack listeners: parse the request, call one service in bot/, render, answer.

Each module has ``register(app, services)``; ``register_all`` wires every one of them,
including the Azure commands (handlers.azure) when that module is present.
"""

from __future__ import annotations

import importlib
import logging

from slack_bolt import App

from bot.services import Services

log = logging.getLogger(__name__)

# Bolt tries listeners in registration order and every miss costs a matcher call: /acr first
# (its acknowledgement is what people wait on), then pastes, then the rarer clicks
MODULES = ("handlers.commands", "handlers.messages", "handlers.actions", "handlers.shortcuts")
OPTIONAL = ("handlers.azure",)


def register_all(app: App, services: Services) -> None:
    for name in MODULES:
        importlib.import_module(name).register(app, services)
    for name in OPTIONAL:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            log.info("%s is not installed; its commands answer 'not available'", name)
            continue
        module.register(app, services)
