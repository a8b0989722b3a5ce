"""What a paste names: the values behind an answer's placeholders, and whether the paste holds
the signature it matched.

An answer is written with placeholders (``<registry>``, ``<ip>``, ``<repository>``, ``<tag>``
…). When a paste names one of them, the answer shows that value instead, in its steps and its
commands alike; a placeholder the paste does not name stays as it is — a value is never
guessed. Values come from two readings of the paste:

1. **The matched signature, aligned.** A signature is the tool's own output with
   placeholders; its literal pieces are found in the paste in order, and what lies between
   them is what each placeholder stands for (``client with IP '<ip>'`` → the address).
   Finding every piece is also what "the paste contains the signature" means, the only case
   in which an answer says what it matched on.
2. **Well-known shapes** anywhere in the paste: an image reference on a login server
   (registry, repository, tag, digest), an Azure resource id (subscription, resource group,
   registry), a regional data or geo endpoint (region), the address in ``client with IP '…'``.

Everything here is linear in the length of the paste: each shape is one regular-expression
pass with bounded repeats, and an alignment tries a bounded number of starting points.
"""

from __future__ import annotations

import ipaddress
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field

MAX_TEXT = 40_000  # characters of a paste read (the start and, mostly, the end of a dump)
MAX_STARTS = 32  # places an alignment may start from: bounds the work on repetitive pastes
MAX_VALUE = 200  # characters one placeholder may stand for

PLACEHOLDER = re.compile(r"<([a-z][a-z0-9]*(?:-[a-z0-9]+)*)>")
# markup that real output contains (an HTML error page), not placeholders
HTML_TAGS = frozenset(
    {"a", "b", "body", "br", "center", "div", "h1", "h2", "h3", "h4", "h5", "h6", "head"}
    | {"hr", "html", "i", "p", "pre", "span", "title"}
)
# what the paste's value for a placeholder must look like (a whole match)
_SHAPES: dict[str, re.Pattern[str]] = {
    "registry": re.compile(r"[A-Za-z0-9]{5,50}"),
    "repository": re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,254}[A-Za-z0-9])?"),
    "tag": re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
    "digest": re.compile(r"(?:sha256:)?[0-9a-fA-F]{64}"),
    "ip": re.compile(r"[0-9A-Fa-f.:]{2,45}"),
    "image": re.compile(r"[A-Za-z0-9][A-Za-z0-9._/:@-]{0,299}"),
    "subscription": re.compile(r"[^'\"()\n]{1,100}"),
    "subscription-id": re.compile(r"[0-9a-fA-F-]{36}"),
    "resource-group": re.compile(r"[-\w.()]{1,90}"),
    "registry-resource-id": re.compile(r"/subscriptions/\S{1,300}"),
    "resource-id": re.compile(r"/subscriptions/\S{1,300}"),
    "region": re.compile(r"[a-z0-9]{2,40}"),
    "group": re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}"),  # a container group (ACI)
}
# the placeholders an answer fills: the shapes above (never a token or a password)
FILLABLE = frozenset(_SHAPES)
_TOKEN = re.compile(rf"\S{{1,{MAX_VALUE}}}")  # any other placeholder: one word of the paste
_WORD_CHARS = {
    "registry": frozenset(string.ascii_letters + string.digits),
    "tag": frozenset(string.ascii_letters + string.digits + "_.-"),
    "repository": frozenset(string.ascii_letters + string.digits + "._/-"),
}

# --- the shapes found anywhere -----------------------------------------------------------------
_IMAGE = re.compile(
    r"(?<![\w.-])(?P<registry>[A-Za-z0-9]{5,50})\.azurecr\.(?:io|cn|us)(?::\d{1,5})?"
    r"/(?P<path>[A-Za-z0-9][A-Za-z0-9._/-]{0,254})"
    r"(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[0-9a-fA-F]{64}))?"
)
_V2_PATH = re.compile(r"v2/(?P<repository>.+?)/(?P<kind>manifests|blobs|tags)(?:/(?P<ref>[^/]+))?$")
_NOT_REPOSITORIES = ("oauth2/", "acr/", "helm/", "v2/")
_RESOURCE_ID = re.compile(
    r"/subscriptions/(?P<subscription>[0-9a-fA-F-]{36})/resourceGroups/(?P<group>[-\w.()]{1,90})"
    r"(?P<registry>/providers/Microsoft\.ContainerRegistry/registries/(?P<name>[A-Za-z0-9]{5,50}))?",
    re.IGNORECASE,
)
_REGIONAL = re.compile(
    r"(?<![\w.-])(?P<registry>[A-Za-z0-9]{5,50})\.(?P<region>[a-z0-9]{2,40})\.(?:data|geo)\.azurecr\.",
    re.IGNORECASE,
)
_CLIENT_IP = re.compile(r"client with IP '(?P<ip>[0-9A-Fa-f.:]{2,45})'")

