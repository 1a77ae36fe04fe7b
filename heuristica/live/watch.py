"""Noticing a change to a knowledge folder as it happens, so that a server
loads it again (and prepares what its readers will ask for) before the next
reader's run, instead of finding the change in that run.

``FolderWatch`` watches a folder and everything below it with watchdog
(Linux's inotify and its kin on other systems; Streamlit itself depends on
watchdog) and calls ``on_change()`` in a thread of its own once the folder
has been quiet for ``settle`` seconds: a save that writes a file and renames
it, or a ``git checkout`` of a hundred files, is one call. Opening and reading
a file is not a change (a load reads every file it parses). ``on_change``
must decide for itself whether anything that matters changed: a call is a
reason to look, not a promise.

A folder that cannot be watched (gone, or the system's limit of watches
reached) is logged and left to the caller's own polling.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

__all__ = ["SETTLE_SECONDS", "FolderWatch"]

SETTLE_SECONDS = 0.2
"""How long the folder must be quiet before ``on_change`` runs."""
_CHANGES = frozenset(
    {
        EVENT_TYPE_CREATED,
        EVENT_TYPE_DELETED,
        EVENT_TYPE_MODIFIED,
        EVENT_TYPE_MOVED,
        EVENT_TYPE_CLOSED,
    }
)
"""What changes a folder ("closed": a file written and closed); not
"opened" or "closed_no_write", which reading a file gives."""
_log = logging.getLogger(__name__)


class _Changed(FileSystemEventHandler):
    def __init__(self, changed: threading.Event) -> None:
        self._changed = changed

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _CHANGES:
            self._changed.set()


class FolderWatch:
    """Calls ``on_change()`` once ``root`` (or anything below it) changed and
    then stayed quiet for ``settle`` seconds, until ``stop()``."""

    def __init__(
        self, root: Path, on_change: Callable[[], None], *, settle: float = SETTLE_SECONDS
    ) -> None:
        self.root = root
        self._on_change = on_change
        self._settle = settle
        self._changed = threading.Event()
        self._stopped = threading.Event()
        self._observer: Observer | None = None  # type: ignore[valid-type]

    def start(self) -> bool:
        """Watch from now on; False (with a warning logged) if the folder
        cannot be watched."""
        observer = Observer()
        observer.daemon = True
        try:
            observer.schedule(_Changed(self._changed), str(self.root), recursive=True)
            observer.start()
        except OSError as error:
            _log.warning(
                "%s is not watched for changes (it is looked at again on each "
                "reader's run instead): %s",
                self.root,
                error,
            )
            return False
        self._observer = observer
        threading.Thread(target=self._run, name="heuristica-watch", daemon=True).start()
        return True

    def stop(self) -> None:
        self._stopped.set()
        self._changed.set()
        if self._observer is not None:
            self._observer.stop()

    def _run(self) -> None:
        while True:
            self._changed.wait()
            while not self._stopped.is_set():
                self._changed.clear()
                if not self._changed.wait(self._settle):
                    break  # quiet for `settle` seconds
            if self._stopped.is_set():
                return
            try:
                self._on_change()
            except Exception:
                _log.exception("could not take in a change to %s", self.root)
