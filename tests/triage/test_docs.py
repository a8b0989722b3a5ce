"""The README stays true to the code: every setting the bot reads is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_in_the_readme() -> None:
    """Each environment variable read in bot/config.py appears in the README's table."""
    source = (ROOT / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:ACRBOT|SLACK|AZURE|REDIS)_[A-Z_]+|PORT)"', source))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert names and not missing, f"undocumented settings: {missing}"


def test_readme_opens_with_the_two_commands() -> None:
    """`make run` and `make test` are the first things a reader sees."""
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:600]
    assert "make run" in head and "make test" in head
