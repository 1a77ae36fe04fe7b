"""Parse results of page files, kept between loads and across server restarts.

Parsing and validating is most of a load (10,000 pages: seconds); the checks
across pages are cheap. So each file's result is kept, keyed by the file's
path and version (``kb.files.FileKey``: modification and change times,
size, inode, device), and a load parses only the files whose version changed.

``ParseCache.save`` writes the results outside the knowledge folder
(``HEURISTICA_CACHE``, else ``$XDG_CACHE_HOME/heuristica``, else
``~/.cache/heuristica``), so the first load after a restart parses only what
changed meanwhile. It is never trusted blindly: it is used only if it was
written by this very loader and page models (a digest of their source), each
page in it is validated again by the page models, and a file that cannot be
read, parsed or validated, whatever the reason, is ignored as a whole.

The file is lines: a header (format, version, how many lines follow), then
one line per page file: what was found besides its page (JSON, ``_Meta``),
a tab, and its page or tour as the page models write it (JSON). A read
parses each byte once: the header by itself, every line's meta in one
pydantic validation, every page by the page models from its own bytes
(never first decoded as a string inside a larger JSON document); it keeps
each line, so a save writes anew only the lines of what changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pydantic

from heuristica.kb.cache_place import (
    CACHE_ENV_VAR,
    cache_folder,
    cache_path,
    user_cache_folder,
    write_whole,
)
from heuristica.kb.content_rules import Loc, ReleaseClaim
from heuristica.kb.files import FileKey, PageFile
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.model import PAGE_ADAPTER, Page, Tour
from heuristica.kb.parse_version import VERSION
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

_FORMAT = "heuristica-parsed-pages-lines"
_log = logging.getLogger(__name__)

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


_Meta = tuple[
    str,
    tuple[int, int, int, int, int],
    Literal["page", "tour"],
    list[tuple[int, int, Severity, str, str]],
    dict[str, tuple[int, int]],
    tuple[str, str] | None,
    list[tuple[list[str | int], str, list[str]]],
]
"""What a line of the file holds before its page: the file's relative path,
its version (``FileKey``), whether it is a page or a tour, its Problems
(line, column, severity, code, message), its places, why its Code Reference
cannot be checked, its release claims."""
_META: pydantic.TypeAdapter[_Meta] = pydantic.TypeAdapter(_Meta)
_METAS: pydantic.TypeAdapter[list[_Meta]] = pydantic.TypeAdapter(list[_Meta])
_SEPARATOR = b"\t"
"""Between a line's meta and its page (JSON writes a tab in a string as \\t)."""


class ParseCache:
    """Per-file results by relative path, each valid for one version of the file."""

    def __init__(
        self,
        entries: dict[str, tuple[FileKey, ParsedFile]] | None = None,
        rows: dict[str, tuple[FileKey, ParsedFile, bytes]] | None = None,
    ) -> None:
        self._entries = entries or {}
        self._rows = rows if rows is not None else {}
        """Relative path -> its line as last saved or read, shared with
        copies: a save makes the line of only the entries that changed since."""
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
        lines = []
        for relative, (key, parsed) in list(self._entries.items()):
            row = rows.get(relative)
            if row is None or row[0] != key or row[1] is not parsed:
                row = rows[relative] = (key, parsed, _line(relative, key, parsed))
            lines.append(row[2])
        for relative in [relative for relative in rows if relative not in self._entries]:
            del rows[relative]
        write_whole(path, _header(len(lines)) + b"".join(line + b"\n" for line in lines))

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
        header, _, body = path.read_bytes().partition(b"\n")
        if not header.startswith(_HEADER_START):
            return cls()  # another format, or another loader's
        lines = body.split(b"\n")
        if lines.pop() != b"" or json.loads(header)["files"] != len(lines):
            raise ValueError("the file is cut short")
        rows = {relative: (key, parsed, line) for relative, key, parsed, line in results_of(lines)}
        return cls({relative: (key, parsed) for relative, (key, parsed, _) in rows.items()}, rows)


_UNUSABLE = (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError)
"""What reading someone else's, an old or a damaged cache file can raise."""
_HEADER_START = f'{{"format": "{_FORMAT}", "version": "{VERSION}", "files": '.encode()


def _header(entries: int) -> bytes:
    return _HEADER_START + f"{entries}}}\n".encode()


def results_of(lines: list[bytes]) -> list[tuple[str, FileKey, ParsedFile, bytes]]:
    """Each line (as ``result_line`` writes it, without its end) read back:
    its file, version, parse result (every page validated again by the page
    models) and the line itself. ValueError (pydantic's, among others) or
    another of ``_UNUSABLE`` if a line is not one."""
    halves = [line.split(_SEPARATOR) for line in lines]
    metas = _METAS.validate_json(b"[" + b",".join(half[0] for half in halves) + b"]")
    return [
        (meta[0], meta[1], _parsed(meta, value), line)
        for meta, (_, value), line in zip(metas, halves, lines, strict=True)
    ]


def result_line(relative: str, key: FileKey, parsed: ParsedFile) -> bytes:
    """One file's parse result as a line of the cache file (no line end)."""
    return _line(relative, key, parsed)


def _line(relative: str, key: FileKey, parsed: ParsedFile) -> bytes:
    value = parsed.page if parsed.page is not None else parsed.tour
    meta: _Meta = (
        relative,
        key,
        "tour" if parsed.tour is not None else "page",
        [(p.line, p.col, p.severity, p.code, p.message) for p in parsed.problems],
        dict(parsed.places),
        parsed.unverifiable,
        [(list(c.loc), c.reference, list(c.versions)) for c in parsed.claims],
    )
    written = b"null" if value is None else value.model_dump_json(by_alias=True).encode()
    return _META.dump_json(meta) + _SEPARATOR + written


def _parsed(meta: _Meta, value: bytes) -> ParsedFile:
    relative, _, kind, problems, places, unverifiable, claims = meta
    given = value != b"null"
    page = PAGE_ADAPTER.validate_json(value) if given and kind == "page" else None
    tour = Tour.model_validate_json(value) if given and kind == "tour" else None
    return ParsedFile(
        relative,
        page,
        tour,
        tuple(Problem(relative, *problem) for problem in problems),
        places,
        unverifiable,
        tuple(
            ReleaseClaim(page.id, _loc(loc), reference, tuple(versions))
            for loc, reference, versions in claims
            if page is not None
        ),
    )


def _loc(loc: list[str | int]) -> Loc:
    return tuple(loc)
