"""The knowledge base the app shows: one ``LiveKnowledgeBase`` per folder
(``heuristica.live``), made once per server process and shared by every
browser session. A change is noticed as it is saved (``live.watch``) and
loaded then, or, where the folder cannot be watched, by scanning the folder
at most once a second; a reload parses only the files that changed, and the parse results
are saved to the user's cache folder ten seconds after a load (so the first
load after a server start parses only what changed while it was down). The
search index is kept there too, shared with the CLI and the MCP server.

``HEURISTICA_KNOWLEDGE=PATH`` points the app at another knowledge base; the
default is the repository's ``knowledge/`` folder.
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time
from pathlib import Path

import streamlit as st

from heuristica import EXAMPLE_KNOWLEDGE, KNOWLEDGE_ENV
from heuristica.kb.parsecache import cache_folder, cache_path
from heuristica.kb.where import command
from heuristica.live.knowledge_base import Clock, KnowledgeBase, LiveKnowledgeBase
from heuristica.ui.history import Revision, revision_shown
from heuristica.ui.streamlit_internals import quiet_outside_sessions

__all__ = [
    "ENV_VAR",
    "KnowledgeBase",
    "current",
    "import_for_first_view",
    "import_for_grids",
    "knowledge_root",
    "live",
    "prepare_whole_graph",
    "warm_up",
]

ENV_VAR = KNOWLEDGE_ENV
DEFAULT_ROOT = EXAMPLE_KNOWLEDGE.resolve()
RESCAN_SECONDS = 1.0
"""How often at most the folder is scanned for changes (a scan stats every file)."""
REVISIONS_LOADED = 4
"""Revisions (``?at=``) kept loaded at once; the least recently used is dropped."""
GRID_IMPORT_AFTER_SECONDS = 5.0
"""How long after the server starts answering it imports pandas (``import_for_grids``)."""
FIRST_VIEW_IMPORTS = (
    "heuristica.checks.local_code",  # the panel's checks (tree-sitter)
    "heuristica.checks.verify",
    "heuristica.draw.render",
    "heuristica.kb.page_markdown",
    "numpy",  # Streamlit's st.set_page_config (its favicon), with PIL
    "PIL.Image",
    "PIL.ImageFile",
    "pyarrow",  # Streamlit's custom components
)
"""What a server's first run of the Explore page imports, but for the
modules of ``heuristica.ui`` (each cheap; one that declares a Streamlit
component must be imported in a session's run, or it is never registered),
imported by ``import_for_first_view`` while the browser loads: a few tenths
of a second no reader waits for (tests/test_first_run.py keeps the list whole)."""
SAVE_AFTER_SECONDS = 10.0
"""How long after a load its parse results are written and the heap tidied."""
clock: Clock = time.monotonic
"""The app's clock (tests give another before the first load)."""
_log = logging.getLogger(__name__)


def knowledge_root() -> Path:
    """The folder named by HEURISTICA_KNOWLEDGE, else the shipped knowledge/."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_ROOT


@st.cache_resource(show_spinner=False)
def _live(root: Path) -> LiveKnowledgeBase:
    base = LiveKnowledgeBase(
        root,
        cache_file=cache_path(root),
        search_folder=cache_path(root, "search", ""),
        cache_folder=cache_folder(root),
        rescan_seconds=RESCAN_SECONDS,
        save_after_seconds=SAVE_AFTER_SECONDS,
        clock=lambda: clock(),
    )
    # An edit is loaded as it is saved, and the whole graph of the new load
    # laid out and drawn then: the reader's next run finds both ready.
    base.watch(_lay_out_now)
    return base


def _lay_out_now(loaded: KnowledgeBase) -> None:
    """The whole graph of a load the watch made, laid out now (found through
    the cache, not held: the watch keeps no knowledge base alive)."""
    with quiet_outside_sessions():  # in the watch's thread, not in a session
        base = _live(loaded.root)
    base.layout.prepare(loaded.graph, loaded.fingerprint, now=True)


def live() -> LiveKnowledgeBase:
    """The live knowledge base of the folder the app shows."""
    return _live(knowledge_root())


@st.cache_resource(show_spinner=False, max_entries=REVISIONS_LOADED)
def _at_revision(folder: Path) -> LiveKnowledgeBase:
    """A revision's folder (``heuristica.history.snapshot``): written once, never
    changed, so it is not scanned again."""
    return LiveKnowledgeBase(
        folder,
        cache_file=cache_path(folder),
        cache_folder=cache_folder(folder),
        rescan_seconds=float("inf"),
        save_after_seconds=SAVE_AFTER_SECONDS,
    )


def current() -> KnowledgeBase:
    """The knowledge base this browser session shows: at the revision ``?at=``
    names (read-only), else as it is on disk now (at most a second old)."""
    shown = revision_shown(knowledge_root())
    return _load(_at_revision(shown.folder) if isinstance(shown, Revision) else live())


def _load(base: LiveKnowledgeBase) -> KnowledgeBase:
    scan = base.scan()
    if base.is_current(scan):
        return base.current(scan)
    with st.spinner("Loading the knowledge base…"):
        return base.current(scan)


def warm_up() -> None:
    """Load the knowledge base now, and start laying out its whole graph,
    outside any browser session (the app calls this before its server takes
    requests), so the first reader does not wait for it. Never raises:
    whatever goes wrong is logged here, and the first session meets it again
    and shows it."""
    started = time.perf_counter()
    try:
        with quiet_outside_sessions():  # outside a session, as expected here
            kb = current()
    except Exception:
        _log.exception("could not load the knowledge base ahead of the first reader")
        return
    print(f"  Heuristica: {_loaded(kb, time.perf_counter() - started)}", flush=True)
    # The whole graph's layout, unless one is on disk, takes a process of its
    # own about a second at 10,000 pages: start it (after the layout's own
    # wait_before) rather than when a reader first flips "Whole graph".
    live().layout.prepare(kb.graph, kb.fingerprint)


def prepare_whole_graph() -> None:
    """A browser has drawn its first view of the graph: lay out and draw the
    whole graph of the knowledge base as last loaded now, unless that is done
    or under way (``live.whole_layout``). Until then a layout asked for ahead
    of need waits (its ``wait_before``), leaving the cores to that browser."""
    with quiet_outside_sessions():  # called by the server, not in a session
        base = live()
    loaded = base.loaded
    if loaded is not None:
        base.layout.prepare(loaded.graph, loaded.fingerprint, now=True)


def import_for_first_view() -> threading.Thread:
    """Import ``FIRST_VIEW_IMPORTS`` in a thread (the app: as its server
    starts answering, when a browser opened at once spends about a second on
    Streamlit's own scripts and the server has nothing else to do). An
    import that fails is logged: the first run meets it again and shows it."""

    def run() -> None:
        for name in FIRST_VIEW_IMPORTS:
            try:
                importlib.import_module(name)
            except Exception:
                _log.exception("could not import %s ahead of the first view", name)

    thread = threading.Thread(target=run, name="heuristica-first-view-imports", daemon=True)
    thread.start()
    return thread


def import_for_grids(after_seconds: float = GRID_IMPORT_AFTER_SECONDS) -> threading.Thread:
    """Import what the panel's verification grid needs, in a thread, after
    ``after_seconds`` (the app: counted from when its server starts
    answering). The grid is a Streamlit data grid, which imports pandas: over
    a second of a reader's run if it came to that run, and half a second of
    every start before the server answered when the warm-up imported it; the
    wait keeps it off the first reader's own first run."""

    def run() -> None:
        import pandas  # noqa: F401

    timer = threading.Timer(after_seconds, run)
    timer.name, timer.daemon = "heuristica-import-pandas", True
    timer.start()
    return timer


def _loaded(kb: KnowledgeBase, seconds: float) -> str:
    """What a start-up says of the load (beside Streamlit's own start-up lines)."""
    if not kb.root.is_dir():
        return f"the knowledge base folder {kb.root} does not exist. Set {ENV_VAR} to a folder."
    pages = len(kb.graph)
    said = f"{pages} page{'s' * (pages != 1)} loaded from {kb.root} in {seconds:.1f} s"
    errors = len(kb.result.errors)
    warnings = len(kb.result.problems) - errors
    if errors or warnings:
        said += f" ({errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        said += f": see Problems in the app, or run {command('check', kb.root)})"
    return said
