"""The live knowledge base: one knowledge folder as it is on disk now, for as
long as a process serves it. The app, the MCP server and the CLI each hold
one ``LiveKnowledgeBase`` per folder.

``current()`` looks at the folder (its scan stats every page file and opens
none; at most once per ``rescan_seconds``), and loads it again when a file
changed: only the files that changed are parsed (``live.reload``). The parse
results are read from ``cache_file`` before the first load and written back
there by ``save_cache()`` (a caller that keeps running asks for that a little
after each load with ``save_after_seconds``, in another thread, together with
a tidy of the heap). ``layout`` lays out the whole graph of the latest load in
another process; ``KnowledgeBase.search`` asks the search index of its graph,
kept in ``search_folder`` if one is given (each page known by its file's
version, so the next process indexes only the pages whose file changed).

Time comes from ``clock`` (``time.monotonic`` unless a test gives another).

The loader, the page models and networkx are imported by the first load, not
with this module: a search answered from the index kept on disk (the MCP
server's first answer) needs none of them.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from heuristica import demos
from heuristica.kb.files import Scan, scan_folder
from heuristica.kb.gcpause import tidy
from heuristica.kb.relations import PageType
from heuristica.live.fingerprint import folder_fingerprint, lasting_fingerprint, other_versions
from heuristica.live.kept_search import find_without_loading, kept_is_current
from heuristica.search import (
    Found,
    Kept,
    Loaded,
    Progress,
    SearchHit,
    SearchIndex,
    find,
    has_manifest,
    index_for,
)

if TYPE_CHECKING:  # imported by the first load (``LiveKnowledgeBase._reloader_now``)
    from heuristica.kb.knowledge import KnowledgeGraph
    from heuristica.kb.loader import LoadResult
    from heuristica.live.reload import Reloader
    from heuristica.live.watch import FolderWatch
    from heuristica.live.whole_layout import WholeLayout

__all__ = ["Clock", "KnowledgeBase", "LiveKnowledgeBase"]

Clock = Callable[[], float]
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KnowledgeBase:
    """One load of the folder: what it holds and what is wrong with it."""

    root: Path
    result: LoadResult
    graph: KnowledgeGraph
    fingerprint: str
    """Changes whenever a page file or the verification record changes."""
    kept: Kept | None = None
    """Where and as what its search index is kept on disk; None: in memory."""

    def search(
        self, query: str, *, limit: int | None = 10, types: Collection[PageType] = ()
    ) -> list[SearchHit]:
        """Pages for ``query``, best first (``heuristica.search``: one index per graph)."""
        return self.find(query, limit=limit, types=types).hits

    def index(self, progress: Progress | None = None) -> SearchIndex:
        """The search index of its graph, made now if it was not yet (telling
        ``progress`` as it goes)."""
        return index_for(self.graph, self.kept, progress)

    def find(
        self, query: str, *, limit: int | None = 10, types: Collection[PageType] = ()
    ) -> Found:
        """Pages for ``query`` and how it was read: the words no page has, what
        a typo was read as (``heuristica.search.find``)."""
        return find(self.graph, query, limit=limit, types=types, kept=self.kept)


class LiveKnowledgeBase:
    """The folder ``root``, loaded when asked and again when it changed; safe
    to share between threads (one load at a time)."""

    def __init__(
        self,
        root: Path,
        *,
        cache_file: Path | None = None,
        search_folder: Path | None = None,
        cache_folder: Path | None = None,
        rescan_seconds: float = 0.0,
        save_after_seconds: float | None = None,
        clock: Clock = time.monotonic,
        layout: WholeLayout | None = None,
    ) -> None:
        self.root = root
        self.cache_file = cache_file
        """Where the parse results are read from and saved; None: kept in memory only."""
        self.search_folder = search_folder
        """Where the search index is kept; None: in memory only."""
        self.cache_folder = cache_folder
        """Where the whole graph's layouts are kept (``kb.parsecache.cache_folder``);
        None: this process's own temporary folder."""
        self._layout = layout
        self._layout_made = threading.Lock()
        self._rescan_seconds = rescan_seconds
        self._save_after_seconds = save_after_seconds
        self._clock = clock
        self._reloader: Reloader | None = None
        self._current: KnowledgeBase | None = None
        self._scan: tuple[float, Scan] | None = None
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self._unsaved = False
        """Whether a load parsed anything since the parse results were last saved."""
        self._tidy: Future[None] | None = None
        self._watch: FolderWatch | None = None

    @property
    def layout(self) -> WholeLayout:
        """Lays out the whole graph of the latest load in another process
        (made when first asked for: it imports networkx and the drawing)."""
        with self._layout_made:
            if self._layout is None:
                from heuristica.live.whole_layout import WholeLayout

                folder = self.cache_folder
                self._layout = WholeLayout(None if folder is None else folder / "layouts")
            return self._layout

    def scan(self, *, fresh: bool = False) -> Scan:
        """The folder's listing, made again once ``rescan_seconds`` have
        passed (with ``fresh``, now)."""
        now = self._clock()
        with self._lock:
            if fresh or self._scan is None or now - self._scan[0] >= self._rescan_seconds:
                self._scan = (now, scan_folder(self.root))
            return self._scan[1]

    @property
    def loaded(self) -> KnowledgeBase | None:
        """The last load, as it is (no look at the folder); None before the first."""
        return self._current

    def watch(self, then: Callable[[KnowledgeBase], None] = lambda kb: None) -> bool:
        """From now on, load the folder again as soon as it changes on disk
        (``live.watch``), not at the next ``current()``, and give each new
        load to ``then``. False if the folder cannot be watched: ``current()``
        still finds every change, at most ``rescan_seconds`` late."""
        from heuristica.live.watch import FolderWatch

        alive = weakref.ref(self)  # the watch's threads do not keep this alive

        def changed() -> None:
            base = alive()
            if base is None:
                return
            before = base._current
            loaded = base.current(base.scan(fresh=True))
            if loaded is not before:
                then(loaded)

        self.stop_watching()
        watch = self._watch = FolderWatch(self.root, changed)
        weakref.finalize(self, watch.stop)  # nor does a watch outlive it
        return watch.start()

    def stop_watching(self) -> None:
        if self._watch is not None:
            self._watch.stop()

    def is_current(self, scan: Scan | None = None) -> bool:
        """Whether the last load is the folder as ``scan`` (else a new scan) shows it."""
        scan = scan if scan is not None else self.scan()
        loaded = self._current
        return loaded is not None and loaded.fingerprint == folder_fingerprint(self.root, scan)

    def find(
        self, query: str, *, limit: int | None = 10, types: Collection[PageType] = ()
    ) -> Found:
        """What ``current().find`` finds; but until a first load is done,
        answered from the index kept in ``search_folder`` while that is the
        folder's as it is now (``live.kept_search``): a server's first
        question need not wait for the load that its start began."""
        if self._current is None and self.search_folder is not None:
            found = find_without_loading(
                self.root, query, folder=self.search_folder, limit=limit, types=types
            )
            if found is not None:
                return found
        return self.current().find(query, limit=limit, types=types)

    def answers_without_loading(self) -> bool:
        """Whether, before a first load, ``find`` would answer from the index
        kept in ``search_folder`` (``live.kept_search.kept_is_current``)."""
        folder = self.search_folder
        return self._current is None and folder is not None and kept_is_current(self.root, folder)

    def may_answer_without_loading(self) -> bool:
        """Whether, before a first load, ``find`` may answer from an index kept
        in ``search_folder``: one is kept there (a stat; whether it is the
        folder's as it is now takes a scan: ``answers_without_loading``)."""
        folder = self.search_folder
        return self._current is None and folder is not None and has_manifest(folder)

    def current(self, scan: Scan | None = None, progress: Progress | None = None) -> KnowledgeBase:
        """The folder as it is now (as ``scan``, else a scan at most
        ``rescan_seconds`` old, shows it), loaded again if it changed
        (``progress`` as for ``kb.loader.load_knowledge``)."""
        scan = scan if scan is not None else self.scan()
        others = other_versions(self.root)
        fingerprint = folder_fingerprint(self.root, scan, others)
        with self._lock:
            loaded = self._current
            if loaded is not None and loaded.fingerprint == fingerprint:
                return loaded
            reloader = self._reloader_now()
            result, graph = reloader.load(scan, demos.available(), progress)
            self._unsaved |= reloader.cache.parsed > 0
            kept = self._kept(scan, result, others)
            loaded = self._current = KnowledgeBase(self.root, result, graph, fingerprint, kept)
        if self._save_after_seconds is not None:
            self._tidy_later(self._save_after_seconds)
        return loaded

    def _kept(self, scan: Scan, result: LoadResult, others: tuple[str, ...]) -> Kept | None:
        """How the search index of ``result`` is kept: each page known by its
        file's version (``kb.files.FileKey``), as the parse cache knows it,
        and the load recorded with it (``live.kept_search`` answers from it
        while the folder stays as ``scan`` and ``others`` saw it)."""
        if self.search_folder is None:
            return None
        keys = {found.relative: found.key for found in scan.files}
        versions = {
            page_id: ",".join(map(str, keys[file]))
            for page_id, file in result.files.items()
            if file in keys
        }

        @cache  # asked when the index is written, not on every load
        def which_load() -> Loaded:
            return Loaded(lasting_fingerprint(scan, others), dict(result.files))

        return Kept(self.search_folder, versions, which_load)

    def _reloader_now(self) -> Reloader:
        """The reloader, made (and the parse results read) on the first load."""
        if self._reloader is None:
            from heuristica.kb.parsecache import ParseCache
            from heuristica.live.reload import Reloader

            path = self.cache_file
            cache = ParseCache.load(path) if path is not None else ParseCache()
            self._reloader = Reloader(self.root, cache)
        return self._reloader

    @property
    def parsed(self) -> int:
        """How many files the last load had to parse."""
        return 0 if self._reloader is None else self._reloader.cache.parsed

    def save_cache(self) -> bool:
        """Write the parse results to ``cache_file`` if a load parsed anything
        since they were last written; whether it wrote them. A failure to
        write is logged, never raised: the next start parses again."""
        with self._saving:
            with self._lock:
                reloader, unsaved, path = self._reloader, self._unsaved, self.cache_file
                self._unsaved = False
            if reloader is None or not unsaved or path is None:
                return False
            try:
                reloader.snapshot().save(path)
            except OSError as error:
                _log.warning("could not save the parse cache %s: %s", path, error)
                return False
            return True

    def tidied(self) -> Future[None] | None:
        """The save and tidy last asked for (done, or due), if any."""
        return self._tidy

    def _tidy_later(self, seconds: float) -> None:
        """In ``seconds``, in another thread: save the parse results and collect
        the garbage the loads left (``kb.gcpause.tidy``). Both hold the GIL
        for a while (10,000 pages: a 25 MB write, a full collection), and the
        reruns right after an edit come first; a tidy due and not started
        covers every load until it starts, so while someone saves page after
        page it runs at most that often."""
        with self._lock:
            if self._tidy is not None and not self._tidy.running() and not self._tidy.done():
                return
            done: Future[None] = Future()
            self._tidy = done

        def run() -> None:
            done.set_running_or_notify_cancel()
            try:
                self.save_cache()
                tidy()
                done.set_result(None)
            except BaseException as error:
                done.set_exception(error)
                raise

        timer = threading.Timer(seconds, run)
        timer.name, timer.daemon = "heuristica-tidy", True
        timer.start()
