"""Build the knowledge base and its matcher once per content, not once per start.

Parsing 80 YAML files and indexing them takes a fifth of a second; a command-line call or a
restarted pod should not pay it every time. The built pair is kept on disk under a key made
of every knowledge file's bytes, the fitted model and this code's version, so any change to
any of them builds afresh. A cache that cannot be read or written is skipped, never fatal.

The file is a pickle. It is written and read only under the user's own cache directory with
mode 0600, where anyone able to write it could already run code as that user.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from importlib import resources
from pathlib import Path

from bot.knowledge import KnowledgeBase, default_directory, load
from bot.matching.matcher import Matcher
from bot.matching.tuning import MODEL_FILE

log = logging.getLogger(__name__)
CACHE_VERSION = "matcher-1"
# the package's modules that are not the matcher's (this cache, the package's re-exports)
NOT_MATCHER_CODE = frozenset({"__init__.py", "cache.py"})


def code_files() -> list[str]:
    """The matcher's modules (every other ``*.py`` of bot/matching, so none is forgotten)."""
    package = resources.files("bot.matching")
    return sorted(
        entry.name
        for entry in package.iterdir()
        if entry.name.endswith(".py") and entry.name not in NOT_MATCHER_CODE
    )


def knowledge_module_file() -> str:
    import bot.knowledge

    return str(bot.knowledge.__file__)


def cache_directory() -> Path:
    explicit = os.environ.get("ACRBOT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "acrbot"


def content_key(directory: Path) -> str:
    digest = hashlib.sha256(f"{CACHE_VERSION} {sys.version}".encode())
    for path in sorted(directory.iterdir()):
        if path.is_file() and path.suffix in (".yaml", ".txt", ".jsonl"):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    package = resources.files("bot.matching")
    digest.update(package.joinpath(MODEL_FILE).read_bytes())
    # the matcher's own code: an upgraded or edited matcher never reads an older build
    for name in code_files():
        digest.update(package.joinpath(name).read_bytes())
    digest.update(Path(knowledge_module_file()).read_bytes())
    return digest.hexdigest()[:32]


def load_matcher(directory: Path | None = None) -> tuple[KnowledgeBase, Matcher]:
    """The knowledge base in ``directory`` (the shipped one by default) and its matcher."""
    directory = directory or default_directory()
    try:
        key = content_key(directory)
    except OSError:
        key = None  # the loader below reports a missing or unreadable directory clearly
    path = cache_directory() / f"{key}.pickle" if key else None
    if path is not None:
        cached = _read(path)
        if cached is not None:
            return cached
    kb = load(directory)
    matcher = Matcher(kb)
    if path is not None:
        _write(path, (kb, matcher))
    return kb, matcher


def _read(path: Path) -> tuple[KnowledgeBase, Matcher] | None:
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)  # noqa: S301 - our own file under 0600, see above
    except FileNotFoundError:
        return None
    except Exception as exc:  # a stale or damaged cache is rebuilt, whatever went wrong
        log.debug("matcher cache unreadable: %s", type(exc).__name__)
        return None
    if (
        isinstance(data, tuple)
        and len(data) == 2
        and isinstance(data[0], KnowledgeBase)
        and isinstance(data[1], Matcher)
    ):
        return data[0], data[1]
    return None


def _write(path: Path, data: tuple[KnowledgeBase, Matcher]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".matcher-")
        with os.fdopen(handle, "wb") as out:
            pickle.dump(data, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)  # atomic: a concurrent reader sees the old or the new
        _prune(path.parent, keep=path)
    except Exception as exc:  # a read-only home, a full disk: run without the cache
        log.debug("matcher cache not written: %s", type(exc).__name__)


def _prune(directory: Path, keep: Path, most: int = 4) -> None:
    """Old builds are removed, so editing the knowledge base does not fill the disk."""
    builds = sorted(directory.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in [b for b in builds if b != keep][most - 1 :]:
        old.unlink(missing_ok=True)
