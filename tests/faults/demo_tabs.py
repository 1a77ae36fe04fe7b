"""Demo pages as a browser holds them, at the protocol level: open the Live demo
page, fill in a run, press Run, and read what the tab says about it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from tests.e2e.streamlit_client import StreamlitClient
from tests.faults.conftest import DEADLINE_S

__all__ = ["FINISHED", "HUNG", "demo_tabs", "latest", "start_runs"]

HUNG = r"^1 of 1 workers ready"
"""What a tab shows once its run's one forked worker is up (and hung: it never finishes)."""

FINISHED = r"No process of this run is left\.$|Cleanup FAILED|^error:"
"""What a tab shows once its run is over (the verdict's last sentence)."""
STATUS = r"in line|workers ready|Redis|shared store|" + FINISHED


async def open_demo(url: str, time_limit: float) -> StreamlitClient:
    """A tab on the demo page, its form filled in for a run of one forked
    worker after the parent used Polars: it hangs, and is called stuck after
    ``time_limit`` seconds without progress."""
    tab = StreamlitClient(url, page="demo", query_string="scenario=fork-after-polars")
    await tab.connect()
    await tab.run()
    await tab.wait_for_text("demo slots in use|shared run limit", DEADLINE_S)
    for label, value in (("Workers", 1), ("Tasks", 1), ("Rows per group_by", 1000)):
        tab.set_number(label, value)
    tab.set_number("Time limit (s)", time_limit)
    return tab


@asynccontextmanager
async def demo_tabs(
    urls: Sequence[str], time_limits: Sequence[float]
) -> AsyncIterator[list[StreamlitClient]]:
    """One tab per time limit, on the servers of ``urls`` in turn, closed at the end."""
    tabs: list[StreamlitClient] = []
    try:
        for index, limit in enumerate(time_limits):
            tabs.append(await open_demo(urls[index % len(urls)], limit))
        yield tabs
    finally:
        for tab in tabs:
            await tab.close()


def latest(tab: StreamlitClient) -> str:
    """What the tab says about its run now (its latest status line)."""
    return next((text for text in reversed(tab.texts) if re.search(STATUS, text)), "")


async def start_runs(tabs: Sequence[StreamlitClient], running: int) -> None:
    """Press Run in every tab: the first ``running`` start (and hang), the rest wait in line."""
    for tab in tabs[:running]:
        await tab.click("Run")
        await tab.wait_for_text(HUNG, DEADLINE_S)
    for tab in tabs[running:]:
        await tab.click("Run")
        await tab.wait_for_text("in line", DEADLINE_S)
