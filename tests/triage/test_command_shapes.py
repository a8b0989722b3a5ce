"""The command table takes the shapes the next commands need, generated for every door.

`/acr inspect <image>` (an argument that is not a registry name, with its own check and the
registry it names used for limits and the log) and `/acr untagged <registry> [repository]`
(an optional positional, `--repository` on the command line, a JSON contract): entries built
here, in the table's own types, go through the same grammar, argparse generation, runner and
renderers as the shipped ones.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

import pytest

from bot.access import CLI, SLACK, Caller, Rule
from bot.cli import generated
from bot.commands import grammar
from bot.commands.runner import answer
from bot.commands.spec import CommandSpec, Invocation, Param, Request
from bot.commands.table import REGISTRY
from bot.config import Settings
from bot.errors import BadInput
from bot.render.blocks import command_button, run_request
from bot.services import Services
from bot.store import MemoryStore


@dataclass(frozen=True)
class Image:
    registry: str
    repository: str
    reference: str


def parse_image(text: str) -> Image:
    host, _, rest = text.partition("/")
    repository, _, reference = rest.partition(":")
    if not (host and repository and reference):
        raise BadInput(f"`{text}` is not an image: give <registry>.azurecr.io/<repository>:<tag>.")
    return Image(host.split(".")[0], repository, reference)


INSPECT = CommandSpec[Image](
    "inspect",
    summary={"en": "look inside an image", "ru": "заглянуть в образ"},
    access=Rule.READ,
    params=(
        Param(
            "image",
            help={"en": "registry/repository:tag", "ru": "реестр/репозиторий:тег"},
            missing={"en": "Which image?", "ru": "Какой образ?"},
            check=parse_image,
        ),
    ),
    run=lambda request: parse_image(request.invocation.text("image")),
    text=lambda image, lang: f"{image.repository}:{image.reference} in {image.registry}",
    json=lambda image: {"registry": image.registry, "repository": image.repository},
    registry=lambda invocation: parse_image(invocation.text("image")).registry,
)
UNTAGGED = CommandSpec[Invocation](
    "untagged",
    summary={"en": "manifests without tags", "ru": "манифесты без тегов"},
    access=Rule.READ,
    params=(
        REGISTRY,
        Param(
            "repository",
            help={"en": "only this repository", "ru": "только этот репозиторий"},
            missing={"en": "Which repository?", "ru": "Какой репозиторий?"},
            required=False,
            cli_option=True,
        ),
    ),
    run=lambda request: request.invocation,
    text=lambda invocation, lang: invocation.text("repository") or "every repository",
    json=lambda invocation: {"repository": invocation.optional("repository")},
)
TABLE: dict[str, CommandSpec[Any]] = {"inspect": INSPECT, "untagged": UNTAGGED}


def test_usage_lines_show_the_new_shapes() -> None:
    """An image argument and an optional positional read as they are typed."""
    assert grammar.usage(INSPECT) == "/acr inspect <image>"
    assert grammar.usage(UNTAGGED) == "/acr untagged <registry> [repository]"


def test_an_optional_positional_may_be_left_out() -> None:
    """`untagged <registry>` and `untagged <registry> <repository>` both parse."""
    assert grammar.parse("untagged contosoprod", TABLE).values["repository"] is None
    both = grammar.parse("untagged contosoprod api", TABLE)
    assert (both.text("registry"), both.text("repository")) == ("contosoprod", "api")
    with pytest.raises(BadInput, match="Too many words: `extra`"):
        grammar.parse("untagged contosoprod api extra", TABLE)


def test_the_command_line_takes_the_positional_as_an_option() -> None:
    """`acrbot untagged <registry> [--repository R] [--json]` becomes the same /acr words."""
    parser = argparse.ArgumentParser(prog="acrbot")
    sub = parser.add_subparsers()
    generated.add_command(sub, UNTAGGED)
    generated.add_command(sub, INSPECT)
    args = parser.parse_args(["untagged", "contosoprod", "--repository", "api", "--json"])
    assert args.json and generated.words_of(UNTAGGED, args) == "untagged contosoprod api"
    args = parser.parse_args(["inspect", "contosoprod.azurecr.io/api:1.4.3"])
    assert generated.words_of(INSPECT, args) == "inspect contosoprod.azurecr.io/api:1.4.3"


def test_an_image_argument_is_checked_and_its_registry_limited() -> None:
    """A bad image is bad input; a good one is held to the registry limits of its registry."""
    services = Services(
        Settings(allowed_registries=("contosoprod",)),
        MemoryStore(),  # type: ignore[arg-type]
    )
    caller = Caller("U1", "C1", SLACK)

    def run(text: str) -> str:
        invocation = grammar.parse(text, TABLE)
        return answer(TABLE[invocation.name], Request(services, invocation, caller, "en")).text()

    assert "is not an image" in run("inspect nonsense")
    assert run("inspect contosoprod.azurecr.io/api:1.4.3") == "api:1.4.3 in contosoprod"
    assert "not set up to work on registry `otherregistry`" in run(
        "inspect otherregistry.azurecr.io/api:1"
    )
    outcomes = [e["outcome"] for e in services.audit.recent()]
    assert outcomes == ["rejected", "ok", "refused"]


def test_json_and_a_button_that_runs_the_command() -> None:
    """The JSON rendering is the command line's contract; a button carries the same words."""
    services = Services(Settings(), MemoryStore())
    invocation = grammar.parse("inspect contosoprod.azurecr.io/api:1.4.3", TABLE)
    reply = answer(INSPECT, Request(services, invocation, Caller("me", source=CLI), "en"))
    assert reply.json() == {"registry": "contosoprod", "repository": "api"}
    button = command_button("Check this image", "inspect", "contosoprod.azurecr.io/api:1.4.3")
    assert run_request(json.loads(button["value"])) == "inspect contosoprod.azurecr.io/api:1.4.3"
