"""Find pages: one ranked full-text index over every section of every page.

tantivy keeps the index and ranks with BM25, the title weighted above the
domains, the overview, short named things (headings, error messages, example
titles, check claims) and the body. Words are stemmed ("deadlocks" finds
"deadlock"), stop words are left out of a question ("why should I use spawn"
looks for "use spawn"), a word no page has is replaced by the closest indexed
words (rapidfuzz), so typos still find, and the last word also stands for the
words it starts, as you type.

The sidebar, Browse, ``python -m graph search`` and the MCP server all ask
``search(kg, query)``; ``index_for(kg)`` is the index behind it, built once per
knowledge graph and, after an edit, made from the previous one by indexing
only the pages that changed.

May import: ``heuristica.kb`` and the root. No Streamlit.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.relations import PageType
from heuristica.search.index import SearchHit, SearchIndex
from heuristica.search.query import STOP_WORDS, words
from heuristica.search.snippets import Snippet, Span

__all__ = [
    "STOP_WORDS",
    "SearchHit",
    "SearchIndex",
    "Snippet",
    "Span",
    "index_for",
    "search",
    "words",
]


class _Indexes:
    """One index per knowledge graph, each made from the one made before."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_graph: weakref.WeakKeyDictionary[KnowledgeGraph, SearchIndex] = (
            weakref.WeakKeyDictionary()
        )
        self._latest: SearchIndex | None = None

    def of(self, kg: KnowledgeGraph) -> SearchIndex:
        with self._lock:
            index = self._by_graph.get(kg)
            if index is None:
                latest = self._latest
                index = SearchIndex(kg.pages) if latest is None else latest.updated(kg.pages)
                self._by_graph[kg] = self._latest = index
            return index


_indexes = _Indexes()


def index_for(kg: KnowledgeGraph) -> SearchIndex:
    """The search index of ``kg``'s pages, made once per graph.

    A graph seen for the first time gets an index made from the last one, so
    after an edit only the pages that changed are indexed again."""
    return _indexes.of(kg)


def search(
    kg: KnowledgeGraph,
    query: str,
    *,
    limit: int | None = 10,
    types: Collection[PageType] = (),
    every_word: bool = False,
    snippets: bool = True,
) -> list[SearchHit]:
    """Pages of ``kg`` for ``query``, best first (see ``SearchIndex.search``)."""
    if not words(query):
        return []  # Nothing to look for: no need to build an index first.
    return index_for(kg).search(
        query, limit=limit, types=types, every_word=every_word, snippets=snippets
    )
