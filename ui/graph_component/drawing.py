"""Cached drawing work for the explorer: the pyvis network of a View, and the
whole-graph layout (computed once per knowledge base, kept in memory and in
a file so a restarted server does not compute it again)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import streamlit as st
from pyvis.network import Network

from graph.knowledge import KnowledgeGraph
from graph.layout import spread_layout
from graph.relations import PageType
from graph.render import Position, build_network
from graph.view import View, build_view

__all__ = ["LAYOUT_CACHE_DIR", "cached_view", "drawn_network", "whole_graph_layout"]

LAYOUT_CACHE_DIR = Path(tempfile.gettempdir()) / "heuristica-layouts"


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
    """``graph.view.build_view``, remembered: the whole graph's view takes
    about 0.1 s to build for 10,000 pages, more than a rerun may cost."""
    return build_view(kg, focus, depth=depth, expanded=expanded, types=types, show_all=show_all)


@st.cache_resource(
    max_entries=32,
    show_spinner=False,
    hash_funcs={KnowledgeGraph: id, View: lambda v: (v.focus, v.show_all, len(v.nodes), hash(v))},
)
def drawn_network(kg: KnowledgeGraph, fingerprint: str, view: View) -> tuple[Network, str]:
    """The network drawing ``view`` and a revision string that changes with it.

    The whole graph is drawn at its precomputed layout with physics off; a
    neighbourhood is laid out by the browser.
    """
    positions = whole_graph_layout(kg, fingerprint) if view.show_all else None
    net = build_network(view, kg, positions)
    revision = f"{fingerprint[:8]}-{hash(view) & 0xFFFFFFFF:08x}-{int(view.show_all)}"
    return net, revision


@st.cache_resource(
    max_entries=2, show_spinner="Laying out the whole graph (once per knowledge base)…"
)
def whole_graph_layout(_kg: KnowledgeGraph, fingerprint: str) -> dict[str, Position]:
    """Positions of every page, from the file cache when the graph's shape is known."""
    nodes = sorted(_kg.nx)
    edges = sorted((a, b) for a, b, _ in _kg.nx.edges(keys=True))
    digest = hashlib.blake2b(json.dumps([nodes, edges]).encode(), digest_size=16).hexdigest()
    cached = LAYOUT_CACHE_DIR / f"{digest}.json"
    try:
        return {k: tuple(v) for k, v in json.loads(cached.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        pass
    positions = spread_layout(nodes, edges)
    LAYOUT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(positions))
    partial.replace(cached)
    return positions
