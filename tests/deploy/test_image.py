"""The container image: what can be checked without a Docker engine.

The Dockerfile is read and its final stage asserted; then the build stage's own RUN steps are
executed for real (paths moved under a temporary root) in a fresh virtual environment as a
non-root user, and the result is run the way the runtime stage runs it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.deploy.dockerfile import Stage, parse
from tests.fakes.running_bot import BotProcess, bot_env, usable_knowledge_dir
from tests.fakes.slack_api import FakeSlackAPI

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = parse(REPO / "Dockerfile")
COMPILERS = re.compile(r"\b(gcc|g\+\+|clang|cc|make|build-essential|python3?-dev|libc6?-dev)\b")
NOBODY = 65534


def runtime_uid() -> int:
    user = DOCKERFILE.final.last("USER")
    assert user is not None
    return int(user.args.split(":")[0])


def test_builds_offline_with_the_engines_own_dockerfile_frontend() -> None:
    """No `# syntax=` directive: BuildKit would download that frontend image first, so a build
    without internet fails. Nothing in the file needs a newer frontend (no RUN --mount, COPY
    --link/--chmod/--parents/--exclude, heredocs)."""
    first_lines = (REPO / "Dockerfile").read_text(encoding="utf-8").splitlines()[:5]
    assert not [line for line in first_lines if re.match(r"#\s*syntax\s*=", line, re.I)]
    newer = re.compile(r"--(mount|link|chmod|parents|exclude|checksum|network|security)\b|<<")
    for stage in DOCKERFILE.stages:
        for instruction in stage.instructions:
            assert not newer.search(instruction.args), f"{instruction.keyword} {instruction.args}"


def test_final_stage_runs_as_a_fixed_non_root_uid() -> None:
    """The image's USER is a fixed numeric UID:GID other than root (Kubernetes can verify it)."""
    user = DOCKERFILE.final.last("USER")
    assert user is not None
    uid, _, gid = user.args.partition(":")
    assert uid.isdigit() and gid.isdigit()
    assert int(uid) >= 1000
    assert int(gid) >= 1000


def test_chart_runs_pods_as_the_image_user() -> None:
    """The chart's runAsUser is the image's UID, so the read-only image works unchanged."""
    values = yaml.safe_load((REPO / "charts/acr-chatops/values.yaml").read_text())
    assert values["podSecurityContext"]["runAsUser"] == runtime_uid()


def test_healthcheck_probes_healthz_with_the_bots_own_probe() -> None:
    """HEALTHCHECK calls /healthz through bot.observe.probe (no curl in a slim image)."""
    check = DOCKERFILE.final.last("HEALTHCHECK")
    assert check is not None
    command = check.args.split("CMD", 1)[1]
    argv = json.loads(command.strip())
    assert argv[:3] == ["python", "-m", "bot.observe.probe"]
    assert "/healthz" in argv
    assert (REPO / "bot" / "observe" / "probe.py").exists()


def test_entrypoint_is_the_acrbot_command() -> None:
    """ENTRYPOINT is the acrbot console script and the default command is `serve`."""
    entry = DOCKERFILE.final.last("ENTRYPOINT")
    cmd = DOCKERFILE.final.last("CMD")
    assert entry is not None and cmd is not None
    assert entry.exec_form() == ["acrbot"]
    assert cmd.exec_form() == ["serve"]
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["acrbot"] == "bot.cli:main"


def test_oci_labels_are_set() -> None:
    """The final image carries the OCI title, description, version, revision and licence."""
    labels = " ".join(i.args for i in DOCKERFILE.final.all("LABEL"))
    for key in ("title", "description", "version", "revision", "created", "licenses"):
        assert f"org.opencontainers.image.{key}=" in labels


def test_multi_stage_with_nothing_but_the_environment_copied_over() -> None:
    """Two stages; the final one installs nothing and has no compilers, only the built venv."""
    assert len(DOCKERFILE.stages) >= 2
    final = DOCKERFILE.final
    assert final.base == DOCKERFILE.stage("build").base
    for run in final.all("RUN"):
        assert "pip" not in run.args
        assert "apt-get" not in run.args
        assert not COMPILERS.search(run.args)
    copies = final.all("COPY")
    assert copies and all(c.args.startswith("--from=build /opt/acrbot") for c in copies)


