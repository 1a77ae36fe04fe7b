"""The knowledge base as it is at a revision, loaded exactly like the one on disk.

The knowledge folder's files at a commit are written once into a folder of
the user cache (``revisions/<commit>-<folder>``), never into the user's
working tree, and loaded from there by ``graph.loader`` like any knowledge
folder: the same parse, checks across pages, verification record and
Problems. A ``ContentCache`` shared by the loads of one diff parses each
file's content once, so comparing two revisions that differ in 50 pages
parses the pages once and the 50 again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from heuristica.checks.record import (
    RECORD_FILE,
    RecordError,
    read_record,
    with_verification_problems,
)
from heuristica.checks.recorded import Record
from heuristica.history.compare import Side
from heuristica.history.git import WORKING_TREE, Repository, TreeEntry
from heuristica.kb.files import FileKey, PageFile, Unreadable, read_page_file
from heuristica.kb.loader import MAX_FILE_BYTES, LoadResult, load_knowledge
from heuristica.kb.parsecache import ParseCache, ParsedFile, user_cache_folder

__all__ = ["REVISIONS_KEPT", "ContentCache", "Snapshot", "revision_folder", "snapshot"]

REVISIONS_KEPT = 24
"""Revision folders kept in the cache; the least recently used go first."""


class ContentCache(ParseCache):
    """Parsed files by path and content, for loading several versions of one
    knowledge base (in different folders): a file whose content was parsed
    under the same path in any of them is not parsed again."""

    def __init__(self) -> None:
        super().__init__()
        self._seen: dict[tuple[str, bytes], ParsedFile] = {}
        self._digests: dict[str, tuple[bytes, FileKey]] = {}

    def get(self, found: PageFile) -> ParsedFile | None:
        try:
            data, key = read_page_file(found, MAX_FILE_BYTES)
        except Unreadable:
            return None  # the loader reads it again and says why
        if key != found.key:
            return None  # changed since it was listed: not a version to remember
        digest = hashlib.blake2b(data, digest_size=16).digest()
        self._digests[found.relative] = (digest, found.key)
        return self._seen.get((found.relative, digest))

    def put(self, relative: str, key: FileKey, parsed: ParsedFile) -> None:
        read = self._digests.pop(relative, None)
        if read is not None and read[1] == key:
            self._seen[(relative, read[0])] = parsed

    def retain(self, relatives: Iterable[str]) -> None:
        """Keeps everything: the other versions' files are still wanted."""


@dataclass(frozen=True)
class Snapshot:
    """One side of a comparison: the knowledge base at a revision."""

    revision: str
    """As the user named it ("main", "HEAD~2", "working-tree")."""
    commit: str | None
    """The commit it is (None: the working tree)."""
    label: str
    """For people: ``abc1234567 (subject)`` or "the working tree"."""
    result: LoadResult
    """Loaded with the verification warnings, files relative to the knowledge folder."""
    record: Record | None
    """The verification record (None when it cannot be read: a Problem says why)."""

    def side(self, shown: Callable[[str], str] = str) -> Side:
        """What is compared of it, each file named by ``shown`` (given the file
        relative to the knowledge folder)."""
        result = self.result
        return Side(
            name=self.revision,
            commit=self.commit,
            label=self.label,
            pages=result.pages,
            tours=result.tours,
            problems=[replace(p, file=shown(p.file)) for p in result.problems],
            record=self.record,
            files={page_id: shown(file) for page_id, file in result.files.items()},
        )


def snapshot(
    repo: Repository,
    revision: str,
    working_folder: Path,
    cache: ContentCache,
    demos: Collection[str] | None,
) -> Snapshot:
    """The knowledge base at ``revision`` (``WORKING_TREE``: ``working_folder`` as it
    is on disk). GitError when the revision is unknown."""
    if revision == WORKING_TREE:
        commit, label, folder = None, "the working tree", working_folder
    else:
        commit = repo.resolve(revision)
        label, folder = repo.describe(commit), revision_folder(repo, commit)
    result = with_verification_problems(load_knowledge(folder, demos, cache=cache))
    try:
        record: Record | None = read_record(folder / RECORD_FILE)
    except RecordError:
        record = None
    return Snapshot(revision, commit, label, result, record)


def revision_folder(repo: Repository, commit: str) -> Path:
    """A folder holding the knowledge folder's files at ``commit``: written on
    first use (whole or not at all), then reused."""
    where = hashlib.blake2b(f"{repo.top}\0{repo.prefix}".encode(), digest_size=6).hexdigest()
    base = user_cache_folder() / "revisions"
    folder = base / f"{commit}-{where}"
    if folder.is_dir():
        os.utime(folder)
        return folder
    base.mkdir(parents=True, exist_ok=True)
    entries = repo.tree(commit)
    writing = Path(tempfile.mkdtemp(prefix=".writing-", dir=base))
    try:
        _write(writing, entries, repo.blobs(entry.blob for entry in entries))
        os.rename(writing, folder)
    except OSError:
        shutil.rmtree(writing, ignore_errors=True)
        if not folder.is_dir():  # not another process that wrote it first
            raise
    _prune(base)
    return folder


def _write(folder: Path, entries: list[TreeEntry], blobs: dict[str, bytes]) -> None:
    made: set[Path] = set()
    for entry in entries:
        parts = PurePosixPath(entry.path).parts
        if not parts or any(part in ("", ".", "..") for part in parts):
            continue  # git itself refuses such paths; never write outside the folder
        path = folder.joinpath(*parts)
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        if entry.symlink:
            os.symlink(blobs[entry.blob].decode("utf-8", "surrogateescape"), path)
        else:
            path.write_bytes(blobs[entry.blob])


def _prune(base: Path) -> None:
    folders = [p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")]
    folders.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[REVISIONS_KEPT:]:
        shutil.rmtree(old, ignore_errors=True)
