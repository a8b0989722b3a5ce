"""The layering rule holds (ARCHITECTURE.md): import-linter's contracts, no import cycles, and
`acrbot match` starting without the Azure SDK or Slack's libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

from tests.reference import REPO


def test_the_import_contracts_hold() -> None:
    """Every contract in pyproject's [tool.importlinter] is kept (the report says which not).

    import-linter runs in a process of its own: it reconfigures logging, which would silence
    the loggers of this test process.
    """
    done = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def _cycle(graph: grimp.ImportGraph) -> list[str] | None:
    """One import cycle among the modules of ``graph``, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state:
                found = visit(imported)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module not in state:
            found = visit(module)
            if found:
                return found
    return None


def test_there_are_no_import_cycles() -> None:
    """No module imports itself through others (imports under TYPE_CHECKING aside)."""
    graph = grimp.build_graph("bot", "handlers", exclude_type_checking_imports=True)
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


def test_match_starts_without_the_azure_sdk_or_slack() -> None:
    """`python -X importtime -m bot match x` loads neither the Azure SDK nor Slack's libraries."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "bot", "match", "x"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    modules = {
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "bot.cli.match" in modules
    heavy = sorted(m for m in modules if m.split(".")[0] in ("azure", "slack_bolt", "slack_sdk"))
    assert heavy == []
