"""The lost click, at the protocol level: a click, then a request that left
the browser before the new URL arrived and so carries the old step. The page
must stay where the click took it.

A browser sent such a request whenever its poll or heartbeat timer fired
between a click and the arrival of the URL the click's run wrote; under load
that window is seconds wide, and requests are handled in order, so the stale
one runs after the click's. The page took its position from the URL of every
request and went back: the click's callback had run, its move was undone.
This test failed at every step before the position moved to the session state.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

from tests.e2e.streamlit_client import StreamlitClient

TOUR = "first-steps"
DEADLINE_S = 60.0


async def _click_then_stale_request(app_url: str) -> list[int]:
    client = StreamlitClient(app_url, page="tour", query_string=f"tour={TOUR}&step=1")
    await client.connect()
    try:
        await client.run()
        await client.wait_for_text(r"^Step 1 of 5$", DEADLINE_S)
        shown = []
        for _ in range(3):
            stale = client.query_string
            finished = client.runs_finished
            await client.click("Next")
            await client.wait_for_runs(finished + 1, DEADLINE_S)
            client.query_string = stale  # a request that left before the new URL arrived
            await client.run()
            await client.wait_for_runs(finished + 2, DEADLINE_S)
            texts = [t for t in client.texts if re.match(r"^Step \d of 5$", t)]
            shown.append(int(texts[-1].split()[1]))
        return shown
    finally:
        await client.close()


def test_a_request_with_the_old_url_after_a_click_does_not_undo_the_click(app_url):
    # its own thread: Playwright's synchronous API keeps an event loop in this one
    with ThreadPoolExecutor(1) as thread:
        shown = thread.submit(asyncio.run, _click_then_stale_request(app_url)).result()
    assert shown == [2, 3, 4]
