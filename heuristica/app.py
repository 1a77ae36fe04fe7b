"""Heuristica: `streamlit run app.py`.

Streamlit serves ``shell.py`` (navigation and sidebar; each page is a script
in ``pages/``) to every browser session. This file starts the server: before
it takes its first request it ends the demo runs a dead server left on this
machine and loads the knowledge base (``ui.knowledge_base.warm_up``), so the
first reader after a server start does not wait for 10,000 pages to load;
as it starts answering, it imports what the first view needs in the
background, while a browser opened at once loads Streamlit's own scripts
(``import_for_first_view``), and a few seconds later what a verification
grid needs (``import_for_grids``).
When it stops (SIGTERM, Ctrl-C) it ends its own runs first: uvicorn, which
serves ``st.App``, re-raises the signal once it has shut down, so nothing
registered with ``atexit`` would run.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

SCRIPT = Path(__file__).resolve().parent / "shell.py"


def _say(lines: list[str]) -> None:
    for line in lines:
        print(f"  Heuristica: {line}", flush=True)


@asynccontextmanager
async def _lifespan(_app: object) -> AsyncIterator[None]:
    from heuristica.demos.runs import on_server_start, on_server_stop
    from heuristica.ui.knowledge_base import import_for_first_view, import_for_grids, warm_up

    _say(await asyncio.to_thread(on_server_start))
    await asyncio.to_thread(warm_up)
    import_for_first_view()
    import_for_grids()
    try:
        yield
    finally:
        _say(await asyncio.to_thread(on_server_stop))


app = st.App(SCRIPT, lifespan=_lifespan)
