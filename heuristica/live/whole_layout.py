"""The whole graph's layout, made once per shape of the graph in another
process, so that "Whole graph" finds it ready and the server's own core stays
free meanwhile.

``WholeLayout`` keeps one job: the latest graph asked about. A job names its
layout file by the graph's shape (``KnowledgeGraph.shape``: pages and links,
not their text), so a restarted server or an edit that moves no link reuses
the file; unless it exists, the layout (``draw.layout.write_layout``) runs in
a process started with spawn (never a fork of a threaded server), and
meanwhile this process makes the text of every page's node
(``draw.drawing.prepare_whole_drawing``). A job asked for ahead of need
waits ``wait_before`` seconds first (naming the file hashes every link:
10,000 pages, 0.1-0.2 s of the GIL; the run that asked comes first), unless
the layout is wanted now. A newer graph replaces the job, and a replaced job
that no one waits for gives up.
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
import threading
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from heuristica.draw.drawing import Position, prepare_whole_drawing
from heuristica.kb.knowledge import KnowledgeGraph

__all__ = ["LAYOUT_CACHE_DIR", "Positions", "WholeLayout"]

LAYOUT_CACHE_DIR = Path(tempfile.gettempdir()) / "heuristica-layouts"
Positions = dict[str, Position]


@dataclass(eq=False)
class _Job:
    fingerprint: str
    future: Future[Positions]
    hurry: threading.Event = field(default_factory=threading.Event)
    """Set when the layout is wanted now (or the job was replaced)."""
    wanted: bool = False
    """Someone waits for it: it runs even once replaced."""
    replaced: bool = False


class WholeLayout:
    """Positions of every page of the latest graph asked about."""

    def __init__(self, folder: Path | None = None, *, wait_before: float = 3.0) -> None:
        self.folder = folder if folder is not None else LAYOUT_CACHE_DIR
        self.wait_before = wait_before
        self._lock = threading.Lock()
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="heuristica-layout")
        self._job: _Job | None = None

    def prepare(self, kg: KnowledgeGraph, fingerprint: str) -> None:
        """Start laying out ``kg`` (``fingerprint`` names this version of it)
        after ``wait_before`` seconds, unless it is already under way or done."""
        self._job_for(kg, fingerprint)

    def ready(self, fingerprint: str) -> bool:
        """Whether the layout of that version is done."""
        job = self._job
        return job is not None and job.fingerprint == fingerprint and job.future.done()

    def positions(self, kg: KnowledgeGraph, fingerprint: str) -> Positions:
        """Every page's position, laid out now if it is not yet (waiting for it)."""
        while True:
            job = self._job_for(kg, fingerprint)
            job.wanted = True
            job.hurry.set()
            try:
                return job.future.result()
            except CancelledError:
                continue  # replaced just before it was wanted: ask again

    def _job_for(self, kg: KnowledgeGraph, fingerprint: str) -> _Job:
        with self._lock:
            job = self._job
            if job is None or job.fingerprint != fingerprint:
                if job is not None:
                    job.replaced = True
                    job.hurry.set()
                job = self._job = _Job(fingerprint, Future())
                self._threads.submit(self._run, job, kg)
            return job

    def _run(self, job: _Job, kg: KnowledgeGraph) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            job.hurry.wait(self.wait_before)
            if job.replaced and not job.wanted:
                raise CancelledError("a newer graph was asked about")
            job.future.set_result(self._lay_out(kg))
        except BaseException as error:
            job.future.set_exception(error)

    def _lay_out(self, kg: KnowledgeGraph) -> Positions:
        # The layout needs numpy (heuristica[app]); the command line, which
        # holds a live knowledge base too, never lays out.
        from heuristica.draw.layout import write_layout

        stored = self.folder / f"{kg.shape}.json"
        if stored.exists():
            prepare_whole_drawing(kg)
        else:
            self.folder.mkdir(parents=True, exist_ok=True)
            nodes = sorted(kg.nx)
            edges = sorted((a, b) for a, b, _ in kg.nx.edges(keys=True))
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as process:
                laid_out = process.submit(write_layout, nodes, edges, stored)
                prepare_whole_drawing(kg)
                laid_out.result()
        return {k: (v[0], v[1]) for k, v in json.loads(stored.read_text("utf-8")).items()}