def test_dependencies_come_from_the_hashed_lock() -> None:
    """The build installs with --require-hashes from requirements.lock, binary wheels only."""
    runs = " ".join(r.args for r in DOCKERFILE.stage("build").all("RUN"))
    assert "--require-hashes" in runs
    assert "-r requirements.lock" in runs
    assert "--no-build-isolation" in runs


def _locked(path: Path) -> dict[str, str]:
    text = path.read_text()
    pins = dict(re.findall(r"^([a-z0-9][a-z0-9._-]*)==(\S+)", text, re.MULTILINE | re.IGNORECASE))
    blocks = re.split(r"\n(?=[a-z0-9])", text, flags=re.IGNORECASE)
    for block in blocks:
        if "==" in block.split("\n", 1)[0]:
            assert "--hash=sha256:" in block, f"no hash for {block.split()[0]}"
    return {name.lower().replace("_", "-"): version for name, version in pins.items()}


def test_lock_pins_every_runtime_dependency_with_hashes() -> None:
    """Every dependency in pyproject.toml is pinned with hashes (regenerate the lock if not)."""
    locked = _locked(REPO / "requirements.lock")
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in declared:
        name = re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in locked, f"{name} is missing from requirements.lock: run pip-compile"
    build = _locked(REPO / "requirements-build.lock")
    assert "hatchling" in build


def test_dockerignore_keeps_the_context_small() -> None:
    """.dockerignore sends only what the build copies: no .venv, tests, .git or caches."""
    rules = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[0] == "**"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    copied = set()
    for copy in DOCKERFILE.stage("build").all("COPY"):
        copied.update(copy.args.split()[:-1])
    assert copied <= allowed
    assert not {".venv", "tests", ".git", "charts"} & allowed


# ---- the install steps, run for real --------------------------------------------------------


@dataclass
class Installed:
    root: Path
    env: dict[str, str]
    prefix: list[str]

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self.prefix, *argv],
            env=self.env,
            cwd=self.root / "tmp",
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def _as_user_prefix() -> tuple[list[str], str]:
    """Run as nobody when we are root (setpriv), else as ourselves (already not root)."""
    if os.geteuid() != 0:
        return [], sys._base_executable  # type: ignore[attr-defined]
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot drop to a non-root user")
    python = shutil.which("python3.11", path="/usr/bin:/usr/local/bin")
    if python is None:
        pytest.skip("no Python 3.11 that a non-root user can execute")
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", "--"]
    return prefix, python


def _relocate(text: str, root: Path) -> str:
    return re.sub(r"(?<![\w.])/(opt|wheels|src)\b", lambda m: f"{root}/{m.group(1)}", text)


def _stage_env(stage: Stage, root: Path, base: dict[str, str]) -> dict[str, str]:
    env = dict(base)
    for instruction in stage.all("ENV"):
        for key, value in re.findall(r"(\w+)=(\S+)", instruction.args):
            env[key] = _relocate(value.replace("$PATH", env.get("PATH", "")), root)
    return env


