"""The sidebar search box: finds pages as you type and opens the one chosen
in the explorer.

A small two-way Streamlit component (``ui/search_box/``): the browser sends
the query as it is typed (debounced), ``KnowledgeGraph.search`` ranks the pages
here, and the component shows them; choosing one comes back as a trigger and
switches to the explorer with ``?node=<id>``. It runs as a fragment, so typing
reruns only the box, not the page around it.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

import streamlit as st

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.model import Page
from heuristica.graph.relations import PageType
from heuristica.graph.render import TYPE_COLOURS
from heuristica.ui.panel import EXPLORE_PAGE

__all__ = ["RESULT_LIMIT", "SEARCH_KEY", "browse_pages", "search_box", "search_results"]

RESULT_LIMIT = 8
SEARCH_KEY = "sidebar_search"

_FILES = Path(__file__).parent / "search_box"
_component = st.components.v2.component(
    "heuristica_search",
    html=(_FILES / "search.html").read_text(encoding="utf-8"),
    css=(_FILES / "search.css").read_text(encoding="utf-8"),
    js=(_FILES / "search.js").read_text(encoding="utf-8"),
)


def search_results(kg: KnowledgeGraph, query: str) -> list[dict[str, str]]:
    """What the box shows for ``query``: the best pages, as plain JSON data."""
    return [
        {
            "id": hit.page.id,
            "title": hit.page.title,
            "type": hit.page.page_type.label,
            "colour": TYPE_COLOURS[hit.page.page_type],
            "matched": hit.matched,
        }
        for hit in kg.search(query, limit=RESULT_LIMIT)
    ]


def browse_pages(
    kg: KnowledgeGraph,
    query: str = "",
    types: Collection[PageType] = (),
    domains: Collection[str] = (),
) -> list[Page]:
    """The pages the Browse list shows: best match first when there is a
    query, else by title; only these types and pages with one of these domains
    when given."""
    if query.strip():
        pages = [hit.page for hit in kg.search(query, limit=len(kg))]
    else:
        pages = sorted(kg.pages, key=lambda page: page.title.lower())
    wanted = frozenset(domains)
    return [
        page
        for page in pages
        if (not types or page.page_type in types)
        and (not wanted or not wanted.isdisjoint(page.domains))
    ]


def _query() -> str:
    state: Any = st.session_state.get(SEARCH_KEY)
    query = state.get("query") if state is not None else None
    return query if isinstance(query, str) else ""


@st.fragment
def search_box(kg: KnowledgeGraph) -> None:
    """The box, in the current container (the sidebar)."""
    query = _query()
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
