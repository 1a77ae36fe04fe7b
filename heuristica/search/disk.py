"""The search index kept in a folder, so that the next process (the CLI after
the app, the MCP server after a restart) indexes only the pages that changed.

The folder holds tantivy's own index (``index/``) and a manifest
(``pages.json``): which page is in which row and the version of the page it
was indexed from, the files of ``index/`` as they were left (size and
modification time), a generation that grows with every write, and, when the
pages are those of one whole load of a knowledge folder, which load
(``Loaded``: a fingerprint of the folder as it was loaded, and each page's
file), so that a later process can answer from the index alone while the
folder is still as it was (``live.kept_search``). It is trusted only if it
was written by this search code with this tantivy (``VERSION``, a digest of
both), its seal (a digest of the rest of its bytes) matches, ``index/``
holds exactly the files it lists, unchanged, and tantivy opens it with as
many pages as it names. Anything else (a damaged, truncated or hand-edited
file, another version, a file changed or removed behind its back, a crash
between the index and the manifest) and the folder is emptied and indexed
again.

One process at a time writes (an exclusive ``flock`` on ``.lock``, held while
it updates the index and the manifest); a writer that finds the manifest at
another generation than the one it last wrote knows another process wrote
meanwhile, and starts again from what that one wrote.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import json
import logging
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import tantivy

from heuristica.kb.cache_place import write_whole
from heuristica.kb.parse_version import VERSION as PARSE_VERSION

__all__ = [
    "VERSION",
    "Loaded",
    "Manifest",
    "has_manifest",
    "locked",
    "open_index",
    "read_manifest",
    "trusted_index",
    "write_manifest",
]

_FORMAT = "heuristica-search-index"
_SOURCES = ("disk.py", "store.py", "index.py", "query.py", "text.py", "page_text.py")
_INDEX = "index"
_MANIFEST = "pages.json"
_log = logging.getLogger(__name__)


def _version() -> str:
    """Changes when the indexed or stored text, the tokenizer, the schema or
    tantivy change, or what a page file is read as (``kb.parse_version.VERSION``: a
    page is known by its file's version)."""
    hashed = hashlib.blake2b(PARSE_VERSION.encode(), digest_size=16)
    for name in _SOURCES:
        hashed.update((Path(__file__).parent / name).read_bytes())
    hashed.update(importlib.metadata.version("tantivy").encode())
    return hashed.hexdigest()


VERSION = _version()

Files = dict[str, tuple[int, int]]
"""A file of ``index/`` -> (size, modification time in ns)."""


@dataclass(frozen=True)
class Loaded:
    """The load of a knowledge folder whose pages an index holds, all of them."""

    fingerprint: str
    """Names the folder as it was when loaded; the same in every process."""
    files: Mapping[str, str]
    """Page id -> the file it was read from, relative to the folder."""


@dataclass
class Manifest:
    """What the index on disk holds: page id -> (row, version of the page)."""

    pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    rows: int = 0
    """Rows handed out so far."""
    generation: int = 0
    files: Files = field(default_factory=dict)
    loaded: Loaded | None = None
    """The load the pages are all of; None: not known to be one."""


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """The folder's write lock, held for the block (waits for another process)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _files(place: Path) -> Files:
    """tantivy's files in ``place`` (not its lock files, which it makes and
    removes as it reads and writes)."""
    found = {}
    with os.scandir(place) as entries:
        for entry in entries:
            if entry.is_file() and not entry.name.endswith(".lock"):
                stat = entry.stat()
                found[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return found


_SEALED = re.compile(rb'\{"seal": "([0-9a-f]{32})", ')
"""How a manifest begins: its seal, a digest of every byte after this."""


def _seal(rest: bytes) -> str:
    return hashlib.blake2b(rest, digest_size=16).hexdigest()


def has_manifest(folder: Path) -> bool:
    """Whether ``folder`` holds a manifest, trusted or not (a stat, nothing read)."""
    return (folder / _MANIFEST).is_file()


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``, None if there is none this code can trust."""
    try:
        raw = (folder / _MANIFEST).read_bytes()
        sealed = _SEALED.match(raw)
        if sealed is None or _seal(raw[sealed.end() :]) != sealed[1].decode():
            raise ValueError("its seal does not match what it says")
        data = json.loads(raw)
        if data["format"] != _FORMAT or data["version"] != VERSION:
            _log.info("rebuilding the search index in %s: written by another version", folder)
            return None
        pages = {str(k): (int(row), str(seen)) for k, (row, seen) in data["pages"].items()}
        files = {str(k): (int(size), int(time)) for k, (size, time) in data["files"].items()}
        loaded = data["loaded"] and Loaded(str(data["loaded"][0]), dict(data["loaded"][1]))
        return Manifest(pages, int(data["rows"]), int(data["generation"]), files, loaded or None)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        _log.warning("rebuilding the search index in %s: unusable manifest (%s)", folder, error)
        return None


def write_manifest(folder: Path, manifest: Manifest) -> None:
    """Write ``manifest`` whole, sealed, naming the index's files as they are
    now (a reader sees the old manifest or the new one)."""
    loaded = manifest.loaded
    data = {
        "format": _FORMAT,
        "version": VERSION,
        "rows": manifest.rows,
        "generation": manifest.generation,
        "files": _files(folder / _INDEX),
        "loaded": None if loaded is None else [loaded.fingerprint, loaded.files],
        "pages": manifest.pages,
    }
    rest = json.dumps(data)[1:].encode()
    write_whole(folder / _MANIFEST, b'{"seal": "%s", %s' % (_seal(rest).encode(), rest))


def trusted_index(
    folder: Path, manifest: Manifest, schema: tantivy.Schema, prepare: Prepare
) -> tantivy.Index | None:
    """tantivy's index in ``folder`` if it is the one ``manifest`` describes."""
    place = folder / _INDEX
    try:
        if _files(place) != manifest.files:
            _log.warning("rebuilding the search index in %s: its files were changed", folder)
            return None
        index = tantivy.Index(schema, path=str(place), reuse=True)
        prepare(index)
        index.reload()
        if index.searcher().num_docs == len(manifest.pages):
            return index
        _log.warning("rebuilding the search index in %s: not the pages it lists", folder)
    except (OSError, ValueError) as error:
        _log.warning("rebuilding the search index in %s: %s", folder, error)
    return None


Prepare = Callable[[tantivy.Index], None]


def open_index(
    folder: Path, schema: tantivy.Schema, prepare: Prepare
) -> tuple[tantivy.Index, Manifest]:
    """The index in ``folder`` and its manifest (call under the lock), or a
    new, empty one in place of whatever was there if that cannot be trusted.
    ``prepare(index)`` registers the tokenizer on the index before it is read."""
    manifest = read_manifest(folder)
    if manifest is not None:
        index = trusted_index(folder, manifest, schema, prepare)
        if index is not None:
            return index, manifest
    place = folder / _INDEX
    shutil.rmtree(place, ignore_errors=True)
    (folder / _MANIFEST).unlink(missing_ok=True)
    place.mkdir(parents=True)
    index = tantivy.Index(schema, path=str(place), reuse=False)
    prepare(index)
    return index, Manifest()
