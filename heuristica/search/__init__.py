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
changed.

May import: ``heuristica.kb`` and the root. No Streamlit.
"""

from __future__ import annotations

import threading
import weakref
from typing import Unpack

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.search.found import Found, Options, SearchHit
from heuristica.search.index import SearchIndex
from heuristica.search.query import STOP_WORDS, words
from heuristica.search.snippets import Snippet, Span

__all__ = [
    "STOP_WORDS",
    "Found",
    "Options",
    "SearchHit",
    "SearchIndex",
    "Snippet",
    "Span",
    "find",
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


def find(kg: KnowledgeGraph, query: str, **options: Unpack[Options]) -> Found:
    """Pages of ``kg`` for ``query``, best first, and the words of it no page
    has (see ``SearchIndex.find``)."""
    if not words(query):
        return Found([])  # Nothing to look for: no need to build an index first.
    return index_for(kg).find(query, **options)


def search(kg: KnowledgeGraph, query: str, **options: Unpack[Options]) -> list[SearchHit]:
    """Pages of ``kg`` for ``query``, best first (``find(...).hits``)."""
    return find(kg, query, **options).hits
