"""The built wheel carries the knowledge base and works from any folder, not only the checkout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel and installed (non-editable) into a folder of its own."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    wheel = next(out.glob("acr_chatops-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert "knowledge/client-ip-not-allowed.yaml" in names and "knowledge/catalog.txt" in names
    site = out / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return site


def run_installed(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, bot.cli; print(bot.cli.__file__, file=sys.stderr); "
            "sys.exit(bot.cli.main(sys.argv[1:]))",
            *args,
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_wheel_runs_from_another_folder(installed: Path, tmp_path: Path) -> None:
    """From an unrelated folder the installed package lints its shipped knowledge and matches."""
    lint = run_installed(installed, tmp_path, "kb", "lint")
    assert str(installed) in lint.stderr  # the wheel's code ran, not the checkout's
    assert lint.returncode == 0, lint.stderr
    result = run_installed(
        installed, tmp_path, "match", "--json", "lookup contoso.azurecr.io: no such host"
    )
    assert json.loads(result.stdout)["topic"] == "dns-no-such-host"
