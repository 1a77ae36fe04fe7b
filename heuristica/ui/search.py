"""The sidebar search box and Browse's word filter, both asking heuristica.search.

The box is a small two-way Streamlit component (``ui/search_box/``): the
browser sends the query as it is typed (debounced), ``heuristica.search`` ranks the
pages here, and the component shows each with the sentence that matched, its
matched words marked, and how the query was read (words no page has, typos);
choosing one (Enter takes the first) comes back as a trigger and switches to
the explorer with ``?node=<id>``. It runs as a fragment, so typing reruns
only the box, not the page around it; but on Explore, whose graph lights
the pages the box finds (one field for both), a changed query reruns the
whole page.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from heuristica.draw.render import TYPE_COLOURS
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.model import Page
from heuristica.kb.relations import PageType
from heuristica.search import find
from heuristica.ui.frontend_files import component_from_files
from heuristica.ui.panel import EXPLORE_PAGE

__all__ = [
    "RESULT_LIMIT",
    "SEARCH_KEY",
    "BoxData",
    "BrowseList",
    "box_data",
    "browse_pages",
    "current_query",
    "search_box",
]

RESULT_LIMIT = 8
SEARCH_KEY = "sidebar_search"
_DRAWN_QUERY = "sidebar_search_drawn"
"""The query the whole page last ran with (Explore lights its pages)."""

_component = component_from_files("heuristica_search", "search_box", "search")


BoxData = dict[str, object]


def box_data(kg: KnowledgeGraph, query: str) -> BoxData:
    """What the box shows for ``query`` as plain JSON data: the best pages, and
    how the query was read ("note": words no page has, typos).

    Titles, snippets and notes are page or user text: the box sets them as
    text and marks the ``[start, end)`` spans it is given, never reading any
    of it as HTML."""
    found = find(kg, query, limit=RESULT_LIMIT)
    results = []
    for hit in found.hits:
        title, title_marks = _without_code_marks(hit.page.title, hit.title_marks)
        results.append(
            {
                **hit.to_dict(),
                "title": title,
                "title_marks": title_marks,
                "type": hit.page.page_type.label,
                "colour": TYPE_COLOURS[hit.page.page_type],
            }
        )
    return {"query": query, "results": results, "note": found.note}


def _without_code_marks(
    title: str, marks: Sequence[tuple[int, int]]
) -> tuple[str, list[list[int]]]:
    """``title`` without the backticks that mark code in it, and ``marks``
    moved to match (as the graph and the page lists show titles)."""
    kept = [at for at, char in enumerate(title) if char != "`"]
    return "".join(title[at] for at in kept), [
        [bisect_left(kept, start), bisect_left(kept, end)] for start, end in marks
    ]


@dataclass(frozen=True)
class BrowseList:
    """What the Browse list shows."""

    pages: list[Page]
    every_word: bool
    """False when no page has every word of the query, so pages with some are shown."""
    note: str = ""
    """How the query was read: words no page has, typos (``Found.note``)."""


def browse_pages(
    kg: KnowledgeGraph,
    query: str = "",
    types: Collection[PageType] = (),
    domains: Collection[str] = (),
) -> BrowseList:
    """The pages Browse lists: with a query, those with every word of it, best
    match first (those with some of the words when no page has them all);
    without one, every page by title. Only these types, and pages with one of
    these domains, when given."""
    note = ""
    if query.strip():
        found = find(kg, query, limit=None, types=types, every_word=True, snippets=False)
        every_word = bool(found.hits)
        if not found.hits:
            found = find(kg, query, limit=None, types=types, snippets=False)
        pages = [kg.page(hit.page.id) for hit in found.hits]
        note = found.note
    else:
        every_word = True
        pages = sorted(
            (page for page in kg.pages if not types or page.page_type in types),
            key=lambda page: page.title.lower(),
        )
    wanted = frozenset(domains)
    listed = [page for page in pages if not wanted or not wanted.isdisjoint(page.domains)]
    return BrowseList(listed, every_word or not listed, note)


def current_query() -> str:
    """What is typed in the sidebar box now ("" when nothing)."""
    state: Any = st.session_state.get(SEARCH_KEY)
    query = state.get("query") if state is not None else None
    return query if isinstance(query, str) else ""


def search_box(kg: KnowledgeGraph, *, lights_page: bool) -> None:
    """The box, in the current container (the sidebar). ``lights_page``: the
    page below shows what the box finds (Explore), so a changed query reruns it."""
    st.session_state[_DRAWN_QUERY] = current_query()
    _box(kg, lights_page)


@st.fragment
def _box(kg: KnowledgeGraph, lights_page: bool) -> None:
    query = current_query()
    state: Any = st.session_state.get(SEARCH_KEY)
    chosen = state.get("chosen") if state is not None else None
    # A page chosen is opened before anything else: the box forgets its query
    # as it sends the choice, and the rerun that query change asks for would
    # drop the choice (a trigger lives for one run).
    if isinstance(chosen, str) and chosen in kg:
        st.switch_page(EXPLORE_PAGE, query_params={"node": chosen})
    if lights_page and query != st.session_state.get(_DRAWN_QUERY):
        st.rerun(scope="app")
    _component(
        key=SEARCH_KEY,
        data=box_data(kg, query),
        default={"query": ""},
        on_query_change=lambda: None,
        on_chosen_change=lambda: None,
    )
