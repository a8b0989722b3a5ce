"""Where the shared reference material lives: ``<repo>/../shared`` (locally /work/shared).

Every test that reads recorded payloads imports from here, so the location is decided once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()
SLACK_EXAMPLES = SHARED / "reference" / "slack" / "examples"


def slack_example(relative: str) -> Any:
    """A recorded Slack JSON example, e.g. ``slack_example("web_api/auth.test.bot.json")``."""
    return json.loads((SLACK_EXAMPLES / relative).read_text(encoding="utf-8"))


def signing_vectors() -> dict[str, Any]:
    """The request-signing test vectors (secret, frozen clock, cases)."""
    data: dict[str, Any] = slack_example("signing_vectors.json")
    return data
