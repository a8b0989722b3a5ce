"""The README's "Deploy to AKS" section: complete, and its chart values really exist."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "charts/acr-chatops/values.schema.json").read_text())


def deploy_section() -> str:
    text = (REPO / "README.md").read_text()
    start = text.index("## Deploy to AKS")
    following = text.find("\n## ", start + 1)
    return text[start : following if following != -1 else len(text)]


def declared(path: str) -> bool:
    node: dict[str, Any] = SCHEMA
    for part in path.split("."):
        properties = node.get("properties", {})
        if part not in properties:
            return False
        node = properties[part]
    return True


def test_every_chart_value_named_in_the_section_exists() -> None:
    """Each `--set key=...` and each values key quoted in the section is a real chart value."""
    section = deploy_section()
    keys = set(re.findall(r"--set '?([A-Za-z][\w.]*)=", section))
    keys |= {k for k in re.findall(r"`([a-z][A-Za-z]+(?:\.[A-Za-z]+)+)(?:=[^`]*)?`", section)}
    files = (".yaml", ".md", ".io", ".toml", ".lock", ".json")
    keys = {k for k in keys if not k.endswith(files) and "/" not in k}
    assert "workloadIdentity.clientId" in keys
    missing = sorted(k for k in keys if not declared(k))
    assert missing == []
