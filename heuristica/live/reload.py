"""Loading one knowledge folder again and again (the app's and the MCP
server's way), doing only the work that what changed on disk needs.

Each load gives exactly what a load from scratch gives (pages, tours,
Problems, the graph; tests/test_incremental.py compares them after random
edits), but:
- only the files whose version changed are parsed (``kb.parsecache``);
- only the pages whose file changed, or that link to a page added, removed
  or of another type, are checked across pages again (``kb.crosspage``);
- a page that is the same object as last time keeps its verification
  warnings (``checks.record.VerificationMemo``);
- the graph is made from the last one (``KnowledgeGraph.updated``): only the
  pages that changed, and those they link to or from, get new nodes and links.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection
from pathlib import Path

from heuristica.checks.record import VerificationMemo, with_verification_problems
from heuristica.kb.crosspage import AcrossMemo
from heuristica.kb.files import Scan
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.parsecache import ParseCache

__all__ = ["Reloader"]


class Reloader:
    """The folder ``root``, loaded on demand; safe to share between threads
    (one load at a time). What a load builds is set aside from the cyclic
    collector (``kb.gcpause``): a long-running caller tidies now and then."""

    def __init__(self, root: Path, cache: ParseCache | None = None) -> None:
        self.root = root
        self.cache = cache if cache is not None else ParseCache()
        self._across = AcrossMemo()
        self._verification = VerificationMemo()
        self._graph: KnowledgeGraph | None = None
        self._lock = threading.Lock()

    def load(
        self,
        scan: Scan | None = None,
        demos: Collection[str] | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[LoadResult, KnowledgeGraph]:
        """The folder as it is now (``scan``: a listing of it just made), with
        its verification warnings, and its graph. ``demos`` and ``progress``
        as for ``load_knowledge``."""
        with self._lock, paused_gc(set_aside_after=True):
            result = load_knowledge(
                self.root,
                demos,
                cache=self.cache,
                scan=scan,
                across=self._across,
                progress=progress,
            )
            result = with_verification_problems(result, self._verification)
            last = self._graph
            graph = KnowledgeGraph(result.pages) if last is None else last.updated(result.pages)
            self._graph = graph
            return result, graph

    def snapshot(self) -> ParseCache:
        """A copy of the parse results as the last load left them (to save
        while the next load goes on)."""
        with self._lock:
            return self.cache.copy()