# Slack's markup around pasted text, and the escapes JSON bodies print
_SLACK_LINK = re.compile(r"<((?:https?|mailto):[^|>\s]{1,2000})(?:\|[^>]{0,2000})?>")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"), ("\\u0027", "'"), ('\\"', '"'))
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@dataclass(frozen=True)
class Pasted:
    """What one paste names, as an answer uses it."""

    values: Mapping[str, str] = field(default_factory=dict)  # placeholder name → value
    contains_signature: bool = False  # the matched signature is in the paste, piece by piece

    def fill(self, text: str) -> str:
        """``text`` with every placeholder the paste named replaced by its value."""
        if not self.values:
            return text

        def value(found: re.Match[str]) -> str:
            return self.values.get(found.group(1), found.group(0))

        return PLACEHOLDER.sub(value, text)

    def packed(self) -> dict[str, str]:
        """The values, for a button that answers later (JSON-ready)."""
        return dict(self.values)


NOTHING = Pasted()


def read(text: str, signature: str | None = None, registry: str | None = None) -> Pasted:
    """What ``text`` names; ``signature`` is the one it matched on (if it matched on one),
    ``registry`` the registry the matcher found in it."""
    text = plain(text)
    values = _shapes(text)
    contains = False
    if signature:
        contains, aligned = align(signature, text)
        values.update(aligned)
    if registry and _names_login_server(text, registry):
        values["registry"] = registry
    return Pasted(values, contains)


def _names_login_server(text: str, registry: str) -> bool:
    """Whether ``registry`` is a login server's own name in ``text`` (``contoso.azurecr.io``,
    its data, geo and private-link endpoints), not a label inside another name
    (``privatelink`` in ``x.privatelink.azurecr.io``)."""
    host = re.compile(
        rf"(?<![\w.-]){re.escape(registry)}(?:\.[a-z0-9]{{2,40}}\.(?:data|geo))?"
        r"(?:\.privatelink)?\.azurecr\.",
        re.IGNORECASE,
    )
    return host.search(text) is not None


def plain(text: str) -> str:
    """The paste as the tool printed it: Slack's link markup and escapes undone, one space
    for any run of white space, at most MAX_TEXT characters."""
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT // 4] + "\n" + text[-(MAX_TEXT - MAX_TEXT // 4 - 1) :]
    text = _SLACK_LINK.sub(r"\1", text)
    for entity, character in _ENTITIES:
        text = text.replace(entity, character)
    return " ".join(text.split())


def placeholders(text: str) -> list[str]:
    """The placeholder names in ``text`` (HTML tags that real output prints are not)."""
    return [name for name in PLACEHOLDER.findall(text) if name not in HTML_TAGS]


