"""Facts about a whole paste that say how far to trust a match, whatever the topic.

An error string that ACR prints can also be printed by Blob Storage, GitHub's registry or a
plain Kubernetes cluster; a description in prose needs more evidence than a tool's own line.
These signals are inputs to the fitted decision (bot/matching/decision.py), which learns
from real pastes how much each one weighs. They are read with substring and set lookups
only, so they cost the same on any text.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from bot.matching.words import STOP, WORD

# Phrases (lower-case substrings) and whole words that place a paste somewhere.
_ACR_PHRASES = ("azurecr.", "azureacr.", "containerregistry", "container registry", "az acr")
_ACR_WORDS = frozenset({"acr", "реестр", "реестра", "реестре", "реестру", "реестром"})
_REGISTRY_PHRASES = (
    "registr",
    "docker",
    "manifest",
    "kubelet",
    "containerd",
    "imagepullbackoff",
    "errimagepull",
    "образ",
)
_REGISTRY_WORDS = frozenset(
    {"image", "images", "pull", "push", "pulling", "pushing", "helm", "oci"}
)
_FOREIGN_PHRASES = (
    "ghcr.io",
    "gcr.io",
    "pkg.dev",
    "amazonaws.com",
    "quay.io",
    "openshift",
    "blob.core.windows.net",
    "artifactory",
    "jfrog",
    "registry.gitlab",
    "gitlab registry",
    "hub.docker.com",
    "cloudflarestorage.com",  # where Docker Hub serves its layers from
    "cloudflare.docker.com",
    "registry-1.docker.io",
    "storage account",
    "key vault",
    "keyvault",
    "google cloud",
)
_FOREIGN_WORDS = frozenset({"ecr", "harbor", "nexus", "s3", "aws", "gcr", "ghcr", "quay"})
_UNRELATED_PHRASES = (
    "npm err!",
    "traceback (most recent call last)",
    "exception in thread",
    "modulenotfounderror",
    "nullpointerexception",
    "segmentation fault",
    "node_modules",
    "terraform state",
    ".java:",
)
_UNRELATED_WORDS = frozenset(
    {"pip", "psql", "postgres", "postgresql", "mysql", "maven", "gradle", "webpack"}
)
# Registry hosts a paste names: the host of a registry API URL (`https://host/v2/…`) or of an
# image reference (`host/repo:tag`, `host/repo@sha256:…`). Documentation links do not count.
_API_HOST = re.compile(r"https?://([a-z0-9][a-z0-9.-]*(?::\d+)?)/v[12]/")
# ACR serves only the v2 API: a registry answering on /v1/ is another one
_V1_API = re.compile(r"https?://[^/\s\"']+/v1/(?:users|repositories|_ping|search)")
_IMAGE_HOST = re.compile(
    r"(?<![\w./:-])([a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)+(?::\d+)?)/[a-z0-9][\w./-]*(?::[\w.-]+|@sha256:)"
)
# A Docker Hub reference in a pull: no host before the first slash (`user/app:tag`).
_HUB_IMAGE = re.compile(
    r"(?:image|manifest for|pulling from)\s+\"?[a-z0-9_-]+/[a-z0-9._-]+(?::[\w.-]+)?[\"\s]"
)
# Microsoft's public registry (MCR) runs on ACR: its pull failures are ACR's.
_ACR_HOSTS = ("azurecr", "azureacr", "<registry>", "mcr.microsoft", "az acr")
_HOST_SAMPLE = 8_000  # the registry a paste talks to is named near its errors

# Words of a line that reports a failure (lower-case substrings, checked without a regex:
# this runs on every line of a long log).
ERROR_WORDS = (
    "error",
    "denied",
    "fail",
    "unauthorized",
    "unauthorised",
    "forbidden",
    "refused",
    "timeout",
    "timed out",
    "not found",
    "unknown",
    "invalid",
    "cannot",
    "can't",
    "unable",
    "exceeded",
    "disallowed",
    "no such host",
    "x509",
    "toomanyrequests",
    "ошибк",
    "не удал",
    "не могу",
    "не работает",
)


@dataclass(frozen=True)
class Signals:
    acr: float  # 1 when the paste names ACR (a login server, `az acr`, "container registry")
    registry: float  # 1 when it talks about images, pulls, pushes or registries at all
    foreign: float  # 1 when it names another registry or product with look-alike errors
    elsewhere: float  # 1 when the registry it talks to is named and is not ACR
    unrelated: float  # 1 when it comes from an ecosystem unrelated to images
    prose: float  # share of function words: people's sentences rather than tool output
    length: float  # log10 of the length, over 5 (0.2 for ten characters, 1.0 for 100,000)
    question: float  # 1 when it reads as a question
    failure: float  # 1 when it reports a failure at all (an error word anywhere in the sample)


def read_signals(sample: str, length: int, question: bool, low: str | None = None) -> Signals:
    """Signals of a paste from a sample of its lines (the caller bounds it) and its length;
    ``low`` is the sample lower-cased, when the caller has it."""
    low = sample.lower() if low is None else low
    words = WORD.findall(low)
    vocabulary = set(words)
    function_words = len(list(filter(STOP.__contains__, words)))
    return Signals(
        acr=_found(low, vocabulary, _ACR_PHRASES, _ACR_WORDS),
        registry=_found(low, vocabulary, _REGISTRY_PHRASES, _REGISTRY_WORDS),
        foreign=_found(low, vocabulary, _FOREIGN_PHRASES, _FOREIGN_WORDS),
        elsewhere=_elsewhere(low),
        unrelated=_found(low, vocabulary, _UNRELATED_PHRASES, _UNRELATED_WORDS),
        prose=function_words / max(len(words), 8),
        length=min(1.0, math.log10(max(length, 1)) / 5),
        question=1.0 if question else 0.0,
        failure=1.0 if is_error_line(low) else 0.0,
    )


def _found(
    low: str, vocabulary: set[str], phrases: tuple[str, ...], words: frozenset[str]
) -> float:
    return 1.0 if not words.isdisjoint(vocabulary) or any(p in low for p in phrases) else 0.0


def _elsewhere(low: str) -> float:
    low = low[:_HOST_SAMPLE]
    if any(name in low for name in _ACR_HOSTS) or "/" not in low:
        return 0.0  # ACR's, or no API URL or image reference, each of which needs a slash
    if _V1_API.search(low):
        return 1.0
    named = _API_HOST.search(low) or _IMAGE_HOST.search(low) or _HUB_IMAGE.search(low)
    return 1.0 if named else 0.0


def is_error_line(lowered: str) -> bool:
    """Whether an already lower-cased line reports a failure."""
    return any(word in lowered for word in ERROR_WORDS)
