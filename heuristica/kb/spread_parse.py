"""Parsing many page files on two cores: a forked child parses a share and
hands its results back as parse-cache lines (``kb.parsecache.result_line``),
which this process reads back (every page validated again by the page
models) once it has parsed the rest itself.

A command that parses thousands of files at once (``heuristica diff`` with
nothing cached: 10,050 files) otherwise keeps one core busy and the other
idle. A fork costs no imports (the child has every module already); what the
child's share costs is writing its results and reading them back, about a
quarter of parsing them, so the child takes a little less than half.

Only where a fork is safe and worth it:
- on a system with ``os.fork``, with two cores or more this process may run on;
- in a process with one thread (a fork copies only the calling thread: a lock
  another thread held, the logging module's or a stream's, would stay held in
  the child). The app's server has threads and never spreads;
- for ``SPREAD_AT`` files or more.

The child dies with this process (Linux's ``PR_SET_PDEATHSIG``), writes to
an unnamed temporary file (nothing is left on disk if either is killed) and
leaves with ``os._exit`` (none of this process's clean-up or buffered output
runs twice). Whatever goes wrong with it (it is killed, fails, or writes what
does not read back), its share is parsed here: the results are always those
of one process.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import IO

from heuristica.kb.files import FileKey
from heuristica.kb.parsecache import ParsedFile, result_line, results_of

__all__ = ["SPREAD_AT", "Item", "may_spread", "parse_all"]

SPREAD_AT = 2_000
"""Below this many files the fork and the hand-back cost more than they save."""
CHILD_SHARE = 0.42
"""The child's share of the files: parsing here n files costs about what the
child's share costs it plus reading its results back."""
_PR_SET_PDEATHSIG = 1

Item = tuple[str, FileKey, bytes]
"""A file to parse: its path relative to the knowledge folder, its version, its bytes."""
Parse = Callable[[bytes, str], ParsedFile]

_log = logging.getLogger(__name__)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _threads() -> int:
    """Threads of this process, native ones included where the system says."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def may_spread(count: int) -> bool:
    """Whether ``count`` files would be parsed in two processes here."""
    return count >= SPREAD_AT and hasattr(os, "fork") and _cores() >= 2 and _threads() == 1


def parse_all(items: Sequence[Item], parse: Parse, *, spread: bool) -> list[ParsedFile]:
    """Each item parsed by ``parse``, in order; in two processes when
    ``spread`` is asked for and ``may_spread`` allows it."""
    if not (spread and may_spread(len(items))):
        return [parse(data, relative) for relative, _, data in items]
    cut = int(len(items) * CHILD_SHARE)
    theirs, mine = items[:cut], items[cut:]
    with tempfile.TemporaryFile() as out:
        parent = os.getpid()
        try:
            child = os.fork()
        except OSError as error:  # no memory or processes left for a second one
            _log.warning("parsing in one process: no second one could start (%s)", error)
            return [parse(data, relative) for relative, _, data in items]
        if child == 0:  # pragma: no cover - the child: measured by its results
            code = 1
            try:
                _die_with(parent)
                _write_results(theirs, parse, out)
                code = 0
            finally:
                os._exit(code)
        done = False
        try:
            parsed = [parse(data, relative) for relative, _, data in mine]
            _, status = os.waitpid(child, 0)
            done = True
            handed = _read_results(theirs, out) if status == 0 else None
        finally:
            if not done:
                with contextlib.suppress(ProcessLookupError, ChildProcessError):
                    os.kill(child, signal.SIGKILL)
                    os.waitpid(child, 0)
    if handed is None:
        _log.warning("the second parse process failed (status %s): its share parsed here", status)
        handed = [parse(data, relative) for relative, _, data in theirs]
    return handed + parsed


def _die_with(parent: int) -> None:
    """This child is killed when its parent ends (Linux); it ends now if the
    parent already has."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def _write_results(items: Sequence[Item], parse: Parse, out: IO[bytes]) -> None:
    for relative, key, data in items:
        out.write(result_line(relative, key, parse(data, relative)) + b"\n")
    out.flush()


def _read_results(items: Sequence[Item], out: IO[bytes]) -> list[ParsedFile] | None:
    """The child's results for ``items``, in order; None unless it wrote exactly those."""
    out.seek(0)
    lines = out.read().split(b"\n")
    if lines.pop() != b"" or len(lines) != len(items):
        return None
    try:
        results = results_of(lines)
    except Exception:  # anything it wrote that does not read back: parse here
        _log.exception("reading the parse's second process's results")
        return None
    if [(relative, key) for relative, key, _, _ in results] != [(r, k) for r, k, _ in items]:
        return None
    return [parsed for _, _, parsed, _ in results]
