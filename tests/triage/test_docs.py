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


def test_readme_opens_with_what_the_machine_needs_then_the_two_commands() -> None:
    """Python ≥ 3.11 and Redis (how to get both on Debian/Ubuntu and macOS) come first, then
    `make run` and `make test`, and `make clean` next to them."""
    head = (ROOT / "README.md").read_text(encoding="utf-8")[:2000]
    assert "make run" in head and "make test" in head and "make clean" in head
    first_command = head.index("make run")
    for need in ("Python 3.11", "Redis", "apt-get install", "brew install", "redis-server --"):
        assert need in head[:first_command], f"{need!r} is not said before `make run`"
