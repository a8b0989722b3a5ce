"""The on-disk matcher cache: fast starts that never serve a stale knowledge base."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import default_directory
from bot.matching.cache import load_matcher

FIREWALL = "denied: client with IP '10.1.2.3' is not allowed access"


@pytest.fixture
def knowledge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACRBOT_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "knowledge"
    shutil.copytree(default_directory(), target, ignore=shutil.ignore_patterns("__*"))
    return target


def test_an_edited_topic_is_served_at_once(knowledge: Path) -> None:
    """A changed knowledge file is a new cache key: the edit shows on the next start."""
    kb, _ = load_matcher(knowledge)
    assert load_matcher(knowledge)[0] == kb  # second start: the same content
    path = knowledge / "client-ip-not-allowed.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            kb["client-ip-not-allowed"].title["en"], "Firewall says no (edited)"
        ),
        encoding="utf-8",
    )
    kb, matcher = load_matcher(knowledge)
    assert kb["client-ip-not-allowed"].title["en"] == "Firewall says no (edited)"
    assert matcher.match(FIREWALL).topic == "client-ip-not-allowed"


def test_a_damaged_cache_is_rebuilt(knowledge: Path, tmp_path: Path) -> None:
    """Garbage in the cache file costs a rebuild, not a crash."""
    load_matcher(knowledge)
    for built in (tmp_path / "cache").glob("*.pickle"):
        built.write_bytes(b"not a pickle")
    _, matcher = load_matcher(knowledge)
    assert matcher.match(FIREWALL).topic == "client-ip-not-allowed"


def test_an_unwritable_cache_directory_is_no_obstacle(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only home (as in a locked-down pod) runs without the cache."""
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    monkeypatch.setenv("ACRBOT_CACHE_DIR", str(blocked / "cache"))
    _, matcher = load_matcher(knowledge)
    assert matcher.match(FIREWALL).topic == "client-ip-not-allowed"
