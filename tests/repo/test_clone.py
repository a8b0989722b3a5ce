"""A copy of the repository tests by itself: nothing outside it (such as ../shared) is read.

`.ci/run` runs the whole of `make test` in a fresh clone; this test is the quick local check
that collection and the tests built on recorded examples work in a folder with nothing beside it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.reference import REPO
from tests.repo.inner_pytest import run_pytest

LEFT_BEHIND = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache", ".ruff_cache"
)
# each reads recorded examples: signing vectors, the manifest schema, ARM and Slack answers
USES_RECORDED_DATA = (
    "tests/slack/test_signing.py",
    "tests/slack/test_manifest.py",
    "tests/slack/test_triage.py::test_language_prefers_a_question_then_the_locale_then_the_default",
    "tests/azure/test_usage.py::test_usage_lists_every_row_with_percent_and_tier",
)


def test_a_lone_copy_collects_and_runs_the_recorded_example_tests(tmp_path: Path) -> None:
    """In a folder with no ../shared, every test collects and the data-driven ones pass."""
    copy = tmp_path / "acr-chatops"
    shutil.copytree(REPO, copy, ignore=LEFT_BEHIND)
    assert not (copy.parent / "shared").exists()
    collect = run_pytest(copy, "--collect-only", "-q")
    assert collect.returncode == 0, collect.stdout[-3000:] + collect.stderr[-3000:]
    run = run_pytest(copy, "-q", *USES_RECORDED_DATA)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
