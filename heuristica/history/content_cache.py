"""Parse results by file and content, kept between diffs.

A file's parse depends only on its path in the knowledge folder and its bytes,
and git names the bytes: the blob id. So the results are kept by path and blob
id, in the user cache beside the revision folders, and a diff parses only the
files whose content it has never met: comparing two revisions that differ in
50 pages parses at most those 50 once a diff, ``check`` or the app has seen the
rest. A revision's blob ids come from ``git ls-tree`` (its files are never
read to name them); a working-tree file is read and named as git would
(``git hash-object``), and on a miss the app's own parse cache of that folder
(by file version) is asked before anything is parsed.

The saved file is a ``ParseCache`` file (``kb.parsecache``): written by this
loader and page models only, every page validated again when read, a damaged
or foreign file ignored as a whole. One version per path is saved: the one
saved already if the run used it, else the first the run met; within one
run every version met is kept.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterable, Mapping
from pathlib import Path

from heuristica.checks.record import RECORD_FILE, Record, RecordError, read_record
from heuristica.history.git import Repository, TreeEntry
from heuristica.kb.files import FileKey, PageFile, Unreadable, read_page_file
from heuristica.kb.loader import MAX_FILE_BYTES, parse_data
from heuristica.kb.parsecache import ParseCache, ParsedFile, cache_path, user_cache_folder
from heuristica.kb.spread_parse import parse_all

__all__ = ["ContentCache", "blob_id", "blob_key", "store_path"]


def blob_id(data: bytes) -> str:
    """The id git gives a blob of ``data`` (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0%b" % (len(data), data), usedforsecurity=False).hexdigest()


def blob_key(blob: str) -> FileKey:
    """A blob id as the version key a parse-cache file stores (five 32-bit parts)."""
    a, b, c, d, e = _FIVE_PARTS.unpack(bytes.fromhex(blob))
    return (a, b, c, d, e)


_FIVE_PARTS = struct.Struct(">5I")


def store_path(repo: Repository) -> Path:
    """Where the results for ``repo``'s knowledge folder are kept."""
    return user_cache_folder() / "revisions" / f"parsed-{repo.cache_key}.json"


class ContentCache(ParseCache):
    """Parsed files by path and blob id, for loading several versions of one
    knowledge base (in different folders): a file whose content was parsed
    under the same path, in this diff or an earlier one, is not parsed again.

    ``side`` says which folder is loaded next: a revision's tree (its files'
    blob ids are known) or a working folder (files read and hashed, the app's
    parse cache of that folder asked on a miss)."""

    def __init__(self, saved: ParseCache | None = None, path: Path | None = None) -> None:
        super().__init__()
        self._saved = saved if saved is not None else ParseCache()
        self._path = path
        self._seen: dict[tuple[str, str], ParsedFile] = {}
        self._blobs: Mapping[str, str] = {}
        self._working: Path | None = None
        self._app: ParseCache | None = None
        self._pending: dict[str, tuple[str, FileKey]] = {}
        self._records: dict[str, Record | RecordError] = {}
        self._used: set[str] = set()
        """Files whose saved version this run used: it stays saved."""
        self._new: dict[str, tuple[str, ParsedFile]] = {}
        """Per file, the first version this run met that was not saved."""

    @classmethod
    def open(cls, repo: Repository) -> ContentCache:
        """The results kept for ``repo``'s knowledge folder (none if unusable)."""
        path = store_path(repo)
        return cls(ParseCache.load(path), path)

    def side(self, tree: Iterable[TreeEntry] | None = None, working: Path | None = None) -> None:
        """The next load is of a revision whose files are ``tree``, or of the
        working folder ``working``."""
        self._blobs = {entry.path: entry.blob for entry in tree or ()}
        self._working = working

    def _blob(self, found: PageFile) -> str | None:
        blob = self._blobs.get(found.relative)
        if blob is not None:
            return blob
        try:
            data, key = read_page_file(found, MAX_FILE_BYTES)
        except Unreadable:
            return None  # the loader reads it again and says why
        return blob_id(data) if key == found.key else None  # changed while listed: not kept

    def get(self, found: PageFile) -> ParsedFile | None:
        blob = self._blob(found)
        if blob is None:
            return None
        relative = found.relative
        parsed = self._seen.get((relative, blob))
        if parsed is None:
            parsed = self._saved.get(PageFile(relative, "", blob_key(blob)))
            if parsed is not None:
                self._used.add(relative)
        if parsed is None and self._working is not None:
            parsed = self._from_app(found)
            if parsed is not None:
                self._keep(relative, blob, parsed)
        if parsed is not None:
            self._seen[(relative, blob)] = parsed
            return parsed
        self._pending[relative] = (blob, found.key)
        return None

    def parse_missing(
        self, repo: Repository, entries: list[TreeEntry], *, spread: bool = False
    ) -> int:
        """Parse, from git's blobs read in one go, the files among ``entries``
        (the side loaded next) never met; how many that was. ``spread``: in
        two processes where that is safe and worth it (``kb.spread_parse``)."""
        wanted = [
            (entry.path, blob_key(entry.blob), entry.blob)
            for entry in entries
            if self.get(PageFile(entry.path, "", blob_key(entry.blob))) is None
        ]
        blobs = repo.blobs(blob for _, _, blob in wanted)
        items = [(relative, key, blobs[blob]) for relative, key, blob in wanted]
        for (relative, key, _), parsed in zip(
            items, parse_all(items, parse_data, spread=spread), strict=True
        ):
            self.put(relative, key, parsed)
        return len(wanted)

    def _from_app(self, found: PageFile) -> ParsedFile | None:
        """The app's parse of this very version of the working file, if it has one."""
        if self._app is None:
            path = cache_path(self._working) if self._working is not None else None
            self._app = ParseCache.load(path) if path is not None else ParseCache()
        return self._app.get(found)

    def put(self, relative: str, key: FileKey, parsed: ParsedFile) -> None:
        pending = self._pending.pop(relative, None)
        if pending is not None and pending[1] == key:
            self._seen[(relative, pending[0])] = parsed
            self._keep(relative, pending[0], parsed)

    def _keep(self, relative: str, blob: str, parsed: ParsedFile) -> None:
        self._new.setdefault(relative, (blob, parsed))

    @property
    def added(self) -> dict[str, tuple[str, ParsedFile]]:
        """What ``save_new`` writes: per file, the first version this run met,
        unless the saved one was used (then it stays, so that comparing the
        same two sides again writes nothing and parses no more than before)."""
        return {r: found for r, found in self._new.items() if r not in self._used}

    def record(self, folder: Path) -> Record | RecordError:
        """The verification record in ``folder`` (the side loaded last): the
        same object for the same content, so what depends on it is not redone."""
        path = folder / RECORD_FILE
        blob = self._blobs.get(RECORD_FILE)
        if blob is None:
            try:
                blob = blob_id(path.read_bytes())
            except OSError:
                blob = ""  # none, or unreadable: read_record says which
        if blob not in self._records:
            try:
                self._records[blob] = read_record(path)
            except RecordError as error:
                self._records[blob] = error
        return self._records[blob]

    def retain(self, relatives: Iterable[str]) -> None:
        """Keeps everything: the other versions' files are still wanted."""

    def save_new(self) -> None:
        """Write the results kept, if this run added any (a failed write is only
        a slower next run)."""
        added = self.added
        if self._path is None or not added:
            return
        for relative, (blob, parsed) in added.items():
            self._saved.put(relative, blob_key(blob), parsed)
        try:
            self._saved.save(self._path)
        except OSError:
            return
        self._new.clear()
