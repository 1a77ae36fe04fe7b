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

One route of its own: a POST to ``<app>/_heuristica/drawn`` says a browser
has drawn its first view of the graph, and the server then lays out and
draws the whole graph (``ui.knowledge_base.prepare_whole_graph``), which it
held back until then so as not to slow that first view. It answers 204 and
does nothing more (the work is done once per version of the knowledge base).
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit import config

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


async def _drawn(_request: Request) -> Response:
    from heuristica.ui.knowledge_base import prepare_whole_graph

    await asyncio.to_thread(prepare_whole_graph)
    return Response(status_code=204)


def _route(path: str) -> str:
    """``path`` under the app's own (``server.baseUrlPath``)."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/{path}" if base else f"/{path}"


DRAWN = "_heuristica/drawn"
app = st.App(SCRIPT, lifespan=_lifespan, routes=[Route(_route(DRAWN), _drawn, methods=["POST"])])
