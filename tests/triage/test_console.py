"""The console takes a multi-line paste as it was typed: through a terminal and through a pipe.

A message ends with an empty line (the end marker the banner names); a paste that the terminal
marks (bracketed paste) is one message at once, empty lines inside it included; /acr lines run
at once.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from bot import console
from bot.config import Settings
from bot.services import Services, build_services
from bot.store import MemoryStore
from tests.reference import REPO

SEPARATOR = "—" * 40
TYPED = [
    "Step 4/9 : RUN docker push contosoprod.azurecr.io/web:1.4",
    "denied: client with IP '198.51.100.23' is not allowed access. "
    "Refer https://aka.ms/acr/firewall to grant access.",
]
FIREWALL_TITLE = "The registry firewall does not allow your IP address"
PASTE_WITH_EMPTY_LINES = (
    "docker push contosoprod.azurecr.io/web:1.4\n\nThe push refers to repository [x]\n\n"
    "unauthorized: authentication required"
)
UNAUTHORIZED_TITLE = "unauthorized: authentication required"


class Terminal:
    """`acrbot console` on a pseudo-terminal: keys in, screen text out."""

    def __init__(self) -> None:
        self.master, slave = pty.openpty()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "REDIS_"))}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=REPO,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.screen = ""

    def type(self, keys: str) -> None:
        os.write(self.master, keys.replace("\n", "\r").encode())  # Enter sends a carriage return

    def read(self, seconds: float, until: str | None = None) -> str:
        """What appears within ``seconds`` (sooner once ``until`` has appeared)."""
        start = len(self.screen)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not (until and until in self.screen[start:]):
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    self.screen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        return self.screen[start:]

    def close(self) -> int:
        self.type("\x04")  # Ctrl-D
        self.read(5, until="\x1b[?2004l")
        code = self.process.wait(10)
        os.close(self.master)
        return code


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    screen = Terminal()
    try:
        yield screen
    finally:
        if screen.process.poll() is None:
            screen.process.kill()


def test_on_a_terminal_typed_lines_wait_for_the_empty_line(terminal: Terminal) -> None:
    banner = terminal.read(30, until="\x1b[?2004h")
    assert "end it with an empty line" in banner  # the banner names the end marker
    assert "\x1b[?2004h" in banner  # bracketed-paste mode asked of the terminal
    for line in TYPED:
        terminal.type(line + "\n")
    assert SEPARATOR not in terminal.read(1.5)  # typed lines are not answered one by one
    terminal.type("\n")
    answer = terminal.read(30, until=SEPARATOR)
    assert FIREWALL_TITLE in answer and answer.count(SEPARATOR) == 1
    assert terminal.close() == 0
    assert terminal.screen.endswith("\x1b[?2004l")  # and given back when the console ends


def test_on_a_terminal_a_paste_is_one_message_at_once(terminal: Terminal) -> None:
    terminal.read(30, until="\x1b[?2004h")
    terminal.type(f"\x1b[200~{PASTE_WITH_EMPTY_LINES}\x1b[201~\n")
    answer = terminal.read(30, until=SEPARATOR)
    assert UNAUTHORIZED_TITLE in answer and answer.count(SEPARATOR) == 1
    assert "^[[200~" not in answer  # the terminal does not show the paste markers
    terminal.type("/acr help\n")
    assert "/acr faq <words>" in terminal.read(30, until=SEPARATOR)
    assert terminal.close() == 0


@pytest.fixture(scope="module")
def services() -> Services:
    return build_services(Settings(), MemoryStore())


def _session(services: Services, text: str) -> list[str]:
    out = io.StringIO()
    assert console.run(services, io.StringIO(text), out) == 0
    return [m.strip() for m in out.getvalue().split(SEPARATOR) if m.strip()]


def test_piped_text_splits_at_empty_lines_and_runs_acr_lines_at_once(services: Services) -> None:
    answers = _session(services, "\n".join([*TYPED, "", "/acr help", *TYPED]) + "\n")
    assert len(answers) == 3
    assert FIREWALL_TITLE in answers[0] and "/acr faq <words>" in answers[1]
    assert FIREWALL_TITLE in answers[2]  # the end of the input ends the last message too


def test_a_marked_paste_keeps_its_empty_lines_in_one_message(services: Services) -> None:
    answers = _session(services, f"\x1b[200~{PASTE_WITH_EMPTY_LINES}\x1b[201~\n")
    assert len(answers) == 1 and UNAUTHORIZED_TITLE in answers[0]
