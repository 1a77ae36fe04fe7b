"""What a presenter's move costs each follower, at the protocol level: the
room wakes the follower's step fragment, and only that fragment runs.

The follower's page used to be woken through a tiny fragment that called
``st.rerun(scope="app")``, so every follower ran the app script, its sidebar
and the whole tour page for every step (with Streamlit's gc.collect after
each run, 0.25-0.5 s of server CPU per follower; bench/bench_room.py). Now
the step view is the fragment the room wakes. A follower who leaves the
room gets the whole page again, since its header and buttons change.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs

from tests.e2e.streamlit_client import StreamlitClient
from tests.e2e.test_tour_live import CODE

TOUR = "first-steps"
DEADLINE_S = 60.0


@dataclass
class Seen:
    full_runs_while_following: int
    fragment_runs_while_following: int
    steps_shown: list[int]
    url: str
    code: str
    full_runs_after_leaving: int
    reader_buttons_after_leaving: bool


async def _follow_two_steps_then_leave(app_url: str) -> Seen:
    presenter = StreamlitClient(app_url, page="tour", query_string=f"tour={TOUR}&step=1")
    follower: StreamlitClient | None = None
    try:
        await presenter.connect()
        await presenter.run()
        await presenter.wait_for_text(r"^Step 1 of 5$", DEADLINE_S)
        await presenter.click("Present")
        code = await presenter.wait_for_text(CODE, DEADLINE_S)
        follower = StreamlitClient(app_url, page="tour", query_string=f"follow={code}")
        await follower.connect()
        await follower.run()
        await follower.wait_for_text(f"Following session `{code}` live", DEADLINE_S)
        await follower.wait_for_runs(1, DEADLINE_S)
        full, fragments = follower.full_runs_started, follower.fragment_runs_started
        shown = []
        for step in (2, 3):
            await presenter.click("Next")
            text = await follower.wait_for_text(rf"^Step {step} of 5$", DEADLINE_S)
            shown.append(int(text.split()[1]))
        await asyncio.sleep(1.0)  # a stray whole-page run would have started by now
        seen_full = follower.full_runs_started - full
        seen_fragments = follower.fragment_runs_started - fragments
        url = follower.query_string
        before_leaving = follower.full_runs_started
        await follower.click("Stop following")
        await follower.wait_for_text(r"^\*\*Audience:\*\*", DEADLINE_S)
        # The reader's buttons come after that text in the same run (once, CI
        # looked for them before the run had drawn them).
        present = await follower.wait_for_widget("Present", DEADLINE_S)
        return Seen(
            seen_full,
            seen_fragments,
            shown,
            url,
            code,
            follower.full_runs_started - before_leaving,
            present.label == "Present",
        )
    finally:
        for client in (presenter, follower):
            if client is not None:
                await client.close()


def test_a_woken_follower_redraws_its_step_without_running_the_whole_page(app_url):
    # its own thread: Playwright's synchronous API keeps an event loop in this one
    with ThreadPoolExecutor(1) as thread:
        seen = thread.submit(asyncio.run, _follow_two_steps_then_leave(app_url)).result()
    assert seen.steps_shown == [2, 3]
    assert seen.full_runs_while_following == 0
    assert seen.fragment_runs_while_following >= 2
    assert parse_qs(seen.url) == {"tour": [TOUR], "step": ["3"], "follow": [seen.code]}
    # leaving the room changes the header: the whole page runs again
    assert seen.full_runs_after_leaving >= 1
    assert seen.reader_buttons_after_leaving
