"""`untagged <registry> [repository]`: manifests no tag points to, per repository, with sizes.

A registry can hold thousands of repositories and the data plane answers one repository's
manifests per call (each call is a challenge, two token requests and the request itself), so
the repositories are counted concurrently by a bounded pool while the catalog is still being
paged. A manifest that a tagged index references (one platform of a multi-arch image),
directly or through another index, is in use: it is not counted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any

from azure.containerregistry import ContainerRegistryClient
from azure.core.exceptions import HttpResponseError

from bot.azure.reports import UntaggedCount

Call = Callable[[str, str, Callable[[], Any]], Any]  # (operation, repository, work) → result
Progress = Callable[[int, int, bool], None]  # (repositories counted, known, catalog complete)

# ACR limits read operations per minute by tier and answers 429 beyond them; acr-cli keeps its
# own concurrency at 32 at most. 16 keeps a large registry within seconds to minutes without
# leaning on the throttle (the SDK waits and retries when it is met anyway).
WORKERS = 16
CATALOG_PAGE = 1000
MANIFEST_PAGE = 1000


def _generated(items: list[Any]) -> list[Any]:
    """Keep the SDK's generated manifest models: unlike its public model they carry the
    ``references`` of an index (``related_artifacts``)."""
    return items


def untagged_in(client: ContainerRegistryClient, repository: str) -> UntaggedCount | None:
    """One repository's untagged manifests; None when the repository is gone (404)."""
    try:
        manifests = list(
            client.list_manifest_properties(
                repository, results_per_page=MANIFEST_PAGE, cls=_generated
            )
        )
    except HttpResponseError as exc:
        if exc.status_code == 404:
            return None
        raise
    return count(repository, manifests)


def count(repository: str, manifests: Iterable[Any]) -> UntaggedCount:
    """Untagged manifests among ``manifests`` (generated models: digest, tags, size,
    related_artifacts) and the sum of their sizes."""
    by_digest = {str(m.digest): m for m in manifests}
    in_use = {digest for digest, m in by_digest.items() if m.tags}
    pending = list(in_use)
    while pending:  # what tagged indexes reference, at any depth, is in use too
        manifest = by_digest.get(pending.pop())
        for child in (manifest.related_artifacts or []) if manifest is not None else []:
            digest = str(child.digest)
            if digest not in in_use:
                in_use.add(digest)
                pending.append(digest)
    loose = [m for digest, m in by_digest.items() if digest not in in_use]
    return UntaggedCount(repository, len(loose), sum(int(m.size or 0) for m in loose))


def count_untagged(
    client: ContainerRegistryClient,
    call: Call,
    repository: str | None = None,
    *,
    workers: int = WORKERS,
    progress: Progress | None = None,
) -> tuple[list[UntaggedCount], float]:
    """Every repository's untagged count (or ``repository``'s alone), most bytes first, and
    the seconds it took. The first failure stops the count and is raised (translated by
    ``call``); work not started yet is dropped."""
    started = time.monotonic()
    if repository is not None:  # a repository that does not exist: no counts at all
        one = call("registry.list_manifests", repository, lambda: untagged_in(client, repository))
        return ([one] if one is not None else []), time.monotonic() - started
    counter = _Counter(progress)
    with ThreadPoolExecutor(max(1, workers), thread_name_prefix="acrbot-untagged") as pool:
        jobs: list[Future[UntaggedCount | None]] = []

        def page_through() -> None:
            for name in client.list_repository_names(results_per_page=CATALOG_PAGE):
                counter.known += 1
                jobs.append(pool.submit(counter.counted, call, client, name))
                if counter.failed.is_set():
                    return  # the count cannot succeed any more: stop paging

        try:
            call("registry.list_repositories", "", page_through)
            counter.listed()
            done, _ = wait(jobs, return_when=FIRST_EXCEPTION)
            for job in done:
                job.result()  # the first failure, raised
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    results = [r for r in (j.result() for j in jobs) if r is not None]
    results.sort(key=lambda r: (-r.bytes, -r.untagged, r.name))
    return results, time.monotonic() - started


class _Counter:
    """How far the count is, reported from the worker threads as repositories finish."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.known = 0
        self.done = 0
        self.complete = False
        self.failed = threading.Event()
        self._lock = threading.Lock()

    def listed(self) -> None:
        self.complete = True

    def counted(
        self, call: Call, client: ContainerRegistryClient, name: str
    ) -> UntaggedCount | None:
        try:
            result: UntaggedCount | None = call(
                "registry.list_manifests", name, lambda: untagged_in(client, name)
            )
        except BaseException:
            self.failed.set()
            raise
        with self._lock:
            self.done += 1
            done, known, complete = self.done, self.known, self.complete
        if self.progress is not None:
            self.progress(done, known, complete)
        return result
