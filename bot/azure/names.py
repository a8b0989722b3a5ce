"""Registry arguments as people type them: a name in any case, a login server or a resource id.

No Azure SDK here: the command grammar and the audit log use it before any Azure call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.azure.reports import resource_id_parts
from bot.config import valid_registry_name
from bot.errors import BadInput, BotError
from bot.mrkdwn import quote
from bot.words import say


@dataclass(frozen=True)
class RegistryArgument:
    """What the user typed, understood: a validated name and, for resource ids, the location."""

    name: str
    subscription_id: str | None = None
    resource_group: str | None = None


def parse_registry(text: str) -> RegistryArgument:
    """Understand a registry argument; raise BadInput with the accepted forms otherwise."""
    raw = text.strip()
    parts = resource_id_parts(raw)
    if parts:
        subscription, group, name = parts
        _check_name(name, raw)
        return RegistryArgument(name.lower(), subscription, group)
    host = re.sub(r"^https?://", "", raw, flags=re.IGNORECASE).split("/", 1)[0]
    name = host.split(".", 1)[0].split("-", 1)[0] if "." in host else host
    _check_name(name, raw)
    return RegistryArgument(name.lower())


def registry_label(text: str) -> str:
    """The registry's name for the audit log, or what was typed when it is not a name."""
    try:
        return parse_registry(text).name
    except BotError:
        return text.strip()[:60]


def _check_name(name: str, raw: str) -> None:
    if not valid_registry_name(name):
        raise BadInput(say("bad_registry", shown=quote(raw)))


# --- images -------------------------------------------------------------------------------------
# Repository names and tags as the OCI distribution spec allows them (lowercase path components,
# a tag of up to 128 word characters, dots and dashes), and sha256 digests.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(f"^{_COMPONENT}(?:/{_COMPONENT})*$")
_TAG = re.compile(r"^\w[\w.-]{0,127}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_IMAGE_FORMS = say(
    "list.or",
    first="<registry>.azurecr.io/<repository>:<tag>, "
    "<registry>.azurecr.io/<repository>@sha256:<digest>",
    last="<registry>/<repository>:<tag>",
)
_HOST = r"(?<![\w.-])(?P<host>[A-Za-z0-9-]{5,60}(?:\.[A-Za-z0-9-]+)*\.azurecr\.(?:io|cn|us))"
# An image on an ACR host inside a paste (host, repository, then a tag or a digest), or a
# registry URL that names a manifest (``https://<host>/v2/<repository>/manifests/<reference>``).
# A repository is at most 255 characters: the bound keeps the search linear on a paste that
# repeats a login server and a long path (each occurrence would scan the rest of it).
_IMAGE_IN_TEXT = re.compile(
    _HOST + r"/(?:v2/(?P<url_path>[a-z0-9][a-z0-9._/-]{0,254}?)/manifests/"
    r"(?P<url_ref>sha256:[0-9a-f]{64}|[\w][\w.-]{0,127})"
    r"|(?P<path>[a-z0-9][a-z0-9._/-]{0,254}?)(?P<ref>:[\w][\w.-]{0,127}|@sha256:[0-9a-f]{64}))"
    r"(?![\w.-]*/)"
)


@dataclass(frozen=True)
class ImageArgument:
    """An image as the user named it: the registry argument, the repository, a tag or digest."""

    registry: str  # as typed: a login server or a name (resolved through ARM later)
    repository: str
    reference: str  # a tag, or sha256:<digest>

    @property
    def name(self) -> str:
        """The registry's name (for access limits and the command log)."""
        return parse_registry(self.registry).name

    @property
    def is_digest(self) -> bool:
        return self.reference.startswith("sha256:")


def parse_image(text: str) -> ImageArgument:
    """Understand an image argument; raise BadInput with the accepted forms otherwise."""
    raw = re.sub(r"^(?:docker://|https?://)", "", text.strip(), flags=re.IGNORECASE)
    shown = quote(raw)  # what people type is only ever text in the answer (bot.mrkdwn)
    host, slash, rest = raw.partition("/")
    if not slash or not rest:
        raise BadInput(say("bad_image", shown=shown, forms=_IMAGE_FORMS))
    parse_registry(host)  # a bad registry part says what a registry name looks like
    if "@" in rest:
        repository, _, reference = rest.partition("@")
        if not _DIGEST.match(reference):
            raise BadInput(say("bad_digest", reference=quote(reference)))
    else:
        repository, colon, reference = rest.rpartition(":")
        if not colon:  # no tag: Docker's own default
            repository, reference = rest, "latest"
        if not _TAG.match(reference):
            raise BadInput(say("bad_tag", reference=quote(reference)))
    if repository != repository.lower() and _REPOSITORY.match(repository.lower()):
        raise BadInput(
            say("repository_case", repository=repository, lower=f"{host}/{repository.lower()}")
        )
    if not _REPOSITORY.match(repository):
        raise BadInput(say("bad_repository", repository=quote(repository)))
    return ImageArgument(host, repository, reference)


def find_image(text: str, registry: str | None = None) -> str | None:
    """The first image on an ACR registry that a paste names with a tag or a digest
    (``myreg.azurecr.io/api:1.4.3``), on ``registry`` when given; None when there is none.

    Registry URLs count when they name a manifest (``https://myreg.azurecr.io/v2/api/manifests/
    1.4.3``); other paths on the registry (``/oauth2/token``) are not images.
    """
    for found in _IMAGE_IN_TEXT.finditer(text):
        host = found.group("host")
        if found.group("url_path"):
            path, reference = found.group("url_path"), found.group("url_ref")
            ref = ("@" if reference.startswith("sha256:") else ":") + reference
        else:
            path, ref = found.group("path"), found.group("ref")
            if path.split("/", 1)[0] in ("v2", "oauth2", "acr"):
                continue
        candidate = f"{host.lower()}/{path}{ref}"
        try:
            image = parse_image(candidate)
        except BotError:
            continue
        if registry is None or image.name == registry.lower():
            return candidate
    return None
