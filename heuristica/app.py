"""Heuristica: `streamlit run app.py`.

Streamlit serves ``shell.py`` (navigation and sidebar; each page is a script
in ``pages/``) to every browser session. This file starts the server: before
it takes its first request it ends the demo runs a dead server left on this
machine; as it starts answering, it loads the knowledge base and imports
what the first view needs, in a thread (``ui.knowledge_base.warm_up``), so
the first reader after a server start waits for neither: a browser that
opens the app then spends about a second on Streamlit's own scripts, on
another core, and its first run waits only for what is left of that load
(never a second load). A few seconds later it imports what a verification
grid needs in the background (``import_for_grids``).
When it stops (SIGTERM, Ctrl-C) it ends its own runs first: uvicorn, which
serves ``st.App``, re-raises the signal once it has shut down, so nothing
registered with ``atexit`` would run.
"""

import asyncio
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

SCRIPT = Path(__file__).resolve().parent / "shell.py"


def _say(lines: list[str]) -> None:
    for line in lines:
        print(f"  Heuristica: {line}", flush=True)


def _warm_up() -> None:
    # Imported here: the app's own modules are a second of the start, spent
    # while the browser loads Streamlit's scripts rather than before.
    from heuristica.ui.knowledge_base import import_for_grids, warm_up

    warm_up()
    import_for_grids()


@asynccontextmanager
async def _lifespan(_app: object) -> AsyncIterator[None]:
    from heuristica.demos.runs import on_server_start, on_server_stop

    _say(await asyncio.to_thread(on_server_start))
    threading.Thread(target=_warm_up, name="heuristica-warm-up", daemon=True).start()
    try:
        yield
    finally:
        _say(await asyncio.to_thread(on_server_stop))


app = st.App(SCRIPT, lifespan=_lifespan)
