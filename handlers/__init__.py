"""Thin Slack listeners, one module per kind, each with ``register(app)``.

Listeners are module-level functions (Bolt's starter-template style): they read the process's
services from the request context (put there by ``bot.slack_app``), acknowledge first, and
hand their work to a service. Bolt tries listeners in registration order and every miss costs
a matcher call: /acr first (its acknowledgement is what people wait on), then pastes, then the
rarer clicks.
"""

from __future__ import annotations

from slack_bolt import App

from handlers import actions, messages, shortcuts, slash

KINDS = (slash, messages, actions, shortcuts)


def register_all(app: App) -> None:
    for kind in KINDS:
        kind.register(app)
