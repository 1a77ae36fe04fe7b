"""Parse results of page files, kept between loads and across server restarts.

Parsing and validating is most of a load (10,000 pages: seconds); the checks
across pages are cheap. So each file's result is kept, keyed by the file's
path and version (``kb.files.FileKey``: modification and change times,
size, inode, device), and a load parses only the files whose version changed.

``ParseCache.save`` writes the results as JSON outside the knowledge folder
(``HEURISTICA_CACHE``, else ``$XDG_CACHE_HOME/heuristica``, else
``~/.cache/heuristica``), so the first load after a restart parses only what
changed meanwhile. It is never trusted blindly: it is used only if it was
written by this very loader and page models (a digest of their source), each
page in it is validated again by the page models, and a file that cannot be
read, parsed or validated, whatever the reason, is ignored as a whole.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from heuristica.kb.cache_place import CACHE_ENV_VAR, cache_folder, cache_path, user_cache_folder
from heuristica.kb.content_rules import ReleaseClaim
from heuristica.kb.files import FileKey, PageFile
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.model import PAGE_ADAPTER, Page, Tour
from heuristica.kb.problems import Problem, Severity

__all__ = [
    "CACHE_ENV_VAR",
    "VERSION",
    "ParseCache",
    "ParsedFile",
    "cache_folder",
    "cache_path",
    "user_cache_folder",
]

_FORMAT = "heuristica-parsed-pages"
_SOURCES = (
    "check_model.py",
    "content_rules.py",
    "field_messages.py",
    "fields.py",
    "files.py",
    "loader.py",
    "model.py",
    "parsecache.py",
    "problems.py",
    "relations.py",
    "signature.py",
    "tour_model.py",
    "yaml_tree.py",
)
_log = logging.getLogger(__name__)


def _version() -> str:
    """Changes when the loader, the page models, pydantic or Python change."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(f"{pydantic.VERSION} {sys.version}".encode())
    return digest.hexdigest()


Place = tuple[int, int]


@dataclass(frozen=True)
class ParsedFile:
    """One file's page or tour (None if it is unusable), its own Problems, and
    where the values the checks across pages look at are written."""

    file: str
    page: Page | None = None
    tour: Tour | None = None
    problems: tuple[Problem, ...] = ()
    places: Mapping[str, Place] = field(default_factory=dict)
    """``"links.0.to"`` -> (line, column): where a cross-page Problem points."""
    unverifiable: tuple[str, str] | None = None
    """(field, why) when the page's Code Reference cannot be checked
    (``kb.signature.unparsable``), found once with the parse."""
    claims: tuple[ReleaseClaim, ...] = ()
    """The page's 'first in' claims about upstream changes, compared across
    pages (``kb.content_rules``), found once with the parse."""

    def place(self, *loc: str | int) -> Place:
        return self.places.get(".".join(map(str, loc)), (0, 0))


