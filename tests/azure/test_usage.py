"""`usage` through the real SDK clients against the fake ARM over TLS, and the errors people see."""

from __future__ import annotations

import threading

import pytest

from bot.azure.ops import AzureOps
from bot.errors import AzureError, BadInput
from bot.store import MemoryStore
from bot.store.redis import RedisStore
from tests.azure.conftest import SUB, AzureWorld
from tests.fakes.arm import FakeArm
from tests.shared_redis import SHARED_REDIS


def ops_for(
    world: AzureWorld, store: MemoryStore | RedisStore | None = None, **env: str
) -> AzureOps:
    return AzureOps(world.settings(**env), store or MemoryStore(), retry_total=0)


def test_usage_lists_every_row_with_percent_and_tier(world: AzureWorld) -> None:
    """Every usage row Azure returns comes back with current, limit, unit, percent and the tier."""
    report = ops_for(world).usage("contosoprod")
    assert report.registry == "contosoprod"
    assert report.sku == "Standard"
    assert report.login_server == world.registry.login_server
    rows = {row.name: row for row in report.usages}
    assert set(rows) == {"Size", "Webhooks"}
    assert rows["Size"].current == 12345678 and rows["Size"].limit == 107374182400
    assert rows["Size"].unit == "Bytes"
    assert rows["Webhooks"].percent == 20.0
    assert report.warnings == []
    assert report.measured_at.endswith("Z")


def test_usage_warns_at_eighty_percent(world: AzureWorld) -> None:
    """A row at 80 % or more of its limit produces a warning line."""
    world.arm.add_registry(
        "fullregistry",
        usages=[{"name": "Size", "limit": 100, "currentValue": 85, "unit": "Bytes"}],
    )
    report = ops_for(world).usage("fullregistry")
    assert report.warnings == ["Size is at 85% of its limit"]


def test_usage_token_comes_from_the_managed_identity(world: AzureWorld) -> None:
    """The ARM call carries a token the managed-identity endpoint issued for the ARM audience."""
    ops_for(world).usage("contosoprod")
    assert world.identity.resources() == ["https://management.azure.com"]
    assert world.arm.log[-1].headers["authorization"].startswith("Bearer mi-")


def test_registry_argument_forms_resolve_to_the_same_registry(world: AzureWorld) -> None:
    """Name in any case, login server and resource id all find the registry."""
    ops = ops_for(world)
    resource_id = (
        f"/subscriptions/{SUB}/resourceGroups/myResourceGroup/providers/"
        "Microsoft.ContainerRegistry/registries/contosoprod"
    )
    for text in (
        "ContosoProd",
        "contosoprod.azurecr.io",
        "https://CONTOSOPROD.azurecr.io/",
        resource_id,
    ):
        assert ops.usage(text).registry == "contosoprod"


@pytest.mark.parametrize("text", ["abc", "my-registry", "x" * 51, "../etc"])
def test_bad_registry_names_get_a_clear_message(world: AzureWorld, text: str) -> None:
    """Names outside 5-50 letters and digits are refused before any Azure call."""
    with pytest.raises(BadInput, match="5 to 50 letters and digits"):
        ops_for(world).usage(text)
    assert world.arm.total_calls() == 0


def test_registry_lookup_follows_next_link_pages(world: AzureWorld) -> None:
    """A registry on the third page of the listing is found by following nextLink."""
    for n in range(5):
        world.arm.add_registry(f"filler{n}reg")
    world.arm.add_registry("lastregistry")
    assert ops_for(world).usage("lastregistry").registry == "lastregistry"
    assert world.arm.calls["registries.list"] >= 3


def test_subscriptions_are_listed_when_none_configured(world: AzureWorld) -> None:
    """Without AZURE_SUBSCRIPTION_ID the bot searches every subscription it can read."""
    other = "11111111-1111-1111-1111-111111111111"
    world.arm.add_registry("elsewhere1", subscription=other)
    ops = ops_for(world, AZURE_SUBSCRIPTION_ID="")
    assert ops.usage("elsewhere1").registry == "elsewhere1"
    assert world.arm.calls["subscriptions.list"] == 1


def test_usage_is_cached_and_refresh_asks_again(world: AzureWorld) -> None:
    """A second request is served from the cache; --refresh makes a new ARM call."""
    ops = ops_for(world)
    first = ops.usage("contosoprod")
    second = ops.usage("contosoprod")
    assert not first.cached and second.cached
    assert world.arm.calls["registries.list_usages"] == 1
    ops.usage("contosoprod", refresh=True)
    assert world.arm.calls["registries.list_usages"] == 2


