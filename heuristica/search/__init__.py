"""Find pages: one ranked full-text index over every section of every page.

tantivy keeps the index and ranks with BM25, the title weighted above the
domains, the overview, short named things (headings, error messages, example
titles, check claims) and the body. Words are stemmed ("deadlocks" finds
"deadlock"), stop words are left out of a question ("why should I use spawn"
looks for "use spawn"), a word no page has is read as the indexed words a
typo or two away (rapidfuzz), so typos still find, and the last word also
stands for the words it starts, as you type. A query most of whose words no
page has finds nothing, and ``find`` says which words those are.

The sidebar, Browse, Explore's lit pages, ``heuristica search`` and the
MCP server all ask ``find(kg, query)`` (or ``search``: its hits);
``index_for(kg)`` is the index behind it, built once per knowledge graph and,
after an edit, made from the previous one by indexing only the pages that
changed. A knowledge base on disk keeps its index in the user's cache folder
(``Kept``, ``search.disk``), so the next process, a CLI ``search`` or a
restarted MCP server, indexes only the pages that changed since; with it,
which load of the folder its pages are (``Loaded``), so that while the
folder is still as it was, ``find_kept`` answers from it alone: the index
stores what a hit shows of each page, so no page is read and the page
models are never imported (``live.kept_search``).

May import: ``heuristica.kb`` and the root. No Streamlit.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from heuristica.search.disk import Loaded, has_manifest, read_manifest
from heuristica.search.found import Found, Options, PageView, SearchHit
from heuristica.search.index import Progress, SearchIndex
from heuristica.search.query import STOP_WORDS, words
from heuristica.search.snippets import Snippet, Span
from heuristica.search.store import Stale, Store, WhichLoad

if TYPE_CHECKING:  # networkx, which a search kept on disk does without
    from heuristica.kb.knowledge import KnowledgeGraph

__all__ = [
    "STOP_WORDS",
    "Found",
    "Kept",
    "Loaded",
    "Options",
    "PageView",
    "Progress",
    "SearchHit",
    "SearchIndex",
    "Snippet",
    "Span",
    "Stale",
    "find",
    "find_kept",
    "has_manifest",
    "index_for",
    "kept_load",
    "search",
    "words",
]


@dataclass(frozen=True)
class Kept:
    """Where a knowledge base's index is kept on disk, and the version of
    each of its pages (see ``SearchIndex``)."""

    folder: Path
    versions: Mapping[str, str]
    which_load: WhichLoad | None = None
    """The load of a knowledge folder the pages are all of, recorded with the
    index so that a later process may answer from it alone (``Loaded``)."""


class _Indexes:
    """One index per knowledge graph, each made from the one made before
    (kept in the same folder, or in memory)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_graph: weakref.WeakKeyDictionary[KnowledgeGraph, SearchIndex] = (
            weakref.WeakKeyDictionary()
        )
        self._latest: dict[Path | None, SearchIndex] = {}
        """The index made last, per folder it is kept in (None: in memory)."""

    def of(self, kg: KnowledgeGraph, kept: Kept | None, progress: Progress | None) -> SearchIndex:
        with self._lock:
            index = self._by_graph.get(kg)
            if index is None:
                folder, versions, which_load = (
                    (None, None, None)
                    if kept is None
                    else (kept.folder, kept.versions, kept.which_load)
                )
                latest = self._latest.get(folder)
                if latest is None:
                    index = SearchIndex(
                        kg.pages,
                        folder,
                        versions=versions,
                        progress=progress,
                        which_load=which_load,
                    )
                else:
                    index = latest.updated(
                        kg.pages, versions=versions, progress=progress, which_load=which_load
                    )
                self._by_graph[kg] = self._latest[folder] = index
            return index


_indexes = _Indexes()


def index_for(
    kg: KnowledgeGraph, kept: Kept | None = None, progress: Progress | None = None
) -> SearchIndex:
    """The search index of ``kg``'s pages, made once per graph (kept on disk
    as ``kept`` says, else in memory; ``progress`` as for ``SearchIndex``).

    A graph seen for the first time gets an index made from the last one
    kept in the same place (or, on disk, from what an earlier process left
    there), so after an edit only the pages that changed are indexed again."""
    return _indexes.of(kg, kept, progress)


def find(
    kg: KnowledgeGraph, query: str, *, kept: Kept | None = None, **options: Unpack[Options]
) -> Found:
    """Pages of ``kg`` for ``query``, best first, and the words of it no page
    has (see ``SearchIndex.find``); the index kept as ``kept`` says."""
    if not words(query):
        return Found([])  # Nothing to look for: no need to build an index first.
    return index_for(kg, kept).find(query, **options)


def search(
    kg: KnowledgeGraph, query: str, *, kept: Kept | None = None, **options: Unpack[Options]
) -> list[SearchHit]:
    """Pages of ``kg`` for ``query``, best first (``find(...).hits``)."""
    return find(kg, query, kept=kept, **options).hits


def find_kept(
    folder: Path,
    fingerprint: str,
    check: Callable[[str, str], None],
    query: str,
    **options: Unpack[Options],
) -> Found | None:
    """What ``find`` would find for ``query`` in the load that ``fingerprint``
    names (``Loaded``), answered from the index kept in ``folder`` alone; None
    if that index is not of that load, or ``check(page id, its file)``, told
    each page whose text the answer shows, raised ``Stale``: then load and
    ``find``."""
    store = Store.kept(folder) if folder.is_dir() else None
    loaded = None if store is None else store.loaded
    if store is None or loaded is None or loaded.fingerprint != fingerprint:
        return None
    files = loaded.files
    index = SearchIndex.kept(store, lambda page_id: check(page_id, files[page_id]))
    try:
        return index.find(query, **options)
    except Stale:
        return None


def kept_load(folder: Path) -> Loaded | None:
    """The load of a knowledge folder whose pages the index kept in ``folder``
    holds, as its manifest says; None: none (or none this code can trust)."""
    manifest = read_manifest(folder) if folder.is_dir() else None
    return None if manifest is None else manifest.loaded
