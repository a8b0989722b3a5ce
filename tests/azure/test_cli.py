"""`acrbot usage | check-health | runs | cancel-runs` as other tools call them, and the console.

The command line runs in this process (``bot.cli.main``); one test starts a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import console
from bot.config import Settings
from bot.services import build_services
from bot.store import MemoryStore
from tests.azure.conftest import AzureWorld, Ran, as_json
from tests.fakes.azure_http import REPO
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES


def acrbot_process(
    world: AzureWorld, *args: str, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    """The real `python -m bot …` process, as another tool starts it (its own stderr and logs)."""
    base = {k: v for k, v in os.environ.items() if k not in OTHER_IDENTITY_VARIABLES}
    base.pop("REDIS_URL", None)
    base.update(world.env(**env))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=base,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_usage_json_contract(world: AzureWorld) -> None:
    """`acrbot usage X --json` (a real process) prints registry, login_server, sku and usages
    with exact keys."""
    result = acrbot_process(world, "usage", "contosoprod", "--json")
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert set(data) == {"registry", "login_server", "sku", "usages"}
    assert data["registry"] == "contosoprod" and data["sku"] == "Standard"
    assert data["usages"][0] == {
        "name": "Size",
        "current": 12345678,
        "limit": 107374182400,
        "unit": "Bytes",
    }


def test_runs_json_contract(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    """`acrbot runs X --json` lists run_id, status, task and create_time for each run."""
    world.arm.add_runs("contosoprod", 2, status="Failed")
    result = acrbot(world, "runs", "contosoprod", "--status", "failed", "--top", "5", "--json")
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert set(data) == {"registry", "runs"}
    assert data["runs"][0] == {
        "run_id": "ca2",
        "status": "Failed",
        "task": "build",
        "create_time": "2026-11-29T10:00:02Z",
    }


def test_check_health_json_contract(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    """`acrbot check-health X --json` prints registry and the checks with exact keys."""
    result = acrbot(world, "check-health", "contosoprod", "--json")
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert set(data) == {"registry", "checks"}
    assert {c["name"]: c["status"] for c in data["checks"]}["access-token"] == "ok"


def test_cancel_runs_yes_json_contract(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    """`cancel-runs --yes --json` cancels without asking and reports each run."""
    world.arm.add_runs("contosoprod", 3)
    result = acrbot(world, "cancel-runs", "contosoprod", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert set(data) == {"registry", "cancelled", "skipped", "failed"}
    assert sorted(data["cancelled"]) == ["ca1", "ca2", "ca3"]
    assert data["skipped"] == [] and data["failed"] == []


def test_cancel_runs_asks_on_the_terminal(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    """Without --yes the command asks; answering no cancels nothing and exits non-zero."""
    world.arm.add_runs("contosoprod", 2)
    refused = acrbot(world, "cancel-runs", "contosoprod", stdin="n\n")
    assert refused.returncode == 1
    assert "Cancel 2 run(s) in contosoprod? [y/N]" in refused.stderr
    assert world.arm.calls["runs.cancel"] == 0
    accepted = acrbot(world, "cancel-runs", "contosoprod", stdin="y\n")
    assert accepted.returncode == 0, accepted.stderr
    assert "2 cancelled, 0 skipped, 0 failed" in accepted.stdout


def test_cancel_runs_dry_run_cancels_nothing(world: AzureWorld, acrbot: Callable[..., Ran]) -> None:
    """--dry-run lists the runs it would cancel as skipped and calls no cancel."""
    world.arm.add_runs("contosoprod", 2)
    data = as_json(acrbot(world, "cancel-runs", "contosoprod", "--dry-run", "--json"))
    assert data["cancelled"] == []
    assert {s["reason"] for s in data["skipped"]} == {"dry run"}
    assert world.arm.calls["runs.cancel"] == 0


def test_cancel_runs_exit_status_is_non_zero_on_failure(
    world: AzureWorld, acrbot: Callable[..., Ran]
) -> None:
    """When a run fails to cancel the JSON names it and the exit status is non-zero."""
    world.arm.add_runs("contosoprod", 1)
    world.arm.fail("runs.cancel", 500, "InternalServerError", times=10)
    result = acrbot(world, "cancel-runs", "contosoprod", "--yes", "--json")
    assert result.returncode == 1
    data = as_json(result)
    assert data["failed"][0]["run_id"] == "ca1"
    assert "HTTP 500" in data["failed"][0]["error"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("usage", "bad-name"), "is not a registry name"),
        (("runs", "contosoprod", "--status", "Sleeping"), "Unknown status `Sleeping`"),
        (("usage", "missingregistry"), "was not found"),
    ],
)
def test_errors_are_one_sentence_without_trace(
    world: AzureWorld, acrbot: Callable[..., Ran], args: tuple[str, ...], message: str
) -> None:
    """Bad input and Azure errors print one clear line and exit 1, never a traceback."""
    result = acrbot(world, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "code", "fragment", "status"),
    [
        (("usage", "bad-name"), "bad_input", "is not a registry name", 1),
        (("check-health", "bad-name"), "bad_input", "is not a registry name", 1),
        (("runs", "contosoprod", "--status", "Sleeping"), "bad_input", "Unknown status", 1),
        (("cancel-runs", "bad-name", "--yes"), "bad_input", "is not a registry name", 1),
        (("usage", "missingregistry"), "azure_not_found", "was not found", 1),
        (("usage",), "usage", "required: registry", 2),
        (("runs", "contosoprod", "--bogus"), "usage", "unrecognized arguments: --bogus", 2),
    ],
)
def test_json_errors_are_one_error_object_on_stdout(
    world: AzureWorld,
    acrbot: Callable[..., Ran],
    *,
    args: tuple[str, ...],
    code: str,
    fragment: str,
    status: int,
) -> None:
    """With --json a failure is {"error": {"code", "message"}} on stdout, exit non-zero."""
    result = acrbot(world, *args, "--json")
    assert result.returncode == status
    data = as_json(result)
    assert set(data) == {"error"} and set(data["error"]) == {"code", "message"}
    assert data["error"]["code"] == code
    assert fragment in data["error"]["message"]
    assert "Traceback" not in result.stderr


def test_a_failed_sign_in_is_our_one_sentence_without_library_warnings(
    world: AzureWorld, tmp_path: Path
) -> None:
    """azure-identity's many-line ChainedTokenCredential warning and bare `azure.error` log
    lines stay out: the console prints the answer alone, the CLI one line on stderr (real
    processes: what they write to stderr is the point)."""
    world.identity.fail_status = 400
    no_az = {"ACRBOT_CREDENTIAL": "default", "PATH": str(tmp_path)}
    console_run = acrbot_process(world, "console", stdin="/acr usage contosoprod\n", **no_az)
    assert console_run.returncode == 0
    answer, separator = console_run.stdout.splitlines()
    assert answer.startswith("The bot could not get an Azure token from any source")
    assert set(separator) == {"—"}
    assert console_run.stderr == ""
    cli_run = acrbot_process(world, "usage", "contosoprod", **no_az)
    assert cli_run.returncode == 1 and cli_run.stdout == ""
    (line,) = cli_run.stderr.splitlines()
    assert line.startswith("acrbot: The bot could not get an Azure token from any source")
    logged = acrbot_process(world, "usage", "contosoprod", ACRBOT_LOG_LEVEL="debug", **no_az)
    *logs, last = logged.stderr.splitlines()
    assert logs and all(json.loads(entry)["level"] for entry in logs)  # logs: JSON lines only
    assert last.startswith("acrbot: The bot could not get an Azure token")
    assert logged.stdout == ""


def test_console_runs_the_azure_commands(world: AzureWorld) -> None:
    """In the console, /acr usage and /acr cancel-runs answer as text; cancel is a dry run."""
    world.arm.add_runs("contosoprod", 2)
    services = build_services(Settings.from_env(world.env()), MemoryStore())
    services.ops().arm.retry_total = 0
    usage = console.respond(services, "/acr usage contosoprod")
    assert "Size: 11.8 MiB of 100.0 GiB" in usage
    plan = console.respond(services, "/acr cancel-runs contosoprod")
    assert "Would cancel 2 run(s)" in plan and "acrbot cancel-runs contosoprod" in plan
    assert world.arm.calls["runs.cancel"] == 0
    assert "is not a registry name" in console.respond(services, "/acr runs x")
