"""Fixtures for the Azure tests: TLS fakes on 127.0.0.1, a safe identity environment, a guard.

Every test here runs under a loopback guard: a DNS lookup of any name other than localhost /
127.x / ::1 fails at once, and a connect to a non-loopback address raises and is recorded, so a
credential chain that fell through to IMDS (169.254.169.254) or a client pointed at the real
Azure would fail the test instead of sending a packet.
"""

from __future__ import annotations

import io
import ipaddress
import json
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.access import Caller
from bot.azure.ops import AzureOps
from bot.cli import main
from bot.commands import BY_NAME, Request, parse
from bot.commands.runner import execute
from bot.commands.spec import Confirm
from bot.config import Settings
from bot.services import Services
from bot.store import MemoryStore, Store
from tests.fakes.arm import FakeArm
from tests.fakes.azure_http import TestCA
from tests.fakes.clock import FakeClock
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity
from tests.fakes.registry import FakeRegistry
from tests.shared_redis import delete_prefix, new_prefix

SUB = "00000000-0000-0000-0000-000000000000"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # unix sockets and similar
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


class LoopbackGuard:
    """Refuses DNS and connections that would leave the machine; remembers each attempt."""

    def __init__(self) -> None:
        self.blocked: list[str] = []  # connections to non-loopback addresses (a failure)
        self.lookups: list[str] = []  # DNS names refused before any query was sent (harmless)
        self._getaddrinfo = socket.getaddrinfo
        self._connect = socket.socket.connect
        self._connect_ex = socket.socket.connect_ex

    def install(self) -> None:
        guard = self

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not _is_loopback(host):
                if _is_address(host):  # a literal address: a connection is about to be made
                    guard.blocked.append(str(host))
                else:
                    guard.lookups.append(str(host))
                raise socket.gaierror(socket.EAI_NONAME, f"blocked lookup of {host} in tests")
            return guard._getaddrinfo(host, *args, **kwargs)

        def connect(sock: socket.socket, address: Any) -> Any:
            if isinstance(address, tuple) and not _is_loopback(address[0]):
                guard.blocked.append(str(address[0]))
                raise ConnectionRefusedError(f"blocked connect to {address[0]} in tests")
            return guard._connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            if isinstance(address, tuple) and not _is_loopback(address[0]):
                guard.blocked.append(str(address[0]))
                return 111
            return guard._connect_ex(sock, address)

        socket.getaddrinfo = getaddrinfo
        socket.socket.connect = connect  # type: ignore[method-assign]
        socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]

    def remove(self) -> None:
        socket.getaddrinfo = self._getaddrinfo
        socket.socket.connect = self._connect  # type: ignore[method-assign]
        socket.socket.connect_ex = self._connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def loopback_guard() -> Iterator[LoopbackGuard]:
    """Every Azure test: nothing may leave 127.0.0.1, and nothing tried to."""
    guard = LoopbackGuard()
    guard.install()
    try:
        yield guard
    finally:
        guard.remove()
    assert guard.blocked == [], f"non-loopback connections attempted: {guard.blocked}"


@pytest.fixture(scope="session")
def ca() -> Iterator[TestCA]:
    authority = TestCA()
    yield authority
    authority.close()


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIdentity]:
    """The App Service managed-identity endpoint; every other identity variable is cleared."""
    fake = FakeIdentity()
    for name in OTHER_IDENTITY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    yield fake
    fake.close()


@pytest.fixture
def arm(ca: TestCA, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeArm]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.ca_pem))
    fake = FakeArm(ca)
    yield fake
    fake.close()


@pytest.fixture
def registry(ca: TestCA) -> Iterator[FakeRegistry]:
    fake = FakeRegistry(ca)
    yield fake
    fake.close()


@dataclass
class AzureWorld:
    """The fakes plus the environment a bot process needs to use them."""

    ca: TestCA
    identity: FakeIdentity
    arm: FakeArm
    registry: FakeRegistry

    def env(self, **extra: str) -> dict[str, str]:
        values = {
            "ACRBOT_CREDENTIAL": "managed-identity",
            "ACRBOT_ARM_ENDPOINT": self.arm.url,
            "AZURE_SUBSCRIPTION_ID": SUB,
            "REQUESTS_CA_BUNDLE": str(self.ca.ca_pem),
            **self.identity.env(),
        }
        values.update(extra)
        return values

    def settings(self, **extra: str) -> Settings:
        return Settings.from_env(self.env(**extra))


@pytest.fixture
def world(ca: TestCA, identity: FakeIdentity, arm: FakeArm, registry: FakeRegistry) -> AzureWorld:
    """contosoprod: a Standard registry whose login server is the fake data plane."""
    arm.add_registry("contosoprod", login_server=registry.login_server)
    return AzureWorld(ca, identity, arm, registry)


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A unique key prefix on the shared Redis; its keys are deleted afterwards."""
    prefix = new_prefix("test-azure")
    yield prefix
    delete_prefix(prefix)


def services_for(
    world: AzureWorld,
    store: Store | None = None,
    clock: FakeClock | None = None,
    **env: str,
) -> Services:
    """The services of one bot process on the Azure fakes (SDK retries off, so failures show)."""
    settings = world.settings(**env)
    store = store or MemoryStore()
    clock = clock or FakeClock()
    services = Services(settings, store, clock=clock)
    services.azure = AzureOps(settings, store, retry_total=0, clock=clock)
    return services


def run_command(
    services: Services, text: str, caller: Caller, confirm: Confirm | None = None
) -> Any:
    """`/acr <text>` as any door runs it: parsed, checked, run, logged (BotError on refusal)."""
    invocation = parse(text)
    return execute(BY_NAME[invocation.name], Request(services, invocation, caller, "en", confirm))


# --- the command line in this process ----------------------------------------------------------
@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def acrbot(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Ran]:
    """`acrbot <args>` in this process, with the world's environment and ``stdin``."""

    def run(world: AzureWorld, *args: str, stdin: str = "", **env: str) -> Ran:
        for name in (*OTHER_IDENTITY_VARIABLES, "REDIS_URL"):
            monkeypatch.delenv(name, raising=False)
        for key, value in world.env(**env).items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        capsys.readouterr()
        status = main(list(args))
        out = capsys.readouterr()
        return Ran(status, out.out, out.err)

    return run


def as_json(result: Ran | subprocess.CompletedProcess[str]) -> Any:
    assert result.stdout.count("\n") == 1, result.stdout + result.stderr
    return json.loads(result.stdout)
