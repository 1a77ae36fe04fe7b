"""Cached drawing work for the explorer: the Drawing of a View, and the
whole-graph layout (computed once per knowledge base by ``python -m
graph.layout`` in its own process as soon as the explorer opens, kept in
memory and in a file so a restarted server does not compute it again)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import streamlit as st

from heuristica import child_env
from heuristica.draw import layout
from heuristica.draw.drawing import Drawing, Options, Position, draw, prepare_whole_drawing
from heuristica.draw.view import View, build_view
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.relations import PageType

__all__ = [
    "EXPLORER_OPTIONS",
    "LAYOUT_CACHE_DIR",
    "cached_view",
    "drawn_view",
    "layout_ready",
    "prepare_whole_graph_layout",
    "whole_graph_layout",
]

LAYOUT_CACHE_DIR = Path(tempfile.gettempdir()) / "heuristica-layouts"
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
    """``graph.view.build_view``, remembered: the whole graph's view takes
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
    positions = whole_graph_layout(kg, fingerprint) if view.show_all else None
    drawing = draw(view, kg, positions, expanded=expanded, options=EXPLORER_OPTIONS)
    shown = hash((view, expanded)) & 0xFFFFFFFF
    revision = f"{fingerprint[:8]}-{shown:08x}-{int(view.show_all)}"
    return drawing, revision


_layouts: dict[str, dict[str, Position]] = {}
_workers: dict[str, threading.Thread] = {}
"""Per knowledge base: the thread that names its layout file, and unless it
exists writes the graph's shape and runs the layout process on it."""
_hurry: dict[str, threading.Event] = {}
"""Set when the whole graph is wanted now: its worker stops waiting."""
_files: dict[str, Path] = {}
_layout_lock = threading.Lock()
_PREPARE_AFTER_SECONDS = 3.0
"""How long a worker started ahead of need waits before it begins: naming
the layout file hashes every link (10,000 pages: 0.1-0.2 s of the GIL), and
the rerun that opened the explorer, a server's first one included, comes
first."""


def whole_graph_layout(kg: KnowledgeGraph, fingerprint: str) -> dict[str, Position]:
    """Positions of every page, computed once per knowledge base: by the
    background process if one was started (waiting for it), else here."""
    with _layout_lock:
        if fingerprint in _layouts:
            return _layouts[fingerprint]
        worker = _start_layout(kg, fingerprint)
        _hurry[fingerprint].set()
    worker.join()
    stored = _files[fingerprint]
    if not stored.exists():
        layout.main([str(_graph_file(stored)), str(stored)])
    positions = {k: tuple(v) for k, v in json.loads(stored.read_text("utf-8")).items()}
    with _layout_lock:
        _layouts.clear()
        _layouts[fingerprint] = positions
    return positions


def layout_ready(fingerprint: str) -> bool:
    return fingerprint in _layouts


def prepare_whole_graph_layout(kg: KnowledgeGraph, fingerprint: str) -> None:
    """Start laying out the whole graph in another process (once per
    knowledge base, after ``_PREPARE_AFTER_SECONDS`` unless asked for
    sooner), so that "Whole graph" finds it done and the server's own core
    stays free meanwhile."""
    with _layout_lock:
        if fingerprint not in _layouts:
            _start_layout(kg, fingerprint)


def _start_layout(kg: KnowledgeGraph, fingerprint: str) -> threading.Thread:
    """The thread that finds or makes the layout file of ``kg`` (started
    once per knowledge base, under the lock): none of it runs in the rerun
    that asked, since naming the file lists every link (10,000 pages: 0.2 s)."""
    worker = _workers.get(fingerprint)
    if worker is None:
        hurry = _hurry[fingerprint] = threading.Event()
        worker = _workers[fingerprint] = threading.Thread(
            target=_lay_out, args=(kg, fingerprint, hurry), name="heuristica-layout", daemon=True
        )
        worker.start()
    return worker


def _lay_out(kg: KnowledgeGraph, fingerprint: str, hurry: threading.Event) -> None:
    """Name the layout file by the graph's shape, so a restarted server, or
    an edit that moves no link, reuses it; unless it exists, write the shape
    beside it and run the layout process on it. Meanwhile make the text of
    every page's node (``graph.drawing.prepare_whole_drawing``)."""
    hurry.wait(_PREPARE_AFTER_SECONDS)
    stored = _files[fingerprint] = LAYOUT_CACHE_DIR / f"{kg.shape}.json"
    if stored.exists():
        prepare_whole_drawing(kg)
        return
    nodes = sorted(kg.nx)
    edges = sorted((a, b) for a, b, _ in kg.nx.edges(keys=True))
    shape = json.dumps({"nodes": nodes, "edges": edges})
    LAYOUT_CACHE_DIR.mkdir(parents=True, exist_ok=True)
    _graph_file(stored).write_text(shape, encoding="utf-8")
    with subprocess.Popen(
        [sys.executable, "-m", "heuristica.draw.layout", str(_graph_file(stored)), str(stored)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ):
        prepare_whole_drawing(kg)


def _graph_file(stored: Path) -> Path:
    return stored.with_suffix(".graph.json")