class ParseCache:
    """Per-file results by relative path, each valid for one version of the file."""

    def __init__(
        self,
        entries: dict[str, tuple[FileKey, ParsedFile]] | None = None,
        rows: dict[str, tuple[FileKey, ParsedFile, str | list[Any]]] | None = None,
    ) -> None:
        self._entries = entries or {}
        self._rows = rows if rows is not None else {}
        """Relative path -> its entry as last saved (JSON), shared with copies:
        a save makes the text of only the entries that changed since."""
        self.parsed = 0
        """How many files the last load had to parse (not found here)."""

    def __len__(self) -> int:
        return len(self._entries)

    def copy(self) -> ParseCache:
        return ParseCache(dict(self._entries), self._rows)

    def get(self, found: PageFile) -> ParsedFile | None:
        entry = self._entries.get(found.relative)
        return entry[1] if entry is not None and entry[0] == found.key else None

    def put(self, relative: str, key: FileKey, parsed: ParsedFile) -> None:
        self._entries[relative] = (key, parsed)

    def retain(self, relatives: Iterable[str]) -> None:
        """Forget files that are gone."""
        keep = set(relatives)
        if len(keep) != len(self._entries) or not keep.issuperset(self._entries):
            self._entries = {r: e for r, e in self._entries.items() if r in keep}

    def save(self, path: Path) -> None:
        """Write every result to ``path`` (atomically: a reader sees the old
        file or the new one). One save at a time per cache and its copies."""
        rows = self._rows
        parts = []
        for relative, (key, parsed) in list(self._entries.items()):
            row = rows.get(relative)
            if row is None or row[0] != key or row[1] is not parsed:
                row = rows[relative] = (key, parsed, json.dumps([list(key), *_dump(parsed)]))
            text = row[2] if isinstance(row[2], str) else json.dumps(row[2])
            parts.append(f"{json.dumps(relative)}: {text}")
        for relative in [relative for relative in rows if relative not in self._entries]:
            del rows[relative]
        header = json.dumps({"format": _FORMAT, "version": _VERSION})
        whole = f'{header[:-1]}, "files": {{{", ".join(parts)}}}}}'
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".parsed-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(whole)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise

    @classmethod
    def load(cls, path: Path) -> ParseCache:
        """The results saved at ``path``, or an empty cache if there are none
        this loader can use."""
        try:
            with paused_gc(set_aside_after=True):  # thousands of lasting objects, no cycles
                return cls._read(path)
        except FileNotFoundError:
            return cls()
        except _UNUSABLE as error:
            _log.warning("ignoring the parse cache %s: %s", path, error)
            return cls()

    @classmethod
    def _read(cls, path: Path) -> ParseCache:
        data = json.loads(path.read_bytes())
        if data.get("format") != _FORMAT or data.get("version") != _VERSION:
            return cls()
        entries = {relative: _entry(relative, row) for relative, row in data["files"].items()}
        rows = {
            relative: (key, parsed, data["files"][relative])
            for relative, (key, parsed) in entries.items()
        }
        return cls(entries, rows)


_UNUSABLE = (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)
"""What reading someone else's, an old or a damaged cache file can raise."""


def _dump(parsed: ParsedFile) -> list[Any]:
    value = parsed.page if parsed.page is not None else parsed.tour
    return [
        "tour" if parsed.tour is not None else "page",
        None if value is None else value.model_dump_json(by_alias=True),
        [[p.line, p.col, p.severity.value, p.code, p.message] for p in parsed.problems],
        {loc: list(place) for loc, place in parsed.places.items()},
        None if parsed.unverifiable is None else list(parsed.unverifiable),
        [[list(c.loc), c.reference, list(c.versions)] for c in parsed.claims],
    ]


def _entry(relative: str, row: list[Any]) -> tuple[FileKey, ParsedFile]:
    key, kind, value, problems, places, unverifiable, claims = row
    page = PAGE_ADAPTER.validate_json(value) if value is not None and kind == "page" else None
    tour = Tour.model_validate_json(value) if value is not None and kind == "tour" else None
    parsed = ParsedFile(
        relative,
        page,
        tour,
        tuple(
            Problem(relative, int(line), int(col), Severity(severity), str(code), str(message))
            for line, col, severity, code, message in problems
        ),
        {str(loc): (int(line), int(col)) for loc, (line, col) in places.items()},
        None if unverifiable is None else (str(unverifiable[0]), str(unverifiable[1])),
        tuple(
            ReleaseClaim(page.id, tuple(loc), str(reference), tuple(map(str, versions)))
            for loc, reference, versions in claims
            if page is not None
        ),
    )
    return (int(key[0]), int(key[1]), int(key[2]), int(key[3]), int(key[4])), parsed


_VERSION = _version()
VERSION = _VERSION
"""Changes when what a page file is read as may change (the loader, the page
models, pydantic, Python): others that keep what they made of pages, such as
the search index on disk, start again when it does."""