def test_many_concurrent_requests_make_one_arm_call(world: AzureWorld) -> None:
    """Fifty people asking at once cause one registry lookup and one usage call."""
    world.arm.delay = 0.05
    ops = ops_for(world)
    results: list[int] = []
    barrier = threading.Barrier(50)

    def ask() -> None:
        barrier.wait()
        results.append(len(ops.usage("contosoprod").usages))

    threads = [threading.Thread(target=ask) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [2] * 50
    assert world.arm.calls["registries.list_usages"] == 1
    assert world.arm.calls["registries.list"] == 1


def test_two_replicas_sharing_redis_make_one_arm_call(world: AzureWorld, redis_prefix: str) -> None:
    """Two bot instances on one Redis coalesce concurrent usage requests into one ARM call."""
    world.arm.delay = 0.05
    stores = [RedisStore(SHARED_REDIS, redis_prefix) for _ in range(2)]
    replicas = [ops_for(world, store) for store in stores]
    barrier = threading.Barrier(20)

    def ask(n: int) -> None:
        barrier.wait()
        replicas[n % 2].usage("contosoprod")

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert world.arm.calls["registries.list_usages"] == 1
    for store in stores:
        store.close()


def test_not_found_says_what_to_check(world: AzureWorld) -> None:
    """An unknown registry gets a sentence naming it and the role that makes it visible."""
    with pytest.raises(AzureError) as caught:
        ops_for(world).usage("missingregistry")
    assert caught.value.kind == "not_found"
    assert "`missingregistry` was not found" in caught.value.user_message
    assert "Reader" in caught.value.user_message


def test_forbidden_names_the_role_and_scope(world: AzureWorld) -> None:
    """403 AuthorizationFailed says which role the identity lacks and on which scope."""
    world.arm.fail("registries.list_usages", 403, "AuthorizationFailed", "client has no access")
    with pytest.raises(AzureError) as caught:
        ops_for(world).usage("contosoprod")
    message = caught.value.user_message
    assert caught.value.kind == "forbidden"
    assert "Reader role" in message and "/registries/contosoprod" in message
    assert "mi-" not in message and "Bearer" not in message


def test_resource_not_found_from_get_is_plain(world: AzureWorld) -> None:
    """A 404 on a resource id gives the not-found sentence, not an SDK dump."""
    resource_id = (
        f"/subscriptions/{SUB}/resourceGroups/otherGroup/providers/"
        "Microsoft.ContainerRegistry/registries/contosoprod"
    )
    with pytest.raises(AzureError) as caught:
        ops_for(world).usage(resource_id)
    assert caught.value.kind == "not_found"
    assert "does not exist or the bot's identity cannot see it" in caught.value.user_message


def test_throttling_waits_for_retry_after_and_succeeds(world: AzureWorld) -> None:
    """Two 429 answers with Retry-After are waited out and the third call succeeds."""
    world.arm.fail(
        "registries.list_usages", 429, "TooManyRequests", times=2, headers={"Retry-After": "1"}
    )
    ops = AzureOps(world.settings(), MemoryStore(), retry_total=3)
    report = ops.usage("contosoprod")
    assert len(report.usages) == 2
    assert world.arm.calls["registries.list_usages"] == 3


def test_persistent_throttling_becomes_a_sentence(world: AzureWorld) -> None:
    """Throttling that outlasts the retries says so and suggests waiting."""
    world.arm.fail(
        "registries.list_usages", 429, "TooManyRequests", times=5, headers={"Retry-After": "0"}
    )
    with pytest.raises(AzureError) as caught:
        AzureOps(world.settings(), MemoryStore(), retry_total=1).usage("contosoprod")
    assert caught.value.kind == "throttled"
    assert "throttling" in caught.value.user_message


def test_server_errors_are_explained(world: AzureWorld) -> None:
    """A 5xx from ARM is reported as Azure's internal error, with no trace."""
    world.arm.fail("registries.list_usages", 503, "ServiceUnavailable", times=3)
    with pytest.raises(AzureError) as caught:
        ops_for(world).usage("contosoprod")
    assert caught.value.kind == "server"
    assert "HTTP 503" in caught.value.user_message
    assert "Traceback" not in caught.value.user_message


def test_untrusted_certificate_is_a_tls_error(
    world: AzureWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the CA that signed ARM's certificate the answer names TLS and the proxy cause."""
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    settings = world.settings()
    env_free = AzureOps(settings, MemoryStore(), retry_total=0)
    with pytest.raises(AzureError) as caught:
        env_free.usage("contosoprod")
    assert caught.value.kind == "tls"
    assert "certificate was not trusted" in caught.value.user_message


def test_unreachable_arm_is_a_network_error(world: AzureWorld) -> None:
    """An ARM endpoint that refuses connections is reported as a network problem."""
    dead = FakeArm(world.ca)
    url = dead.url
    dead.close()
    with pytest.raises(AzureError) as caught:
        ops_for(world, ACRBOT_ARM_ENDPOINT=url).usage("contosoprod")
    assert caught.value.kind == "network"


def test_metrics_count_azure_calls_errors_and_cache(world: AzureWorld) -> None:
    """Azure calls, Azure errors by kind and cache hits show up in the Prometheus metrics."""
    from prometheus_client import REGISTRY

    def value(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    calls = value("acrbot_azure_calls_total", operation="registries.list_usages")
    hits = value("acrbot_cache_total", cache="usage", result="hit")
    errors = value(
        "acrbot_azure_errors_total", operation="registries.list_usages", kind="forbidden"
    )
    ops = ops_for(world)
    ops.usage("contosoprod")
    ops.usage("contosoprod")
    world.arm.fail("registries.list_usages", 403, "AuthorizationFailed")
    with pytest.raises(AzureError):
        ops.usage("contosoprod", refresh=True)
    assert value("acrbot_azure_calls_total", operation="registries.list_usages") == calls + 2
    assert value("acrbot_cache_total", cache="usage", result="hit") == hits + 1
    assert (
        value("acrbot_azure_errors_total", operation="registries.list_usages", kind="forbidden")
        == errors + 1
    )
