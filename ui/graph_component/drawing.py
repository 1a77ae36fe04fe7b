"""Cached drawing work for the explorer: the pyvis network of a View, and the
whole-graph layout (computed once per knowledge base, in the background as
soon as the explorer opens, kept in memory and in a file so a restarted
server does not compute it again)."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

import streamlit as st
from pyvis.network import Network

from graph.knowledge import KnowledgeGraph
from graph.layout import spread_layout
from graph.relations import PageType
from graph.render import Position, build_network
from graph.view import View, build_view

__all__ = [
    "LAYOUT_CACHE_DIR",
    "cached_view",
    "drawn_network",
    "layout_ready",
    "prepare_whole_graph_layout",
    "whole_graph_layout",
]

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


_layouts: dict[str, dict[str, Position]] = {}
_layout_lock = threading.Lock()
_layout_started: set[str] = set()


def whole_graph_layout(kg: KnowledgeGraph, fingerprint: str) -> dict[str, Position]:
    """Positions of every page: computed once per knowledge base (one caller
    computes, others wait for it), from the file cache when the graph's shape
    is already known."""
    with _layout_lock:
        if fingerprint not in _layouts:
            _layouts.clear()
            _layouts[fingerprint] = _stored_or_computed_layout(kg)
        return _layouts[fingerprint]


def layout_ready(fingerprint: str) -> bool:
    return fingerprint in _layouts


def prepare_whole_graph_layout(kg: KnowledgeGraph, fingerprint: str) -> None:
    """Start computing the whole-graph layout in the background (once per
    knowledge base), so "Whole graph" finds it done."""
    with _layout_lock:
        if fingerprint in _layout_started:
            return
        _layout_started.add(fingerprint)
    threading.Thread(
        target=whole_graph_layout, args=(kg, fingerprint), name="whole-graph-layout", daemon=True
    ).start()


def _stored_or_computed_layout(kg: KnowledgeGraph) -> dict[str, Position]:
    nodes = sorted(kg.nx)
    edges = sorted((a, b) for a, b, _ in kg.nx.edges(keys=True))
    digest = hashlib.blake2b(json.dumps([nodes, edges]).encode(), digest_size=16).hexdigest()
    stored = LAYOUT_CACHE_DIR / f"{digest}.json"
    try:
        return {k: tuple(v) for k, v in json.loads(stored.read_text()).items()}
    except (OSError, ValueError, AttributeError):
        pass
    positions = spread_layout(nodes, edges)
    LAYOUT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    partial = stored.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(positions))
    partial.replace(stored)
    return positions
