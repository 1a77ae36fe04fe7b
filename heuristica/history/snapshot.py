"""The knowledge base as it is at a revision, loaded exactly like the one on disk.

The knowledge folder's files at a commit are written once into a folder of
the user cache (``revisions/<commit>-<folder>``), never into the user's
working tree, and loaded from there by ``kb.loader`` like any knowledge
folder: the same parse, checks across pages, verification record and
Problems. What the two loads of one comparison share (``Loads``: parse
results by path and blob id, kept between runs; the checks across pages; the
verification warnings) means that the second side costs what differs from the
first: comparing two revisions that differ in 50 pages checks again those 50.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from heuristica.checks.record import (
    RecordError,
    TextOf,
    VerificationMemo,
    with_verification_problems,
)
from heuristica.checks.recorded import Record
from heuristica.history.compare import Side
from heuristica.history.content_cache import ContentCache, blob_key
from heuristica.history.git import WORKING_TREE, Repository, TreeEntry
from heuristica.kb.crosspage import AcrossMemo
from heuristica.kb.files import PageFile, Scan, is_page_path, page_order
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.parsecache import user_cache_folder

__all__ = ["REVISIONS_KEPT", "Loads", "Snapshot", "both_sides", "revision_folder", "snapshot"]

REVISIONS_KEPT = 24
"""Revision folders kept in the cache; the least recently used go first."""


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


class Loads:
    """What the loads of one comparison share, so that the second side costs
    what differs from the first: parse results by content (kept between runs),
    the checks across pages, each page's verification warnings, and one
    record object per record content."""

    def __init__(
        self, repo: Repository, demos: Collection[str] | None, *, spread: bool = False
    ) -> None:
        self.cache = ContentCache.open(repo)
        self.spread = spread
        """Parse in two processes where that is safe (``kb.spread_parse``): a
        command's process, never a server's."""
        self.across = AcrossMemo()
        self.verified = VerificationMemo()
        self.demos = demos
        self.parsed: list[int] = []
        """How many files each load parsed, in the order loaded."""

    def done(self) -> None:
        """Keep what was parsed for the next comparison."""
        self.cache.save_new()


def both_sides(
    repo: Repository, base: str, head: str, working_folder: Path, loads: Loads
) -> tuple[Snapshot, Snapshot]:
    """``base`` and ``head`` loaded with what they share. The working tree, when
    it is the head, is loaded first: the app's parse cache knows its files, so
    the base's unchanged files are met there and not parsed. GitError for a
    revision that is not known (before anything is loaded)."""
    commits = {rev: repo.resolve(rev) for rev in (base, head) if rev != WORKING_TREE}
    order = [head, base] if head == WORKING_TREE != base else [base, head]
    loaded = {rev: snapshot(repo, rev, working_folder, loads, commits.get(rev)) for rev in order}
    return loaded[base], loaded[head]


def snapshot(
    repo: Repository,
    revision: str,
    working_folder: Path,
    loads: Loads,
    commit: str | None = None,
) -> Snapshot:
    """The knowledge base at ``revision`` (``WORKING_TREE``: ``working_folder`` as it
    is on disk; ``commit``: the commit it names, if already resolved). GitError
    when the revision is unknown."""
    cache = loads.cache
    read: TextOf | None = None
    if revision == WORKING_TREE:
        label, folder = "the working tree", working_folder
        cache.side(working=working_folder)
        loaded = load_knowledge(folder, loads.demos, cache=cache, across=loads.across)
    else:
        commit = commit if commit is not None else repo.resolve(revision)
        entries = repo.tree(commit)
        label = repo.describe(commit)
        cache.side(tree=entries)
        if not any(e.symlink and is_page_path(e.path) for e in entries):
            folder, loaded, read = _from_git(repo, commit, entries, loads)
        else:  # a link is read where it leads, as a scan of the folder does
            folder = revision_folder(repo, commit, entries)
            loaded = load_knowledge(folder, loads.demos, cache=cache, across=loads.across)
    loads.parsed.append(cache.parsed)
    record = cache.record(folder)
    result = with_verification_problems(loaded, loads.verified, record, read)
    kept = None if isinstance(record, RecordError) else record
    return Snapshot(revision, commit, label, result, kept)


def _from_git(
    repo: Repository, commit: str, entries: list[TreeEntry], loads: Loads
) -> tuple[Path, LoadResult, TextOf]:
    """A revision loaded without writing its pages: listed from its tree in the
    order a scan of its folder gives, parsed from git's blobs when never met,
    its other files (settings, record, matrix) written to a folder of their own."""
    pages = sorted((e for e in entries if is_page_path(e.path)), key=lambda e: page_order(e.path))
    others = [entry for entry in entries if not is_page_path(entry.path)]
    folder = _folder(repo, commit, others, "-others")
    parsed = loads.cache.parse_missing(repo, pages, spread=loads.spread)
    at = str(folder)  # os.path.join: a tenth of Path's / for 10,000 files
    listed = tuple(PageFile(e.path, os.path.join(at, e.path), blob_key(e.blob)) for e in pages)
    loaded = load_knowledge(
        folder, loads.demos, cache=loads.cache, scan=Scan(listed, ()), across=loads.across
    )
    loads.cache.parsed = parsed
    blob_of = {entry.path: entry.blob for entry in pages}
    texts: dict[str, str] = {}

    def read(file: str) -> str:
        """A file's text for the lines warnings point at: one git read per file,
        however many of its checks fail."""
        if file not in texts:
            blob = blob_of.get(file)
            if blob is not None:
                texts[file] = repo.blobs([blob])[blob].decode("utf-8", "replace")
            else:
                path = folder / file
                texts[file] = path.read_text(encoding="utf-8") if path.is_file() else ""
        return texts[file]

    return folder, loaded, read


def revision_folder(repo: Repository, commit: str, entries: list[TreeEntry] | None = None) -> Path:
    """A folder holding the knowledge folder's files at ``commit`` (``entries``:
    its tree, if already read): written on first use (whole or not at all),
    then reused."""
    entries = entries if entries is not None else repo.tree(commit)
    return _folder(repo, commit, entries)


def _folder(repo: Repository, commit: str, entries: list[TreeEntry], suffix: str = "") -> Path:
    """A folder of the user cache holding ``entries`` (of ``commit``), named by
    the commit and ``suffix``: written on first use (whole or not at all)."""
    base = user_cache_folder() / "revisions"
    folder = base / f"{commit}-{repo.cache_key}{suffix}"
    if folder.is_dir():
        os.utime(folder)
        return folder
    base.mkdir(parents=True, exist_ok=True)
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
