"""A fake ACR data plane on 127.0.0.1 over TLS: the /v2/ challenge, the token endpoints, and the
repositories, tags and manifests ``azure-containerregistry`` reads.

``login_server`` is ``localhost:<port>``, the form the fake ARM hands out as the registry's
login server, so DNS, TLS and HTTP checks all reach this process.

Every data request is challenged first (401 with realm, service and the request's scope), the
way ACR does; the SDK then exchanges its Entra token at ``/oauth2/exchange`` for a refresh
token (a JWT-shaped token valid three hours, as ACR's are) and that for an access token of the
scope at ``/oauth2/token``, and repeats the request. Lists page Docker-style: ``n`` and
``last`` in, a ``Link: <…>; rel="next"`` header out. Bodies use the service's field names, in
the shape of the recorded examples (``tests/data/azure/dataplane``); manifests are real JSON
documents whose sha256 is their digest, so ``get_manifest`` can check them.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from tests.fakes.azure_http import FakeServer, Reply, Request, TestCA
from tests.reference import azure_example as example

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DEFAULT_PAGE = 100
REFRESH_LIFETIME = 3 * 3600
_DATAPLANE = "dataplane/2021-07-01/"
_EPOCH = "2024-05-01T10:00:00.0000000Z"


def acr_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status, {"errors": [{"code": code, "message": message, "detail": None}]}, headers or {}
    )


def _attributes(**overrides: bool) -> dict[str, bool]:
    attributes = {
        "deleteEnabled": True,
        "listEnabled": True,
        "readEnabled": True,
        "writeEnabled": True,
    }
    attributes.update(overrides)
    return attributes


def _timestamp(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.0000000Z", time.gmtime(1714557600 + seconds))


@dataclass
class Manifest:
    digest: str
    media_type: str
    body: bytes
    size: int  # imageSize: what ACR reports (config and layers; the document for an index)
    os: str | None = None
    architecture: str | None = None
    references: list[dict[str, str]] = field(default_factory=list)  # an index's children
    created: str = _EPOCH
    updated: str = _EPOCH
    attributes: dict[str, bool] = field(default_factory=_attributes)

    def entry(self, tags: list[str]) -> dict[str, Any]:
        """The manifest as ``_manifests`` lists it (the recorded example's fields, plus
        ``mediaType`` and, for an index, ``references``, as the service sends them)."""
        body: dict[str, Any] = copy.deepcopy(
            example(_DATAPLANE + "GetManifestList.json")["manifests"][0]
        )
        body.update(
            {
                "digest": self.digest,
                "imageSize": self.size,
                "createdTime": self.created,
                "lastUpdateTime": self.updated,
                "mediaType": self.media_type,
                "changeableAttributes": dict(self.attributes),
            }
        )
        for key, value in (("os", self.os), ("architecture", self.architecture)):
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        if tags:
            body["tags"] = sorted(tags)
        else:
            body.pop("tags", None)
        if self.references:
            body["references"] = [dict(r) for r in self.references]
        return body


@dataclass
class Tag:
    name: str
    digest: str
    created: str = _EPOCH
    updated: str = _EPOCH
    attributes: dict[str, bool] = field(default_factory=_attributes)

    def entry(self) -> dict[str, Any]:
        body: dict[str, Any] = copy.deepcopy(example(_DATAPLANE + "GetTagList.json")["tags"][0])
        body.update(
            {
                "name": self.name,
                "digest": self.digest,
                "createdTime": self.created,
                "lastUpdateTime": self.updated,
                "changeableAttributes": dict(self.attributes),
            }
        )
        return body


@dataclass
class Repository:
    name: str
    manifests: dict[str, Manifest] = field(default_factory=dict)
    tags: dict[str, Tag] = field(default_factory=dict)
    attributes: dict[str, bool] = field(default_factory=_attributes)

    def tags_of(self, digest: str) -> list[str]:
        return [t.name for t in self.tags.values() if t.digest == digest]


class FakeRegistry:
    """Behaviour knobs: ``v2`` = challenge | forbidden | open | no-challenge | not-bearer
    (``forbidden`` is the registry's firewall: every path answers 403); ``exchange_status`` /
    ``token_status`` force a failure; ``delay`` slows every answer; ``throttle`` answers 429 to
    that many data requests; ``denied`` repositories get no token; ``fail`` forces one status
    (with ``fail_code``) on data requests; ``on_request`` is called with each request before
    it is answered."""

    def __init__(self, ca: TestCA, entra_prefix: str = "mi-") -> None:
        self.entra_prefix = entra_prefix
        self.v2 = "challenge"
        self.exchange_status = 200
        self.token_status = 200
        self.delay = 0.0
        self.throttle = 0
        self.fail: int | None = None
        self.fail_code = "UNKNOWN"
        self.denied: set[str] = set()
        self.on_request: Callable[[Request], None] | None = None
        self.log: list[Request] = []
        self.repositories: dict[str, Repository] = {}
        self._seq = itertools.count(1)
        self._lock = threading.Lock()
        self._refresh: set[str] = set()
        self._access: dict[str, str] = {}  # token → the scope it was issued for
        self.server = FakeServer(self.handle, ca, host="localhost")
        self.url = self.server.url
        self.login_server = f"localhost:{self.server.port}"

    def close(self) -> None:
        self.server.close()

    def paths(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.log]

    # --- content -------------------------------------------------------------------------
    def repository(self, name: str) -> Repository:
        with self._lock:
            return self.repositories.setdefault(name, Repository(name))

    def _store(self, repository: str, manifest: Manifest) -> Manifest:
        repo = self.repository(repository)
        with self._lock:
            return repo.manifests.setdefault(manifest.digest, manifest)

    def tag(self, repository: str, tag: str, digest: str, *, updated: int = 0) -> None:
        repo = self.repository(repository)
        when = _timestamp(updated)
        with self._lock:
            repo.tags[tag] = Tag(tag, digest, when, when)

    def add_image(
        self,
        repository: str,
        tag: str | None = None,
        *,
        platform: str = "linux/amd64",
        size: int = 30_000_000,
        seed: str = "",
        media_type: str = DOCKER_MANIFEST,
        updated: int = 0,
    ) -> str:
        """A single-platform image manifest (config and two layers of ``size`` bytes in all);
        tagged ``tag`` when given. Returns its digest."""
        unique = f"{repository}:{tag}:{platform}:{seed}:{next(self._seq)}"
        config_type = DOCKER_CONFIG if media_type == DOCKER_MANIFEST else OCI_CONFIG
        layer_type = (
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
            if media_type == DOCKER_MANIFEST
            else "application/vnd.oci.image.layer.v1.tar+gzip"
        )
        config = 1_500
        layers = [size // 3, size - size // 3 - config]
        document = {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {"mediaType": config_type, "size": config, "digest": _sha(unique + "c")},
            "layers": [
                {"mediaType": layer_type, "size": n, "digest": _sha(f"{unique}l{i}")}
                for i, n in enumerate(layers)
            ],
        }
        body = json.dumps(document, indent=3).encode()
        return self.add_document(
            repository, body, media_type, tag=tag, platform=platform, size=size, updated=updated
        )

    def add_index(
        self,
        repository: str,
        tag: str | None,
        platforms: list[str],
        *,
        attestations: bool = False,
        size: int = 30_000_000,
        media_type: str = OCI_INDEX,
        updated: int = 0,
    ) -> str:
        """A multi-platform image: one untagged image per platform and an index over them
        (with buildx's attestation entries when ``attestations``). Returns the index digest."""
        child_type = OCI_MANIFEST if media_type == OCI_INDEX else DOCKER_MANIFEST
        entries, references = [], []
        for platform in platforms:
            digest = self.add_image(
                repository,
                None,
                platform=platform,
                size=size,
                media_type=child_type,
                updated=updated,
                seed=f"{tag}",
            )
            child = self.repositories[repository].manifests[digest]
            parts = platform.split("/")
            described = {"architecture": parts[1], "os": parts[0]}
            if len(parts) > 2:
                described["variant"] = parts[2]
            entries.append(
                {
                    "mediaType": child_type,
                    "size": len(child.body),
                    "digest": digest,
                    "platform": described,
                }
            )
            references.append({"digest": digest, "architecture": parts[1], "os": parts[0]})
            if attestations:
                proof = self.add_image(
                    repository,
                    None,
                    platform="unknown/unknown",
                    size=2_000,
                    media_type=child_type,
                    updated=updated,
                    seed=f"{tag}-attestation",
                )
                entries.append(
                    {
                        "mediaType": child_type,
                        "size": 840,
                        "digest": proof,
                        "platform": {"architecture": "unknown", "os": "unknown"},
                        "annotations": {
                            "vnd.docker.reference.digest": digest,
                            "vnd.docker.reference.type": "attestation-manifest",
                        },
                    }
                )
                references.append({"digest": proof, "architecture": "unknown", "os": "unknown"})
        document = {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
        body = json.dumps(document, indent=3).encode()
        return self.add_document(
            repository, body, media_type, tag=tag, references=references, updated=updated
        )

    def add_document(
        self,
        repository: str,
        body: bytes,
        media_type: str,
        *,
        tag: str | None = None,
        platform: str | None = None,
        size: int | None = None,
        references: list[dict[str, str]] | None = None,
        updated: int = 0,
    ) -> str:
        """A manifest whose document is ``body`` exactly (its digest is the body's sha256),
        with the attributes ACR would report for it. Returns the digest."""
        os_name, architecture = platform.split("/")[:2] if platform else (None, None)
        when = _timestamp(updated)
        manifest = Manifest(
            _sha_bytes(body),
            media_type,
            body,
            len(body) if size is None else size,
            os_name,
            architecture,
            list(references or []),
            when,
            when,
        )
        self._store(repository, manifest)
        if tag is not None:
            self.tag(repository, tag, manifest.digest, updated=updated)
        return manifest.digest

    def lock(
        self,
        repository: str,
        *,
        tag: str | None = None,
        digest: str | None = None,
        **attributes: bool,
    ) -> None:
        """Change the writeable attributes (``writeEnabled=False`` …) of a repository, a tag
        or a manifest, as `az acr repository update` does."""
        repo = self.repositories[repository]
        with self._lock:
            if tag is not None:
                repo.tags[tag].attributes.update(attributes)
            elif digest is not None:
                repo.manifests[digest].attributes.update(attributes)
            else:
                repo.attributes.update(attributes)

    def untag(self, repository: str, tag: str) -> None:
        with self._lock:
            del self.repositories[repository].tags[tag]

    # --- HTTP ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Reply:
        if self.delay:
            time.sleep(self.delay)
        with self._lock:
            self.log.append(request)
        if self.on_request is not None:
            self.on_request(request)
        if request.path == "/v2/" and request.method == "GET":
            return self._v2(request)
        if self.v2 == "forbidden":
            return self._firewall()
        if request.path == "/oauth2/exchange" and request.method == "POST":
            return self._exchange(request)
        if request.path == "/oauth2/token" and request.method == "POST":
            return self._token(request)
        scope = _scope(request.path)
        if scope is None or request.method != "GET":
            return acr_error(404, "NAME_UNKNOWN", "repository name not known to registry")
        return self._data(request, scope)

    def _firewall(self) -> Reply:
        return acr_error(
            403, "DENIED", "client with IP '127.0.0.1' is not allowed access to the registry"
        )

    def _challenge(self, scope: str | None = None) -> Reply:
        header = f'Bearer realm="{self.url}/oauth2/token",service="{self.login_server}"'
        if scope:
            header += f',scope="{scope}"'
        return Reply(
            401,
            {
                "errors": [
                    {
                        "code": "UNAUTHORIZED",
                        "message": "authentication required, visit https://aka.ms/acr/"
                        "authorization for more information.",
                    }
                ]
            },
            {"WWW-Authenticate": header},
        )

    def _v2(self, request: Request) -> Reply:
        if self.v2 == "forbidden":
            return self._firewall()
        if self.v2 == "open":
            return Reply(200, example(_DATAPLANE + "GetDockerRegistryV2Support.json") or {})
        if self.v2 == "no-challenge":
            return Reply(401, {"errors": [{"code": "UNAUTHORIZED", "message": "no"}]})
        if self.v2 == "not-bearer":
            return Reply(401, {}, {"WWW-Authenticate": 'Basic realm="registry"'})
        auth = request.headers.get("authorization", "")
        if auth.startswith("Bearer ") and auth[7:] in self._access:
            return Reply(200, {})
        return self._challenge()

    def _exchange(self, request: Request) -> Reply:
        form = request.form()
        if self.exchange_status == 429:
            return acr_error(429, "TOOMANYREQUESTS", "too many requests", {"Retry-After": "0"})
        if self.exchange_status != 200:
            return acr_error(self.exchange_status, "UNAUTHORIZED", "exchange refused")
        if form.get("grant_type") != "access_token" or form.get("service") != self.login_server:
            return acr_error(400, "UNSUPPORTED", "bad grant or service")
        if not form.get("access_token", "").startswith(self.entra_prefix):
            return acr_error(401, "UNAUTHORIZED", "the Entra token was not accepted")
        token = _refresh_token(next(self._seq))
        with self._lock:
            self._refresh.add(token)
        body = dict(example(_DATAPLANE + "PostRefreshToken.json"))
        body["refresh_token"] = token
        return Reply(200, body)

    def _token(self, request: Request) -> Reply:
        form = request.form()
        if self.token_status != 200:
            return acr_error(self.token_status, "DENIED", "retrieving permissions failed")
        if form.get("refresh_token") not in self._refresh:
            return acr_error(401, "UNAUTHORIZED", "unknown refresh token")
        scope = form.get("scope", "")
        if _repository_of(scope) in self.denied:
            return acr_error(
                401,
                "UNAUTHORIZED",
                "authentication required, visit https://aka.ms/acr/authorization for more "
                "information.",
            )
        token = f"access{next(self._seq)}"
        with self._lock:
            self._access[token] = scope
        body = dict(example(_DATAPLANE + "PostAccessToken.json"))
        body["access_token"] = token
        return Reply(200, body)

    def _data(self, request: Request, scope: str) -> Reply:
        auth = request.headers.get("authorization", "")
        granted = self._access.get(auth[7:]) if auth.startswith("Bearer ") else None
        if granted is None or not _covers(granted, scope):
            return self._challenge(scope)
        with self._lock:
            if self.throttle > 0:
                self.throttle -= 1
                return acr_error(429, "TOOMANYREQUESTS", "too many requests", {"Retry-After": "0"})
        if self.fail is not None:
            return acr_error(self.fail, self.fail_code, "the registry had a problem")
        parts = [unquote(p) for p in request.path.strip("/").split("/")]
        if parts[0] == "v2":
            return self._manifest_document(parts[1], parts[3])
        if parts[2] == "_catalog":
            return self._catalog(request)
        repo = self.repositories.get(parts[2])
        if repo is None:
            return acr_error(404, "NAME_UNKNOWN", "repository name not known to registry")
        if len(parts) == 3:
            return self._repository_attributes(repo)
        if parts[3] == "_tags":
            return self._tags(request, repo, parts[4] if len(parts) > 4 else None)
        return self._manifests(request, repo, parts[4] if len(parts) > 4 else None)

    def _catalog(self, request: Request) -> Reply:
        names = sorted(self.repositories)
        page, link = _page(names, request, "/acr/v1/_catalog", lambda name: name)
        body = dict(example(_DATAPLANE + "GetRepositoryList.json"))
        body["repositories"] = page
        return Reply(200, body, link)

    def _repository_attributes(self, repo: Repository) -> Reply:
        body = copy.deepcopy(example(_DATAPLANE + "GetRepositoryAttributes.json"))
        body.update(
            {
                "registry": self.login_server,
                "imageName": repo.name,
                "manifestCount": len(repo.manifests),
                "tagCount": len(repo.tags),
                "changeableAttributes": dict(repo.attributes),
            }
        )
        return Reply(200, body)

    def _tags(self, request: Request, repo: Repository, name: str | None) -> Reply:
        if name is not None:
            tag = repo.tags.get(name)
            if tag is None:
                return acr_error(404, "TAG_UNKNOWN", "the specified tag does not exist")
            return Reply(
                200, {"registry": self.login_server, "imageName": repo.name, "tag": tag.entry()}
            )
        tags = sorted(repo.tags.values(), key=lambda t: t.name)
        page, link = _page(tags, request, f"/acr/v1/{quote(repo.name, safe='')}/_tags", _name)
        body = copy.deepcopy(example(_DATAPLANE + "GetTagList.json"))
        body.update(
            {
                "registry": self.login_server,
                "imageName": repo.name,
                "tags": [t.entry() for t in page],
            }
        )
        return Reply(200, body, link)

    def _manifests(self, request: Request, repo: Repository, digest: str | None) -> Reply:
        if digest is not None:
            manifest = repo.manifests.get(digest)
            if manifest is None:
                return acr_error(404, "MANIFEST_UNKNOWN", "manifest unknown")
            body = copy.deepcopy(example(_DATAPLANE + "GetManifestAttributes.json"))
            body.update(
                {
                    "registry": self.login_server,
                    "imageName": repo.name,
                    "manifest": manifest.entry(repo.tags_of(digest)),
                }
            )
            return Reply(200, body)
        manifests = sorted(repo.manifests.values(), key=lambda m: m.digest)
        path = f"/acr/v1/{quote(repo.name, safe='')}/_manifests"
        page, link = _page(manifests, request, path, _digest)
        tagged: dict[str, list[str]] = {}
        for tag in repo.tags.values():
            tagged.setdefault(tag.digest, []).append(tag.name)
        body = copy.deepcopy(example(_DATAPLANE + "GetManifestList.json"))
        body.update(
            {
                "registry": self.login_server,
                "imageName": repo.name,
                "manifests": [m.entry(tagged.get(m.digest, [])) for m in page],
            }
        )
        return Reply(200, body, link)

    def _manifest_document(self, repository: str, reference: str) -> Reply:
        repo = self.repositories.get(repository)
        if repo is None:
            return acr_error(404, "NAME_UNKNOWN", "repository name not known to registry")
        tag = repo.tags.get(reference)
        manifest = repo.manifests.get(tag.digest if tag is not None else reference)
        if manifest is None:
            return acr_error(
                404, "MANIFEST_UNKNOWN", f'manifest tagged by "{reference}" is not found'
            )
        headers = {"Content-Type": manifest.media_type, "Docker-Content-Digest": manifest.digest}
        return Reply(200, manifest.body, headers)


def _name(tag: Tag) -> str:
    return tag.name


def _digest(manifest: Manifest) -> str:
    return manifest.digest


def _page(
    items: list[Any], request: Request, path: str, key: Callable[[Any], str]
) -> tuple[list[Any], dict[str, str]]:
    """Docker-style paging: the items after ``last``, at most ``n``; a Link header when more."""
    size = int(request.query.get("n") or DEFAULT_PAGE)
    last = request.query.get("last")
    start = 0
    if last:
        start = next((i for i, item in enumerate(items) if key(item) > last), len(items))
    page = items[start : start + size]
    if start + size >= len(items) or not page:
        return page, {}
    after = quote(key(page[-1]), safe="")
    return page, {"Link": f'<{path}?last={after}&n={size}&orderby=>; rel="next"'}


def _scope(path: str) -> str | None:
    """The token scope a data request needs (what ACR's challenge names), or None."""
    parts = [unquote(p) for p in path.strip("/").split("/")]
    if parts[:3] == ["acr", "v1", "_catalog"]:
        return "registry:catalog:*"
    if parts[:2] == ["acr", "v1"] and len(parts) >= 3:
        return f"repository:{parts[2]}:metadata_read"
    if parts[0] == "v2" and len(parts) == 4 and parts[2] == "manifests":
        return f"repository:{parts[1]}:pull"
    return None


def _repository_of(scope: str) -> str | None:
    kind, _, rest = scope.partition(":")
    return rest.rpartition(":")[0] if kind == "repository" else None


def _covers(granted: str, needed: str) -> bool:
    return granted == needed


def _refresh_token(serial: int) -> str:
    """A JWT-shaped refresh token with its expiry, as ACR issues them (the SDK reads ``exp``
    from the standard-base64 middle part)."""
    claims = json.dumps({"exp": int(time.time()) + REFRESH_LIFETIME, "jti": serial})
    while len(claims) % 3:  # no padding characters in the encoded part
        claims += " "
    middle = base64.b64encode(claims.encode()).decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{middle}.{serial:08d}"


def _sha(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def _sha_bytes(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()
