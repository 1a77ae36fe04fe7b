"""A flood of guessed session codes from one address: a script that opens a
fresh browser session (a new websocket) for every guess, on both app servers
in turn, gets no more guesses than one browser, and not the live code either."""

from __future__ import annotations

import random
import re

import pytest

from heuristica.tours.sessions import draw_code
from tests.e2e.streamlit_client import StreamlitClient
from tests.e2e.test_tour_live import CODE
from tests.faults.conftest import DEADLINE_S, Pair, run_async
from tests.redis_server import RedisServer

pytestmark = pytest.mark.faults

GUESSES = 16
ANSWER = r"no live session|Too many codes|Following session"


async def guess(url: str, code: str) -> str:
    """Open the join link for ``code`` in a fresh browser session; what it says."""
    tab = StreamlitClient(url, page="tour", query_string=f"follow={code}")
    await tab.connect()
    try:
        await tab.run()
        return await tab.wait_for_text(ANSWER, DEADLINE_S)
    finally:
        await tab.close()


async def present(url: str) -> tuple[StreamlitClient, str]:
    presenter = StreamlitClient(url, page="tour", query_string="tour=first-steps&step=1")
    await presenter.connect()
    await presenter.run()
    await presenter.wait_for_text(r"^Step 1 of 5$", DEADLINE_S)
    await presenter.click("Present")
    return presenter, await presenter.wait_for_text(CODE, DEADLINE_S)


def test_guesses_from_fresh_sessions_on_every_server_are_limited_per_address(
    pair: Pair, clean_redis: RedisServer
) -> None:
    said: list[str] = []
    since = pair.mark()

    async def flood() -> None:
        presenter, live = await present(pair.first.url)
        try:
            rng = random.Random(19)
            for index in range(GUESSES):
                said.append(await guess(pair.urls[index % 2], draw_code(rng)))
            said.append(await guess(pair.urls[0], live))
            said.append(await guess(pair.urls[1], live))
        finally:
            await presenter.close()

    run_async(flood())

    refused = [i for i, text in enumerate(said) if re.search(r"Too many codes", text)]
    assert refused, f"{GUESSES} wrong codes from fresh sessions, none refused: {said}"
    assert refused == list(range(refused[0], len(said))), "once refused, every later try is too"
    assert refused[0] <= 10, f"{refused[0]} guesses before the first refusal"
    assert not any("Following session" in text for text in said), "the live code was refused"
    assert "127.0.0.1 tried 10 session codes that lead to no session" in pair.logged(since)
    pair.logs_without_tracebacks()
