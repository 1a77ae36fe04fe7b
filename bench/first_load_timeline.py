"""Where a first load's seconds go, from the server's process start to the
default view drawn: bench_browser's timeline.

The server's side comes from ``timeline_probe`` (its ``sitecustomize`` marks
each step of the start in a file); the browser's from its own clocks: the
page's navigation timing, the Streamlit websocket opened and its first
message, and in the graph's frame its creation (``performance.timeOrigin``),
the drawing's arrival (its first message) and first contentful paint. Every
mark is wall-clock time, shown as seconds since the process started.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
from playwright.sync_api import Frame, Page, WebSocket

__all__ = ["BROWSER_MARKS", "EVENTS_FILE", "browser_marks", "probe_env", "server_marks"]

PROBE = Path(__file__).resolve().parent / "timeline_probe"
FIRST_MESSAGE = "first websocket message"
EVENTS_FILE = "timeline.jsonl"
"""Beside the server's log."""
BROWSER_MARKS = """
window.__heuristicaMarks = {};
addEventListener("message", () => {
  window.__heuristicaMarks.message ??= performance.timeOrigin + performance.now();
}, true);
"""
"""Run in every frame before its own scripts (``Page.add_init_script``)."""
_FRAME = """() => [
  performance.timeOrigin,
  window.__heuristicaMarks ? window.__heuristicaMarks.message : null,
  (performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime,
]"""
_PAGE = """() => [
  performance.timing.responseEnd,
  performance.timing.domContentLoadedEventEnd,
  performance.timeOrigin + ((performance.getEntriesByName("first-contentful-paint")[0]
                             || {}).startTime || NaN),
]"""


def probe_env(events: Path) -> dict[str, str]:
    """What a server's environment needs for ``timeline_probe`` to mark its start in ``events``."""
    paths = [str(PROBE), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(paths), "HEURISTICA_BENCH_TIMELINE": str(events)}


def server_marks(events: Path) -> dict[str, float]:
    """The probe's marks (wall-clock seconds), by event: the first of each
    (the processes the server starts, e.g. its layout's, mark theirs too)."""
    if not events.exists():
        return {}
    marks: dict[str, float] = {}
    for line in events.read_text(encoding="utf-8").splitlines():
        event, at = json.loads(line)
        marks.setdefault(str(event), float(at))
    return marks


@contextmanager
def websocket_marks(page: Page) -> Iterator[dict[str, float]]:
    """While inside: when the page's first websocket opened and first got a message."""
    marks: dict[str, float] = {}

    def opened(socket: WebSocket) -> None:
        marks.setdefault("websocket opened", time.time())
        socket.on("framereceived", lambda _: marks.setdefault(FIRST_MESSAGE, time.time()))

    page.on("websocket", opened)
    try:
        yield marks
    finally:
        page.remove_listener("websocket", opened)


def browser_marks(page: Page, frame: Frame) -> dict[str, float]:
    """The page's and the graph frame's own timings (wall-clock seconds)."""
    response, dom, paint = page.evaluate(_PAGE)
    created, message, frame_paint = frame.evaluate(_FRAME)
    marks = {
        "page: HTML received": response / 1000,
        "page: scripts run (DOMContentLoaded)": dom / 1000,
        "page: first contentful paint": paint / 1000,
        "graph frame created": created / 1000,
    }
    if message:
        marks["graph frame: drawing received"] = message / 1000
    if frame_paint is not None:
        marks["graph frame: first contentful paint"] = (created + frame_paint) / 1000
    return {name: at for name, at in marks.items() if at == at}  # NaN: no paint yet


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process ``pid`` so far."""
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system
