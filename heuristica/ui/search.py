"""The sidebar search box and Browse's word filter, both asking heuristica.search.

The box is a small two-way Streamlit component (``ui/search_box/``): the
browser sends the query as it is typed (debounced), ``heuristica.search`` ranks the
pages here, and the component shows each with the sentence that matched, its
matched words marked; choosing one (Enter takes the first) comes back as a
trigger and switches to the explorer with ``?node=<id>``. It runs as a
fragment, so typing reruns only the box, not the page around it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import streamlit as st

from heuristica.draw.render import TYPE_COLOURS
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.model import Page
from heuristica.kb.relations import PageType
from heuristica.search import search
from heuristica.ui.frontend_files import component_from_files
from heuristica.ui.panel import EXPLORE_PAGE

__all__ = [
    "RESULT_LIMIT",
    "SEARCH_KEY",
    "BrowseList",
    "browse_pages",
    "current_query",
    "search_box",
    "search_results",
]

RESULT_LIMIT = 8
SEARCH_KEY = "sidebar_search"

_component = component_from_files("heuristica_search", "search_box", "search")


def search_results(kg: KnowledgeGraph, query: str) -> list[dict[str, object]]:
    """What the box shows for ``query``: the best pages, as plain JSON data.

    Titles and snippets are page text: the box sets them as text and marks the
    ``[start, end)`` spans it is given, never reading any of it as HTML."""
    results: list[dict[str, object]] = []
    for hit in search(kg, query, limit=RESULT_LIMIT):
        page_type = hit.page.page_type
        results.append(
            {
                **hit.to_dict(),
                "type": page_type.label,
                "colour": TYPE_COLOURS[page_type],
            }
        )
    return results


@dataclass(frozen=True)
class BrowseList:
    """What the Browse list shows."""

    pages: list[Page]
    every_word: bool
    """False when no page has every word of the query, so pages with some are shown."""


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
    if query.strip():
        hits = search(kg, query, limit=None, types=types, every_word=True, snippets=False)
        every_word = bool(hits)
        if not hits:
            hits = search(kg, query, limit=None, types=types, snippets=False)
        pages = [hit.page for hit in hits]
    else:
        every_word = True
        pages = sorted(
            (page for page in kg.pages if not types or page.page_type in types),
            key=lambda page: page.title.lower(),
        )
    wanted = frozenset(domains)
    return BrowseList(
        [page for page in pages if not wanted or not wanted.isdisjoint(page.domains)], every_word
    )


def current_query() -> str:
    """What is typed in the sidebar box now ("" when nothing)."""
    state: Any = st.session_state.get(SEARCH_KEY)
    query = state.get("query") if state is not None else None
    return query if isinstance(query, str) else ""


@st.fragment
def search_box(kg: KnowledgeGraph) -> None:
    """The box, in the current container (the sidebar)."""
    query = current_query()
    result = _component(
        key=SEARCH_KEY,
        data={"query": query, "results": search_results(kg, query)},
        default={"query": ""},
        on_query_change=lambda: None,
        on_chosen_change=lambda: None,
    )
    chosen = result.chosen
    if isinstance(chosen, str) and chosen in kg:
        st.switch_page(EXPLORE_PAGE, query_params={"node": chosen})
