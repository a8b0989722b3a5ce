"""`make run` sets up the runtime alone, `make test` adds the test tools, and a venv made with
an unsupported Python is rebuilt instead of failing later."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.reference import REPO


def make(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def installs(dry_run: str) -> list[str]:
    return [line for line in dry_run.splitlines() if "pip install" in line]


def test_run_installs_the_runtime_only_and_test_adds_the_extras(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run = make("-n", "run", f"VENV={venv}")
    assert run.returncode == 0, run.stderr
    assert any(" -e ." in line for line in installs(run.stdout))
    assert not any("[test]" in line for line in installs(run.stdout)), run.stdout
    test = make("-n", "test", f"VENV={venv}")
    assert any("-e '.[test]'" in line for line in installs(test.stdout)), test.stdout


def _fake_interpreter(path: Path, version: str) -> None:
    """A `python` that fails the version check as an old interpreter would."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'#!/bin/sh\n[ "$1" = --version ] && echo "Python {version}"\nexit 1\n', encoding="utf-8"
    )
    path.chmod(0o755)


@pytest.mark.parametrize("kind", ["old", "broken"])
def test_a_venv_with_an_unsupported_python_is_removed_to_be_built_again(
    tmp_path: Path, kind: str
) -> None:
    """Checked when the Makefile is read, so `make run` and `make test` both rebuild it (a dry
    run shows the rebuild without doing it; CI builds a real one in its fresh clone)."""
    venv = tmp_path / "venv"
    if kind == "old":
        _fake_interpreter(venv / "bin" / "python", "3.9.18")
    else:  # the Python it was made from was uninstalled
        (venv / "bin").mkdir(parents=True)
        (venv / "bin" / "python").symlink_to(tmp_path / "gone" / "python3.11")
    (venv / ".test-installed").touch()  # a stamp that must not be trusted
    done = make("-n", "test", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unsupported or broken Python: removing it" in done.stdout
    assert not venv.exists()
    assert f"-m venv {venv}" in done.stdout and "-e '.[test]'" in done.stdout


def test_a_working_venv_is_kept(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # a Python >= 3.11 that can import pip, made in a moment: the base interpreter's packages
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
        check=True,
    )
    done = make("-n", "venv", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert done.returncode == 0 and "unsupported" not in done.stdout
    assert (venv / "bin" / "python").exists()


def test_an_old_python_is_refused_with_what_to_do(tmp_path: Path) -> None:
    old = tmp_path / "bin" / "python3"
    _fake_interpreter(old, "3.9.18")
    done = make("venv", f"VENV={tmp_path / 'venv'}", f"PYTHON={old}")
    assert done.returncode != 0
    assert "needs Python 3.11 or newer" in done.stderr and "Python 3.9.18" in done.stderr
    assert not (tmp_path / "venv").exists()
