"""Lessons the team teaches: what they change, how far they reach, and across replicas."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.knowledge import load
from bot.learning import POLL_SECONDS, Lessons, lesson_text
from bot.matching import Matcher
from bot.store.redis import RedisStore
from tests.shared_redis import SHARED_REDIS, delete_prefix, new_prefix

# A failure the knowledge base has no exact error text for (so one person's pick may change it).
PASTE = (
    "az acr build fails at step 3 with exit status 137 after 31 minutes on "
    "fabrikamprod.azurecr.io, run id 6f1c2a3b-1111-2222-3333-444455556666"
)
# The same failure from another registry, another step, another time and another run id.
VARIANT = (
    "az acr build fails at step 5 with exit status 137 after 12 minutes on "
    "contosodev.azurecr.io, run id 0a0b0c0d-9999-8888-7777-666655554444"
)
# The same words with a few more around them: similar, not near-identical.
SIMILAR = "since this morning " + VARIANT + " and nobody changed the Dockerfile"
TOPIC = "agent-pool-timeout"
# A kubelet event the bot answers without an exact signature, and its variant.
EVENT = "Warning  Failed  12s  kubelet  Error: ErrImagePull on fabrikamprod.azurecr.io/api:1.4.3"
EVENT_VARIANT = (
    "Warning  Failed  48s  kubelet  Error: ErrImagePull on contosodev.azurecr.io/web:2.0"
)
FIREWALL = (
    "denied: client with IP '203.0.113.9' is not allowed access. "
    "Refer https://aka.ms/acr/firewall to grant access."
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(load())


@pytest.fixture
def prefix() -> Iterator[str]:
    name = new_prefix("test-learning")
    yield name
    delete_prefix(name)


def replica(matcher: Matcher, prefix: str, clock: Clock | None = None) -> Lessons:
    return Lessons(RedisStore(SHARED_REDIS, prefix), matcher, clock or Clock())


def test_an_approved_lesson_answers_variants_with_the_taught_topic(
    matcher: Matcher, prefix: str
) -> None:
    """Taught and approved: the same failure elsewhere, and similar text, get the topic."""
    lessons = replica(matcher, prefix)
    before = lessons.apply(VARIANT, matcher.match(VARIANT))
    assert before.topic != TOPIC
    lessons.teach(PASTE, TOPIC, by="U1", approve=True)
    after = lessons.apply(VARIANT, matcher.match(VARIANT))
    assert (after.topic, after.decision) == (TOPIC, "answer")
    assert lessons.apply(SIMILAR, matcher.match(SIMILAR)).topic == TOPIC


def test_a_single_unapproved_pick_reaches_near_identical_text_only(
    matcher: Matcher, prefix: str
) -> None:
    """One person's pick changes the answer to the same paste, not to merely similar text;
    a second person teaching the same makes it reach similar text too."""
    lessons = replica(matcher, prefix)
    lessons.teach(PASTE, TOPIC, by="U1")
    assert lessons.apply(VARIANT, matcher.match(VARIANT)).topic == TOPIC
    assert lessons.apply(SIMILAR, matcher.match(SIMILAR)).topic != TOPIC
    lessons.teach(VARIANT, TOPIC, by="U2")
    assert lessons.apply(SIMILAR, matcher.match(SIMILAR)).topic == TOPIC


def test_a_silent_lesson_silences_look_alikes(matcher: Matcher, prefix: str) -> None:
    """ "None of these": the paste and its variants get no answer and no suggestion."""
    lessons = replica(matcher, prefix)
    assert matcher.match(EVENT_VARIANT).decision != "silent"
    lessons.teach(EVENT, None, by="U1")
    after = lessons.apply(EVENT_VARIANT, matcher.match(EVENT_VARIANT))
    assert (after.topic, after.suggestion, after.decision) == (None, None, "silent")


def test_an_unapproved_lesson_never_outranks_an_exact_signature(
    matcher: Matcher, prefix: str
) -> None:
    """A mistaken pick cannot take the registry firewall's own error text away from its
    topic; an admin's approval can."""
    lessons = replica(matcher, prefix)
    assert matcher.match(FIREWALL).topic == "client-ip-not-allowed"
    lessons.teach(FIREWALL, "slow-pull", by="U1")
    assert lessons.apply(FIREWALL, matcher.match(FIREWALL)).topic == "client-ip-not-allowed"
    lessons.teach(FIREWALL, "slow-pull", by="U9", approve=True)
    assert lessons.apply(FIREWALL, matcher.match(FIREWALL)).topic == "slow-pull"


def test_another_replica_sees_a_lesson_within_the_polling_interval(
    matcher: Matcher, prefix: str
) -> None:
    """Replica B keeps its copy until the interval passes, then reads the new lesson."""
    clock = Clock()
    a, b = replica(matcher, prefix), replica(matcher, prefix, clock)
    assert b.apply(VARIANT, matcher.match(VARIANT)).topic != TOPIC
    a.teach(PASTE, TOPIC, by="U1")
    clock.now += POLL_SECONDS + 0.01
    assert b.apply(VARIANT, matcher.match(VARIANT)).topic == TOPIC


def test_a_lesson_keeps_no_raw_paste_and_no_secret(matcher: Matcher, prefix: str) -> None:
    """What is stored is the masked text: no registry name, address, or pasted password."""
    lessons = replica(matcher, prefix)
    paste = (
        "docker login fabrikamprod.azurecr.io -u 00000000-0000-0000-0000-000000000000 "
        "-p eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlX2hlcmU\n"
        + FIREWALL
    )
    lesson = lessons.teach(paste, "client-ip-not-allowed", by="U1")
    stored = lessons.get(lesson.id)
    assert stored is not None
    for secret in ("fabrikamprod", "203.0.113.9", "eyJhbGci", "c2lnbmF0dXJl"):
        assert secret not in stored.text


@pytest.mark.parametrize(
    "header",
    ["Authorization: Basic dXNlcjpodW50ZXIy", "Authorization: Bearer dXNlcjpodW50ZXIy"],
)
def test_a_lesson_keeps_no_authorization_header_value(matcher: Matcher, header: str) -> None:
    """An Authorization header pasted with a curl command is masked in what a lesson keeps."""
    paste = f'curl -H "{header}" https://fabrikamprod.azurecr.io/v2/_catalog\n' + FIREWALL
    text = lesson_text(matcher, paste)
    assert "authorization" in text
    assert "dxnlcjpodw50zxiy" not in text.lower()


def test_prefixes_keep_deployments_apart(matcher: Matcher, prefix: str) -> None:
    """Another ACRBOT_REDIS_PREFIX on the same Redis sees none of these lessons."""
    replica(matcher, prefix).teach(PASTE, TOPIC, by="U1", approve=True)
    other = new_prefix("test-learning")
    try:
        assert replica(matcher, other).all() == []
    finally:
        delete_prefix(other)


def test_forget_removes_a_lesson_everywhere(matcher: Matcher, prefix: str) -> None:
    lessons = replica(matcher, prefix)
    lesson = lessons.teach(PASTE, TOPIC, by="U1", approve=True)
    assert lessons.forget(lesson.id)
    assert lessons.all() == []
    assert lessons.apply(VARIANT, matcher.match(VARIANT)).topic != TOPIC
