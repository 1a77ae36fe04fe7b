"""A progress bar on stderr for what takes a while the first time (reading
every page file with no parse cache, indexing every page for search).

It shows only on a terminal, and only once the command has run for a second:
a warm run, a pipe, a CI log or an MCP client's stdio never see it. Our own
few lines rather than rich or tqdm: all it draws is one line, and importing
either would cost a warm ``heuristica search`` a tenth of its budget.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["AFTER_SECONDS", "STARTED", "ProgressBar", "progress_bar"]

AFTER_SECONDS = 1.0
"""How long a command runs before it shows its progress."""
_WIDTH = 30
_EVERY_SECONDS = 0.1
"""The least time between two drawings of the bar."""
STARTED = time.monotonic()
"""When the command started (the CLI imports this module as it starts)."""


class ProgressBar:
    """Told ``(done, of)``, draws ``label [#####.....] done/of`` on ``stream``
    (a terminal) once ``AFTER_SECONDS`` have passed since ``started``."""

    def __init__(
        self,
        label: str,
        started: float,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self._started = started
        self._clock = clock
        self._shown = self.stream.isatty()
        self._drawn_at: float | None = None
        self._width = 0

    def __call__(self, done: int, of: int) -> None:
        now = self._clock()
        if not self._shown or now - self._started < AFTER_SECONDS:
            return
        if self._drawn_at is not None and now - self._drawn_at < _EVERY_SECONDS:
            return
        filled = _WIDTH * done // max(of, 1)
        line = f"{self.label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {done:,}/{of:,}"
        self.stream.write(f"\r{line.ljust(self._width)}")
        self.stream.flush()
        self._drawn_at, self._width = now, max(self._width, len(line))

    def close(self) -> None:
        """Clear the bar's line, if it was drawn."""
        if self._drawn_at is not None:
            self.stream.write(f"\r{' ' * self._width}\r")
            self.stream.flush()
            self._drawn_at = None


@contextmanager
def progress_bar(label: str) -> Iterator[ProgressBar]:
    """A ``ProgressBar`` on stderr for the block, its line cleared after it."""
    bar = ProgressBar(label, STARTED)
    try:
        yield bar
    finally:
        bar.close()
