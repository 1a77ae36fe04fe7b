"""Server-side timestamps for bench_browser's first-load timeline.

A server started with this folder on ``PYTHONPATH`` and
``HEURISTICA_BENCH_TIMELINE=FILE`` imports this module as the interpreter
starts (Python imports ``sitecustomize`` by itself) and appends one JSON line
``[event, time.time()]`` to FILE at each step of its start: the interpreter
up, Streamlit imported, uvicorn started, the knowledge base loaded, the first
script run, the graph component called. Functions are wrapped by name as
their modules are imported, and a name a version lacks is skipped, so the
same probe times this checkout and an earlier one. Without the variable it
does nothing.
"""

from __future__ import annotations

import functools
import importlib.abc
import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

_FILE = os.environ.get("HEURISTICA_BENCH_TIMELINE", "")
_lock = threading.Lock()
_seen: set[str] = set()


def mark(event: str) -> None:
    with _lock, open(_FILE, "a", encoding="utf-8") as out:
        out.write(json.dumps([event, time.time()]) + "\n")


def first_call(owner: object, name: str, event: str) -> None:
    """Mark the start and end of the first call of ``owner.name``."""
    original = getattr(owner, name, None)
    if original is None:
        return

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            first = event not in _seen
            _seen.add(event)
        if not first:
            return original(*args, **kwargs)
        mark(f"{event} (start)")
        try:
            return original(*args, **kwargs)
        finally:
            mark(f"{event} (end)")

    setattr(owner, name, timed)


def _class(module: ModuleType, name: str) -> object:
    return getattr(module, name, None)


WRAPPED: dict[str, Callable[[ModuleType], None]] = {
    "streamlit": lambda m: mark("streamlit imported"),
    "streamlit.web.server.starlette.starlette_server": lambda m: first_call(
        _class(m, "UvicornRunner"), "run", "uvicorn"
    ),
    "heuristica.demos.runs": lambda m: first_call(m, "on_server_start", "old runs ended"),
    "heuristica.ui.knowledge_base": lambda m: first_call(m, "warm_up", "warm-up"),
    "heuristica.live.knowledge_base": lambda m: first_call(
        _class(m, "LiveKnowledgeBase"), "_reloader_now", "parse cache read"
    ),
    "heuristica.live.reload": lambda m: first_call(_class(m, "Reloader"), "load", "load"),
    "streamlit.runtime.scriptrunner.script_runner": lambda m: first_call(
        _class(m, "ScriptRunner"), "_run_script", "first script run"
    ),
    "heuristica.ui.graph_component": lambda m: first_call(
        m, "graph_explorer", "graph component called"
    ),
}


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps what ``WRAPPED`` names once its module has run."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if name not in WRAPPED:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        loader = None if spec is None else spec.loader
        if loader is None:
            return spec
        run = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            run(module)
            WRAPPED[name](module)

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


if _FILE:
    mark("interpreter up")
    sys.meta_path.insert(0, _Finder())
