"""Heuristica: `streamlit run app.py`.

Streamlit serves ``shell.py`` (navigation and sidebar; each page is a script
in ``pages/``) to every browser session. This file starts the server: before
it takes its first request it loads the knowledge base
(``ui.knowledge_base.warm_up``), so the first reader after a server start does
not wait for 10,000 pages to load.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

SCRIPT = Path(__file__).resolve().parent / "shell.py"


@asynccontextmanager
async def _warmed(_app: object) -> AsyncIterator[None]:
    from heuristica.ui.knowledge_base import warm_up

    await asyncio.to_thread(warm_up)
    yield


app = st.App(SCRIPT, lifespan=_warmed)
