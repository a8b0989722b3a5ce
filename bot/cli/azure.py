"""`acrbot usage | check-health | runs | cancel-runs <registry>`: the Azure commands on a terminal.

Options are turned back into `/acr` words and parsed by bot.commands, so the command line,
the console and Slack accept exactly the same input. ``--json`` prints the contract objects of
bot.render.azure_text. cancel-runs asks on the terminal unless ``--yes``; its exit status is
non-zero when any run failed to cancel.
"""

from __future__ import annotations

import argparse
import getpass
import json
import shlex
import sys
from typing import Any

from bot.access import Caller
from bot.azure import AzureOps, CancelResult
from bot.commands import Command, parse
from bot.config import Settings
from bot.render import azure_text
from bot.store import connect


def add_parser(sub: Any) -> None:
    p = sub.add_parser("usage", help="storage and quota usage of a registry")
    p.add_argument("registry", help="name, login server or resource id")
    p.add_argument("--refresh", action="store_true", help="ask Azure again, skip the cache")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_usage)

    p = sub.add_parser("check-health", help="diagnose a registry from DNS to token")
    p.add_argument("registry", help="name, login server or resource id")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_health)

    p = sub.add_parser("runs", help="list ACR Tasks runs, newest first")
    p.add_argument("registry", help="name, login server or resource id")
    p.add_argument("--status", help="Queued, Started, Running, Succeeded, Failed, Canceled, …")
    p.add_argument("--task", help="only runs of this task")
    p.add_argument("--top", help="how many runs (1-100, default 20)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_runs)

    p = sub.add_parser("cancel-runs", help="cancel running and queued runs (asks first)")
    p.add_argument("registry", help="name, login server or resource id")
    p.add_argument("--task", help="only runs of this task")
    p.add_argument("--dry-run", action="store_true", help="show what would be cancelled")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run_cancel)


def _command(name: str, args: argparse.Namespace, *flags: str) -> Command:
    words = [name, args.registry]
    for flag in flags:
        value = getattr(args, flag.replace("-", "_"), None)
        if value is True:
            words.append(f"--{flag}")
        elif value not in (None, False):
            words += [f"--{flag}", str(value)]
    return parse(shlex.join(words))


def _ops() -> AzureOps:
    settings = Settings.from_env()
    return AzureOps(settings, connect(settings))


def _caller() -> Caller:
    return Caller(user_id=getpass.getuser(), source="cli")


def _print(data: dict[str, Any]) -> None:
    print(json.dumps(data, ensure_ascii=False))


def run_usage(args: argparse.Namespace) -> int:
    command = _command("usage", args, "refresh")
    report = _ops().usage(_caller(), command.registry or "", refresh=command.refresh)
    if args.json:
        _print(azure_text.usage_json(report))
    else:
        print(azure_text.usage_text(report))
    return 0


def run_health(args: argparse.Namespace) -> int:
    command = _command("check-health", args)
    report = _ops().health(_caller(), command.registry or "")
    if args.json:
        _print(azure_text.health_json(report))
    else:
        print(azure_text.health_text(report))
    return 1 if report.worst == "error" else 0


def run_runs(args: argparse.Namespace) -> int:
    command = _command("runs", args, "status", "task", "top")
    report = _ops().runs(
        _caller(), command.registry or "", command.status, command.task, command.top
    )
    if args.json:
        _print(azure_text.runs_json(report))
    else:
        print(azure_text.runs_text(report))
    return 0


def _ask(question: str) -> bool:
    print(question, end=" ", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def run_cancel(args: argparse.Namespace) -> int:
    command = _command("cancel-runs", args, "task", "dry-run")
    ops = _ops()
    caller = _caller()
    plan = ops.plan_cancel(
        caller, command.registry or "", command.task, dry_run=command.dry_run, confirm=False
    )
    runs = [run.run_id for run in plan.runs.runs]
    out = sys.stderr if args.json else sys.stdout
    print(azure_text.cancel_plan_text(plan.runs, dry_run=command.dry_run), file=out)
    if command.dry_run or not runs:
        if args.json:
            skipped = [(r, "dry run") for r in runs] if command.dry_run else []
            _print(azure_text.cancel_json(CancelResult(plan.registry.name, skipped=skipped)))
        return 0
    if not args.yes and not _ask(f"Cancel {len(runs)} run(s) in {plan.registry.name}? [y/N]"):
        print("Nothing was cancelled.", file=sys.stderr)
        if args.json:
            _print(azure_text.cancel_json(CancelResult(plan.registry.name)))
        return 1
    result = ops.cancel_now(caller, plan.registry, runs)
    if args.json:
        _print(azure_text.cancel_json(result))
    else:
        print(azure_text.cancel_result_text(result))
    return 0 if result.ok else 1
