"""The knowledge base the app shows: loaded once per server process, shared by
every browser session, and loaded again when a YAML file changes.

A change is noticed by scanning the folder (at most once a second; the same
scan the loader uses, so it never raises and never opens anything but page
files). A reload parses only the files that changed: each file's parse result
is kept in a ``ParseCache`` per folder, and saved in the background to the
user's cache folder, so that the first load after a server start parses only
what changed while the server was down.

``HEURISTICA_KNOWLEDGE=PATH`` points the app at another knowledge base; the
default is the repository's ``knowledge/`` folder.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st

from heuristica import EXAMPLE_KNOWLEDGE, KNOWLEDGE_ENV, demos
from heuristica.graph.files import Scan, scan_folder
from heuristica.graph.fingerprint import folder_fingerprint
from heuristica.graph.gcpause import tidy
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import LoadResult
from heuristica.graph.parsecache import ParseCache, cache_path
from heuristica.graph.reload import Reloader
from heuristica.ui.history import Revision, revision_shown

__all__ = ["ENV_VAR", "KnowledgeBase", "current", "knowledge_root", "warm_up"]

ENV_VAR = KNOWLEDGE_ENV
DEFAULT_ROOT = EXAMPLE_KNOWLEDGE.resolve()
_RESCAN_SECONDS = 1.0
"""How often at most the folder is scanned for changes (a scan stats every file)."""
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    result: LoadResult
    graph: KnowledgeGraph
    fingerprint: str
    at: Revision | None = None
    """The revision shown (``?at=``), read-only; None: the knowledge as it is now."""


def knowledge_root() -> Path:
    """The folder named by HEURISTICA_KNOWLEDGE, else the shipped knowledge/."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_ROOT


_last_scan: dict[Path, tuple[float, Scan]] = {}


def _recent_scan(root: Path) -> Scan:
    now = time.monotonic()
    seen = _last_scan.get(root)
    if seen is None or now - seen[0] > _RESCAN_SECONDS:
        seen = (now, scan_folder(root))
        _last_scan[root] = seen
    return seen[1]


_reloaders: dict[Path, Reloader] = {}
_reloaders_lock = threading.Lock()
_tidying = threading.Lock()
"""Held while the parse cache is written and the heap tidied."""
_waiting_lock = threading.Lock()
"""Guards ``_tidies_waiting``."""
_tidies_waiting: dict[Path, bool] = {}
"""The folders whose tidy is due but not started, and whether a load since
the last one parsed anything (so the parse cache needs writing)."""
_TIDY_AFTER_SECONDS = 10.0
"""How long after a load its parse results are written and the heap tidied:
both take the GIL for a while (10,000 pages: a 25 MB write, a full
collection), and the reruns right after an edit come first; one tidy covers
every load until it starts, so while someone edits and saves page after page
it runs at most this often."""


def _reloader(root: Path) -> Reloader:
    """This folder's loader, which keeps what the last load found (its parse
    results first read from disk)."""
    with _reloaders_lock:
        reloader = _reloaders.get(root)
        if reloader is None:
            path = cache_path(root)
            cache = ParseCache.load(path) if path is not None else ParseCache()
            reloader = _reloaders[root] = Reloader(root, cache)
        return reloader


def _tidy_in_background(reloader: Reloader, root: Path) -> None:
    """A little later, in another thread: write the parse results to disk if
    the last load parsed anything, and collect the garbage the load left
    (``graph.gcpause.tidy``). A tidy already waiting to start takes every
    load up to then; one tidy waits for the one before."""
    parsed = reloader.cache.parsed > 0
    with _waiting_lock:
        if root in _tidies_waiting:
            _tidies_waiting[root] |= parsed
            return
        _tidies_waiting[root] = parsed

    def run() -> None:
        with _waiting_lock:
            save = _tidies_waiting.pop(root)
        with _tidying:
            path = cache_path(root)
            if path is not None and save:
                try:
                    reloader.snapshot().save(path)
                except OSError as error:
                    _log.warning("could not save the parse cache %s: %s", path, error)
            tidy()

    timer = threading.Timer(_TIDY_AFTER_SECONDS, run)
    timer.name, timer.daemon = "heuristica-tidy", True
    timer.start()


@st.cache_resource(max_entries=2, show_spinner="Loading the knowledge base…")
def _load(root: Path, fingerprint: str, _scan: Scan) -> KnowledgeBase:
    reloader = _reloader(root)
    result, graph = reloader.load(_scan, demos=demos.available())
    _tidy_in_background(reloader, root)
    return KnowledgeBase(root, result, graph, fingerprint)


def warm_up() -> None:
    """Load the knowledge base, and import what the panel's verification grid
    needs, now, outside any browser session (the app calls this before its
    server takes requests), so the first reader does not wait for them.
    Never raises: whatever goes wrong is logged here, and the first session
    meets it again and shows it."""
    started = time.perf_counter()
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # "missing ScriptRunContext": expected here
    try:
        kb = _loaded_from(knowledge_root())
    except Exception:
        _log.exception("could not load the knowledge base ahead of the first reader")
        return
    finally:
        quiet.setLevel(level)
    print(f"  Heuristica: {_loaded(kb, time.perf_counter() - started)}", flush=True)
    # The panel's verification grid is a Streamlit data grid, which imports pandas
    # (over a second): import it here, before the first reader, not in their run.
    import pandas  # noqa: F401


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
        said += ": see Problems in the app, or run `heuristica check`)"
    return said


def current() -> KnowledgeBase:
    """The knowledge base this browser session shows: at the revision ``?at=``
    names, else as it is on disk now (at most a second old)."""
    shown = revision_shown(knowledge_root())
    if isinstance(shown, Revision):
        return replace(_loaded_from(shown.folder), at=shown)
    return _loaded_from(knowledge_root())


def _loaded_from(root: Path) -> KnowledgeBase:
    scan = _recent_scan(root)
    return _load(root, folder_fingerprint(root, scan), scan)
