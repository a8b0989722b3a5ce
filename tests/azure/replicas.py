"""Replicas of the Slack app (in this process, HTTP mode) on one Redis and one clock, wired to
the Azure fakes over TLS, as the Azure-through-Slack tests need them.

    with slack_on_azure(knowledge, [{"ACRBOT_CONFIRM_SECONDS": "600"}, {...}], **env) as world:
        world.arm.add_registry("contosoprod", login_server=world.registry.login_server)
        world.bots[0].command(...)

The credential and the TLS trust come from the process environment, as in a pod.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.store.redis import RedisStore
from tests.azure.conftest import SUB
from tests.fakes.arm import FakeArm
from tests.fakes.azure_http import TestCA
from tests.fakes.clock import FakeClock
from tests.fakes.identity import OTHER_IDENTITY_VARIABLES, FakeIdentity
from tests.fakes.local_bot import LocalBot, local_bot
from tests.fakes.registry import FakeRegistry
from tests.fakes.slack_api import FakeSlackAPI
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix


@dataclass
class AzureSlack:
    slack: FakeSlackAPI
    arm: FakeArm
    registry: FakeRegistry
    identity: FakeIdentity
    clock: FakeClock
    env: dict[str, str]
    bots: list[LocalBot] = field(default_factory=list)


@contextlib.contextmanager
def slack_on_azure(
    knowledge: Path, replicas: list[Mapping[str, str]], **env: str
) -> Iterator[AzureSlack]:
    """One app per entry of ``replicas`` (its own settings on top of ``env``)."""
    ca = TestCA()
    identity = FakeIdentity()
    arm = FakeArm(ca)
    registry = FakeRegistry(ca)
    slack = FakeSlackAPI().start()
    prefix = new_prefix("test-azure")
    common = {
        "ACRBOT_CREDENTIAL": "managed-identity",
        "ACRBOT_ARM_ENDPOINT": arm.url,
        "AZURE_SUBSCRIPTION_ID": SUB,
        "ACRBOT_REDIS_PREFIX": prefix,
        "REQUESTS_CA_BUNDLE": str(ca.ca_pem),
        **identity.env(),
        **env,
    }
    world = AzureSlack(slack, arm, registry, identity, FakeClock(), common)
    with pytest.MonkeyPatch.context() as patch:
        for name in OTHER_IDENTITY_VARIABLES:
            patch.delenv(name, raising=False)
        for key in ("REQUESTS_CA_BUNDLE", *identity.env()):
            patch.setenv(key, common[key])
        try:
            for own in replicas:
                world.bots.append(
                    local_bot(
                        slack,
                        store=RedisStore(SHARED_REDIS, prefix),
                        knowledge_dir=knowledge,
                        extra={**common, **own},
                        clock=world.clock,
                    )
                )
            yield world
        finally:
            for bot in world.bots:
                bot.close()
            slack.close()
            for fake in (arm, registry, identity):
                fake.close()
            ca.close()
            delete_prefix(prefix)
