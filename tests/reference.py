"""The recorded Slack and Azure examples the fakes and payload builders start from.

They are copies kept in the repository (``tests/data/``, origins in ``tests/data/README.md``),
so a clone tests by itself. Every test that reads a recorded payload imports from here, so the
location is decided once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SLACK_EXAMPLES = DATA / "slack"
AZURE_EXAMPLES = DATA / "azure"


def slack_example(relative: str) -> Any:
    """A recorded Slack JSON example, e.g. ``slack_example("web_api/auth.test.bot.json")``."""
    return json.loads((SLACK_EXAMPLES / relative).read_text(encoding="utf-8"))


def signing_vectors() -> dict[str, Any]:
    """The request-signing test vectors (secret, frozen clock, cases)."""
    data: dict[str, Any] = slack_example("signing_vectors.json")
    return data


def azure_example(relative: str) -> Any:
    """The 200 body of a recorded Azure example (``"management/2025-11-01/RegistryGet.json"``)."""
    data = json.loads((AZURE_EXAMPLES / relative).read_text(encoding="utf-8"))
    return data["responses"]["200"].get("body")
