"""Cached drawing work for the explorer: the View and the Drawing of what the
reader asked for. The whole graph is drawn at the layout of the live
knowledge base (``live.whole_layout``)."""

from __future__ import annotations

import streamlit as st

from heuristica.draw.drawing import Drawing, Options, draw
from heuristica.draw.view import View, build_view
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.relations import PageType
from heuristica.ui.knowledge_base import live

__all__ = ["EXPLORER_OPTIONS", "cached_view", "drawn_view"]

EXPLORER_OPTIONS = Options(open_link="./?node={id}", can_expand=True)
"""The live explorer: "Open this page" is a real link to ``?node=<id>``, and
the preview card can show or hide a page's links."""


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs={KnowledgeGraph: id})
def cached_view(
    kg: KnowledgeGraph,
    fingerprint: str,
    focus: str,
    depth: int,
    expanded: frozenset[str],
    types: frozenset[PageType],
    show_all: bool,
) -> View:
    """``draw.view.build_view``, remembered: the whole graph's view takes
    about 0.1 s to build for 10,000 pages, more than a rerun may cost."""
    return build_view(kg, focus, depth=depth, expanded=expanded, types=types, show_all=show_all)


def _view_key(view: View) -> tuple[str, bool, int, int]:
    return (view.focus, view.show_all, len(view.nodes), hash(view))


@st.cache_resource(
    max_entries=32,
    show_spinner=False,
    hash_funcs={KnowledgeGraph: id, View: _view_key},
)
def drawn_view(
    kg: KnowledgeGraph, fingerprint: str, view: View, expanded: frozenset[str]
) -> tuple[Drawing, str]:
    """The drawing of ``view`` and a revision string that changes with it.

    The whole graph is drawn at its precomputed layout; a neighbourhood is
    laid out by the browser.
    """
    positions = live().layout.positions(kg, fingerprint) if view.show_all else None
    drawing = draw(view, kg, positions, expanded=expanded, options=EXPLORER_OPTIONS)
    shown = hash((view, expanded)) & 0xFFFFFFFF
    revision = f"{fingerprint[:8]}-{shown:08x}-{int(view.show_all)}"
    return drawing, revision