# --- well-known shapes -------------------------------------------------------------------------
def _shapes(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for found in _IMAGE.finditer(text):
        path = found.group("path").rstrip("./-")
        repository, tag = path, found.group("tag")
        v2 = _V2_PATH.match(path) if path.startswith("v2/") else None
        if v2 is not None:
            repository = v2.group("repository")
            ref = v2.group("ref") or ""
            tag = ref if v2.group("kind") == "manifests" and not ref.startswith("sha256") else None
        elif path.startswith(_NOT_REPOSITORIES) or path in ("v2",):
            continue
        values.setdefault("registry", found.group("registry").lower())
        values.setdefault("repository", repository)
        if tag:
            values.setdefault("tag", tag)
        if found.group("digest"):
            values.setdefault("digest", found.group("digest"))
        break  # the first image the paste names is the one it is about
    found_id = _RESOURCE_ID.search(text)
    if found_id is not None:
        values.setdefault("subscription", found_id.group("subscription"))
        values.setdefault("subscription-id", found_id.group("subscription"))
        values.setdefault("resource-group", found_id.group("group"))
        if found_id.group("registry"):
            resource = found_id.group(0)
            values.setdefault("registry-resource-id", resource)
            values.setdefault("resource-id", resource)
            values.setdefault("registry", found_id.group("name").lower())
    regional = _REGIONAL.search(text)
    if regional is not None:
        values.setdefault("region", regional.group("region").lower())
        values.setdefault("registry", regional.group("registry").lower())
    client = _CLIENT_IP.search(text)
    if client is not None and _is_address(client.group("ip")):
        values.setdefault("ip", client.group("ip"))
    return values


# --- the signature, aligned --------------------------------------------------------------------
def align(signature: str, text: str) -> tuple[bool, dict[str, str]]:
    """Whether ``text`` (already :func:`plain`) holds ``signature`` — its literal pieces in
    order, each placeholder standing for text of its shape — and what the fillable
    placeholders stand for (a placeholder met twice with two values is left unfilled)."""
    pieces, names = _split(plain(signature))
    if not any(pieces):
        return False, {}
    alignment = _Alignment(pieces, names, text, text.translate(_ASCII_LOWER))
    first = next(i for i, piece in enumerate(pieces) if piece)
    start = 0
    for _ in range(MAX_STARTS):
        at = alignment.low.find(pieces[first], start)
        if at == -1:
            return False, {}
        found = alignment.values(first, at)
        if found is not None:
            return True, found
        start = at + 1
    return False, {}


def _split(signature: str) -> tuple[list[str], list[str]]:
    """Literal pieces (lower case) around the placeholders: len(pieces) == len(names) + 1."""
    pieces: list[str] = []
    names: list[str] = []
    at = 0
    for found in PLACEHOLDER.finditer(signature):
        if found.group(1) in HTML_TAGS:
            continue
        pieces.append(signature[at : found.start()].translate(_ASCII_LOWER))
        names.append(found.group(1))
        at = found.end()
    pieces.append(signature[at:].translate(_ASCII_LOWER))
    return pieces, names


@dataclass(frozen=True)
class _Alignment:
    """A signature's pieces and placeholder names against one paste (``low``: the paste in
    ASCII lower case, the same length, so positions carry over)."""

    pieces: list[str]
    names: list[str]
    text: str
    low: str

    def values(self, first: int, at: int) -> dict[str, str] | None:
        """The placeholders' values when piece ``first`` is taken at ``at``; None if the rest
        of the signature does not follow."""
        pieces, names, text = self.pieces, self.names, self.text
        seen: dict[str, set[str]] = {}
        if first > 1:  # two placeholders in a row before any text: nothing tells them apart
            return None
        if first == 1:  # a placeholder before the first literal piece: read backwards
            value = _backwards(names[0], text, at)
            if value is None:
                return None
            seen[names[0]] = {value}
        position = at + len(pieces[first])
        for index in range(first + 1, len(pieces)):
            name, piece = names[index - 1], pieces[index]
            if not piece:  # a placeholder at the very end (or two in a row: unsupported)
                value = _forwards(name, text, position) if index == len(pieces) - 1 else None
                if value is None:
                    return None
                seen.setdefault(name, set()).add(value)
                break
            limit = position + MAX_VALUE + 1 + len(piece)
            next_at = self.low.find(piece, position + 1, limit)
            if next_at == -1 or not _fits(name, text[position:next_at]):
                return None
            seen.setdefault(name, set()).add(text[position:next_at])
            position = next_at + len(piece)
        return {
            name: _clean(name, found.pop())
            for name, found in seen.items()
            if name in FILLABLE and len(found) == 1
        }


def _backwards(name: str, text: str, end: int) -> str | None:
    chars = _WORD_CHARS.get(name)
    start = end
    while start > 0 and end - start < MAX_VALUE:
        character = text[start - 1]
        if character.isspace() or (chars is not None and character not in chars):
            break
        start -= 1
    value = text[start:end]
    return value if value and _fits(name, value) else None


def _forwards(name: str, text: str, start: int) -> str | None:
    chars = _WORD_CHARS.get(name)
    end = start
    while end < len(text) and end - start < MAX_VALUE:
        character = text[end]
        if character.isspace() or (chars is not None and character not in chars):
            break
        end += 1
    value = text[start:end].rstrip(".,;:'\")]")
    return value if value and _fits(name, value) else None


def _fits(name: str, value: str) -> bool:
    shape = _SHAPES.get(name, _TOKEN)
    if not shape.fullmatch(value):
        return False
    return _is_address(value) if name == "ip" else True


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _clean(name: str, value: str) -> str:
    if name == "registry":
        return value.lower()
    if name == "digest" and not value.startswith("sha256:"):
        return "sha256:" + value.lower()
    return value