def _copy_into(stage: Stage, workdir: Path) -> None:
    for copy in stage.all("COPY"):
        parts = copy.args.split()
        if parts[0].startswith("--"):
            continue
        *sources, target = parts
        for source in sources:
            origin = REPO / source
            destination = workdir / target if target != "./" else workdir / source
            if target.endswith("/") and target != "./":
                destination = workdir / target / source
            if origin.is_dir():
                shutil.copytree(origin, destination, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(origin, destination)


@pytest.fixture(scope="module")
def installed() -> Iterator[Installed]:
    """Execute the Dockerfile's build-stage steps once, as a non-root user, in a temp root."""
    prefix, python = _as_user_prefix()
    root = Path(tempfile.mkdtemp(prefix="acrbot-image-", dir="/tmp"))
    try:
        bindir = root / "base-bin"
        for name in ("src", "opt", "tmp", "home"):
            (root / name).mkdir()
        bindir.mkdir()
        (bindir / "python").symlink_to(python)
        build = DOCKERFILE.stage("build")
        _copy_into(build, root / "src")
        base_env = {
            "PATH": f"{bindir}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(root / "home"),
            "LANG": "C.UTF-8",
        }
        for key in ("PIP_FIND_LINKS", "PIP_CERT", "PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL"):
            if key in os.environ:
                base_env[key] = os.environ[key]
        build_env = _stage_env(build, root, base_env)
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", f"{NOBODY}:{NOBODY}", str(root)], check=True)
        for run in build.all("RUN"):
            done = subprocess.run(
                [*prefix, "/bin/sh", "-c", _relocate(run.args, root)],
                env=build_env,
                cwd=root / "src",
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert done.returncode == 0, f"{run.args}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        # The runtime stage gets only /opt/acrbot, read-only, and no source tree.
        shutil.rmtree(root / "src")
        shutil.rmtree(root / "opt" / "build")
        subprocess.run(["chmod", "-R", "a-w", str(root / "opt")], check=True)
        runtime_env = _stage_env(DOCKERFILE.final, root, base_env)
        runtime_env["PATH"] = runtime_env["PATH"].replace(f"{bindir}:", "")
        yield Installed(root=root, env=runtime_env, prefix=prefix)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(root)], check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_installed_image_reports_its_version(installed: Installed) -> None:
    """`acrbot --version` works from the image's environment as a non-root user."""
    done = installed.run("acrbot", "--version")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"acrbot \d+\.\d+\.\d+\S*\n", done.stdout)
    assert "+source" not in done.stdout


@pytest.mark.slow
def test_installed_image_holds_no_build_tools(installed: Installed) -> None:
    """The environment copied into the image has no pip and no build backend."""
    bin_dir = installed.root / "opt" / "acrbot" / "bin"
    assert (bin_dir / "acrbot").exists()
    assert not (bin_dir / "pip").exists()
    done = installed.run("python", "-c", "import hatchling")
    assert done.returncode != 0


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=3) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


@pytest.mark.slow
def test_installed_image_imports_the_installed_copy(installed: Installed) -> None:
    """The image's Python finds the bot in its own environment, not in a source tree."""
    done = installed.run("python", "-c", "import bot; print(bot.__file__)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(installed.root / "opt" / "acrbot"))


@pytest.mark.slow
def test_installed_image_serves_health_endpoints(installed: Installed) -> None:
    """`acrbot serve` from the image's environment (non-root, read-only install) connects to
    the fake Slack, answers /healthz, /readyz and /metrics, and passes its HEALTHCHECK."""
    knowledge = usable_knowledge_dir(installed.root / "knowledge")
    with FakeSlackAPI() as slack:
        env = bot_env(slack, mode="http", knowledge_dir=knowledge)
        env.pop("PYTHONPATH", None)
        env.pop("VIRTUAL_ENV", None)
        env.update(PATH=installed.env["PATH"], HOME=installed.env["HOME"])
        for key in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"):
            env[key] = installed.env[key]
        process = subprocess.Popen(
            [*installed.prefix, "acrbot", "serve"],
            env=env,
            cwd=installed.root / "tmp",
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        bot = BotProcess(process=process, mode="http")
        threading.Thread(target=bot._read, daemon=True).start()
        try:
            bot.wait_log("serve.started", timeout=60)
            assert bot.ops_port
            base = f"http://127.0.0.1:{bot.ops_port}"
            assert _get(f"{base}/healthz")[0] == 200
            assert _get(f"{base}/readyz")[0] == 200
            status, body = _get(f"{base}/metrics")
            assert status == 200
            assert "# TYPE acrbot_events_received_total counter" in body
            slack.wait_for("auth.test")
            check = DOCKERFILE.final.last("HEALTHCHECK")
            assert check is not None
            argv = json.loads(check.args.split("CMD", 1)[1].strip())
            probe_env = {**installed.env, "ACRBOT_METRICS_PORT": str(bot.ops_port)}
            done = subprocess.run(
                [*installed.prefix, *argv],
                env=probe_env,
                cwd=installed.root / "tmp",
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            assert done.returncode == 0, done.stdout + done.stderr
        finally:
            assert bot.stop() == 0
