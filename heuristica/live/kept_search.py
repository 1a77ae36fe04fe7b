"""A search answered without loading the knowledge base: while the folder is
exactly as it was when the search index kept on disk was last written for a
whole load of it (the same page files at the same versions, the same record,
matrix and settings files, the same code: ``live.fingerprint``), the index
answers alone. It stores what a hit shows of each page (its id, title, type
and passages: ``search.store.Shown``), so no page file is read, and neither
the loader nor the page models are imported; each page the answer shows (a
hit, a page whose words a typo is read as) is only looked at again (a stat)
to make sure it did not change since the folder was scanned. Anything else,
and the caller loads the folder as always (which writes the index and its
record again).

It finds what a search of the loaded folder finds: the same pages, order,
scores, snippets and notes; each page as the load the index was written for
read it, before the checks across pages (which may leave out a broken link
or an unknown demo: what a hit shows, its id, title, type and text, is the
same)."""

from __future__ import annotations

from pathlib import Path
from typing import Unpack

from heuristica.kb.cache_place import cache_path
from heuristica.kb.files import PageFile, Scan, scan_folder, unchanged
from heuristica.live.fingerprint import lasting_fingerprint, other_versions
from heuristica.search import Found, Options, Stale, find_kept, kept_load

__all__ = ["find_without_loading", "kept_is_current"]


def find_without_loading(
    root: Path, query: str, *, folder: Path | None = None, **options: Unpack[Options]
) -> Found | None:
    """What a search of the folder ``root`` for ``query`` finds, answered from
    its index kept in ``folder`` (by default where the app, the CLI and the
    MCP server keep it: ``kb.cache_place.cache_path``); None when that index
    is not the folder's as it is now: then load it (``LiveKnowledgeBase``)
    and search."""
    folder = folder if folder is not None else cache_path(root, "search", "")
    if folder is None or not folder.is_dir():
        return None
    scan = scan_folder(root)
    fingerprint = lasting_fingerprint(scan, other_versions(root))
    return find_kept(folder, fingerprint, _Unchanged(scan).check, query, **options)


def kept_is_current(root: Path, folder: Path) -> bool:
    """Whether the index kept in ``folder`` is the folder ``root``'s as it is
    now, as far as its manifest tells (``find_without_loading`` answers from
    it unless a page changes meanwhile)."""
    loaded = kept_load(folder)
    if loaded is None:
        return False
    scan = scan_folder(root)
    return loaded.fingerprint == lasting_fingerprint(scan, other_versions(root))


class _Unchanged:
    """The page files of a scan, each looked at again when a search shows it."""

    def __init__(self, scan: Scan) -> None:
        self._scan = scan
        self._files: dict[str, PageFile] | None = None

    def check(self, page_id: str, file: str) -> None:
        """``Stale`` if ``file``, where the page ``page_id`` was read from, is
        not in the scan or changed since."""
        if self._files is None:
            self._files = {found.relative: found for found in self._scan.files}
        found = self._files.get(file)
        if found is None:
            raise Stale(f"{file}: not in the folder")
        if not unchanged(found):
            raise Stale(f"{file}: changed since the scan, no longer the page {page_id}")
