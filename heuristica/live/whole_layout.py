"""The whole graph's layout, made once per shape of the graph in another
process, so that "Whole graph" finds it ready and the server's own core stays
free meanwhile.

``WholeLayout`` keeps one job: the latest graph asked about. A job names its
layout file by the graph's shape (``KnowledgeGraph.shape``: pages and links,
not their text), so a restarted server or an edit that moves no link reuses
the file; unless it exists, the layout runs in a process of its own
(``python -m heuristica.draw.layout`` under ``processes.runner``: a
fresh interpreter with its guard, never a fork of a threaded server, and
none left behind if this server goes), and meanwhile this process makes the
text of every page's node
(``draw.drawing.prepare_whole_drawing``); once laid out, the whole graph's
nodes at their places are made too (``draw.drawing.prepare_whole_nodes``),
so "Whole graph" only sends them. A job asked for ahead of need waits
``wait_before`` seconds first (naming the file hashes every link: 10,000
pages, 0.1-0.2 s of the GIL; the run that asked comes first), unless the
layout is wanted now or asked to start now (``prepare(now=True)``: the app
does once a reader's browser has drawn its first view, and when an edit is
loaded). A newer graph replaces the job, and a replaced job that no one
waits for gives up, its process stopped if it had one.

Layout files live in a folder of this knowledge base's own (the app's cache
folder, ``kb.parsecache.cache_folder``), never shared with a server of
another knowledge base; without one (or if that folder cannot be made), in a
temporary folder of this process.
A new shape is laid out from the newest layout there (``draw.layout``'s
PREVIOUS), so after an edit that changes links the pages keep their
places; the newest ``KEEP`` files are kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass, field
from pathlib import Path

from heuristica.draw.drawing import Position, prepare_whole_drawing, prepare_whole_nodes
from heuristica.draw.layout_file import read_layout, spaced, write_request
from heuristica.draw.render import prepare_drawing_json
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.processes.runner import run_module

__all__ = ["KEEP", "LAYOUT_SECONDS", "Positions", "WholeLayout"]

_log = logging.getLogger(__name__)
Positions = dict[str, Position]
KEEP = 4
"""Layout files kept per knowledge base: the newest, so that undoing an edit
finds its layout again."""
LAYOUT_SECONDS = 300.0
"""The longest a layout may take before its process is stopped (10,000
pages take about a second)."""


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
    """Positions of every page of the latest graph asked about, as drawn
    (``draw.layout_file.spaced``: the layout file's, spread apart if the pages
    are packed)."""

    def __init__(self, folder: Path | None = None, *, wait_before: float = 3.0) -> None:
        self.folder = self._own_folder() if folder is None else folder
        self.wait_before = wait_before
        self._lock = threading.Lock()
        self._job: _Job | None = None

    def prepare(self, kg: KnowledgeGraph, fingerprint: str, *, now: bool = False) -> None:
        """Start laying out ``kg`` (``fingerprint`` names this version of it)
        after ``wait_before`` seconds, or at once with ``now`` (a browser has
        drawn its first view, or an edit was loaded: nothing more urgent waits),
        unless it is already under way or done."""
        job = self._job_for(kg, fingerprint)
        if now:
            job.hurry.set()

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
                # A daemon thread: a process that exits does not wait for a
                # layout asked for ahead of need (its process ends with it).
                threading.Thread(
                    target=self._run, args=(job, kg), name="heuristica-layout", daemon=True
                ).start()
            return job

    def _run(self, job: _Job, kg: KnowledgeGraph) -> None:
        if not job.future.set_running_or_notify_cancel():
            return
        try:
            job.hurry.wait(self.wait_before)
            if job.replaced and not job.wanted:
                raise CancelledError("a newer graph was asked about")
            positions = self._lay_out(kg, lambda: job.replaced and not job.wanted)
            # What drawing the whole graph at these positions takes (its nodes
            # and their JSON), made now too: "Whole graph" then only sends it.
            prepare_drawing_json(*prepare_whole_nodes(kg, positions))
            job.future.set_result(positions)
        except BaseException as error:
            job.future.set_exception(error)

    def _lay_out(self, kg: KnowledgeGraph, given_up: Callable[[], bool]) -> Positions:
        """The positions of ``kg``'s pages: from the file of its shape, else
        laid out in a process of its own, stopped if ``given_up()`` turns true
        (the job was replaced and no one waits for it)."""
        stored = self.folder / f"{kg.shape}.json"
        positions = read_layout(stored)
        if positions is not None and positions.keys() == set(kg.nx):
            with contextlib.suppress(OSError):  # newest first in _layouts; read-only is fine
                stored.touch()
            prepare_whole_drawing(kg)
            return spaced(positions)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _log.warning(
                "layouts kept in a temporary folder: %s cannot be made: %s", stored.parent, error
            )
            self.folder = self._own_folder()
            stored = self.folder / stored.name
        previous = self._newest()
        request = self.folder / f"{kg.shape}.request-{os.getpid()}-{threading.get_ident()}"
        edges = sorted((a, b) for a, b, _ in kg.nx.edges(keys=True))
        write_request(sorted(kg.nx), edges, request)
        drawing = threading.Thread(target=prepare_whole_drawing, args=(kg,), daemon=True)
        drawing.start()
        try:
            args = [str(request), str(stored), *([] if previous is None else [str(previous)])]
            outcome = run_module("heuristica.draw.layout", args, LAYOUT_SECONDS, cancelled=given_up)
        finally:
            request.unlink(missing_ok=True)
            drawing.join()
        positions = read_layout(stored)
        if given_up():
            raise CancelledError("a newer graph was asked about")
        if outcome.status != "ok" or positions is None:
            raise RuntimeError(f"the whole graph could not be laid out: {outcome.message}")
        self._forget_old()
        return spaced(positions)

    def _own_folder(self) -> Path:
        """A temporary folder of this process, removed with this object."""
        own = tempfile.TemporaryDirectory(prefix="heuristica-layouts-")
        weakref.finalize(self, own.cleanup)
        return Path(own.name)

    def _layouts(self) -> list[Path]:
        """The layout files in the folder, newest first."""
        found = []
        for path in self.folder.glob("*.json"):
            try:
                found.append((path.stat().st_mtime_ns, path))
            except OSError:
                continue  # removed meanwhile
        return [path for _, path in sorted(found, reverse=True)]

    def _newest(self) -> Path | None:
        layouts = self._layouts()
        return layouts[0] if layouts else None

    def _forget_old(self) -> None:
        for path in self._layouts()[KEEP:]:
            path.unlink(missing_ok=True)
