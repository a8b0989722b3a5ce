"""Debian's docker-registry (a real Registry v2 server, docker/distribution) on 127.0.0.1 over
TLS with a trustme certificate: the independent implementation the fakes are checked against.

Tests skip when it is not installed, or fail where CI promised it
(``ACRBOT_TEST_REQUIRE_DOCKER_REGISTRY=1``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.fakes.azure_http import TestCA, free_port

DOCKER_REGISTRY = Path("/usr/bin/docker-registry")


def no_real_registry(reason: str) -> None:
    """Skip; fail instead where CI promised the server (ACRBOT_TEST_REQUIRE_DOCKER_REGISTRY=1)."""
    if os.environ.get("ACRBOT_TEST_REQUIRE_DOCKER_REGISTRY") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@contextmanager
def docker_registry(ca: TestCA, directory: Path, *, token_auth: bool = True) -> Iterator[str]:
    """Run the server until the block ends; yields its address, ``localhost:<port>``.

    With ``token_auth`` it challenges like a registry with a token service; without, it lets
    anyone read and push (what a test that loads content needs).
    """
    if not DOCKER_REGISTRY.exists():
        no_real_registry("docker-registry is not installed (apt-get install docker-registry)")
    port = free_port()
    cert = ca.ca.issue_cert("localhost", "127.0.0.1")
    cert.cert_chain_pems[0].write_to_path(str(directory / "cert.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    config = (
        "version: 0.1\n"
        "log: {level: error}\n"
        f"storage: {{filesystem: {{rootdirectory: {directory / 'data'}}}}}\n"
        "http:\n"
        f"  addr: 127.0.0.1:{port}\n"
        "  relativeurls: true\n"  # upload locations as ACR gives them, which the SDK expects
        f"  tls: {{certificate: {directory / 'cert.pem'}, key: {directory / 'key.pem'}}}\n"
    )
    if token_auth:
        config += (
            "auth:\n"
            "  token:\n"
            f"    realm: https://localhost:{port}/oauth2/token\n"
            f"    service: localhost:{port}\n"
            "    issuer: acrbot-test\n"
            f"    rootcertbundle: {ca.ca_pem}\n"
        )
    (directory / "config.yml").write_text(config)
    process = subprocess.Popen(
        [str(DOCKER_REGISTRY), "serve", str(directory / "config.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    no_real_registry("docker-registry did not start")
                time.sleep(0.05)
        yield f"localhost:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
