"""A live tour across two app servers when Redis goes away or freezes, when a
follower's connection drops, and when a follower's server is killed: no step
is lost, and what each tab says matches where the session is."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from tests.e2e.harness import app_server
from tests.e2e.streamlit_client import StreamlitClient
from tests.e2e.test_tour_live import CODE
from tests.faults.conftest import DEADLINE_S, FIXTURE_KB, Pair, run_async, server_env
from tests.redis_server import RedisServer

pytestmark = pytest.mark.faults

TOUR = "first-steps"
CAUGHT_UP_WITHIN_S = 2.0
NOT_YET = "Followers cannot see this step yet"


def step(number: int) -> str:
    return rf"^Step {number} of 5$"


@asynccontextmanager
async def room(
    presenter_url: str, follower_url: str
) -> AsyncIterator[tuple[StreamlitClient, StreamlitClient, str]]:
    """A presenter at step 2 on one server and a follower that joined by link on another."""
    presenter = StreamlitClient(presenter_url, page="tour", query_string=f"tour={TOUR}&step=1")
    follower: StreamlitClient | None = None
    try:
        await presenter.connect()
        await presenter.run()
        await presenter.wait_for_text(step(1), DEADLINE_S)
        await presenter.click("Present")
        code = await presenter.wait_for_text(CODE, DEADLINE_S)
        follower = StreamlitClient(follower_url, page="tour", query_string=f"follow={code}")
        await follower.connect()
        await follower.run()
        await follower.wait_for_text(f"Following session `{code}` live", DEADLINE_S)
        await presenter.click("Next")
        await follower.wait_for_text(step(2), DEADLINE_S)
        yield presenter, follower, code
    finally:
        for tab in (presenter, follower):
            if tab is not None:
                with contextlib.suppress(Exception):  # its server may be gone
                    await tab.close()


async def until(condition, timeout: float = DEADLINE_S) -> float:
    """Seconds until ``condition()`` holds, checked every 20 ms."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise TimeoutError(f"not within {timeout:g} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


def told(tab: StreamlitClient) -> bool:
    """Whether the presenter's page, as last drawn, says her followers are behind
    (it says so above the step, so a page that drew its step and not this is clear)."""
    return any(NOT_YET in text for text in tab.texts)


def latest_step(tab: StreamlitClient) -> int:
    found = [text for text in tab.texts if re.match(r"^Step \d of 5$", text)]
    return int(found[-1].split()[1]) if found else 0


@pytest.mark.parametrize("fault", ["restart", "freeze"])
def test_a_step_taken_while_redis_is_away_reaches_the_followers_within_2_s_of_its_return(
    pair: Pair, clean_redis: RedisServer, fault: str
) -> None:
    """Restarted empty (the session is gone from Redis) or frozen (SIGSTOP):
    the presenter presses Next meanwhile and is told her followers cannot see
    it yet; once Redis answers, they see it within 2 s and her warning goes."""
    seen: dict[str, object] = {}
    since = pair.mark()

    async def next_while_redis_is_away() -> None:
        async with room(pair.first.url, pair.second.url) as (presenter, follower, _):
            if fault == "restart":
                clean_redis.stop()
            else:
                clean_redis.pause()
            await presenter.click("Next")
            await presenter.wait_for_text(step(3), DEADLINE_S)
            seen["presenter told"] = await presenter.wait_for_text(NOT_YET, DEADLINE_S)
            await asyncio.sleep(2)
            seen["follower while away"] = latest_step(follower)
            if fault == "restart":
                clean_redis.start()
            else:
                clean_redis.resume()
            seen["caught up after"] = await until(lambda: latest_step(follower) == 3)
            await until(lambda: latest_step(presenter) == 3 and not told(presenter))

    run_async(next_while_redis_is_away())

    assert "Redis at" in str(seen["presenter told"]), seen
    assert seen["follower while away"] == 2
    caught_up = float(str(seen["caught up after"]))
    assert caught_up <= CAUGHT_UP_WITHIN_S, f"the follower caught up {caught_up:.2f} s after Redis"
    logged = pair.logged(since)
    assert "live sessions wait for it" in logged
    assert "the live sessions' store answers again" in logged
    pair.logs_without_tracebacks()


async def reconnect(url: str, dropped: StreamlitClient) -> StreamlitClient:
    """What a browser does when its connection drops: connect again (behind a
    load balancer, maybe to another server) and run the page at its URL."""
    tab = StreamlitClient(url, page="tour", query_string=dropped.query_string)
    await tab.connect()
    await tab.run()
    return tab


def test_a_follower_whose_connection_dropped_comes_back_following_at_the_presenters_step(
    pair: Pair, clean_redis: RedisServer
) -> None:
    seen: dict[str, object] = {}

    async def drop_and_come_back() -> None:
        async with room(pair.first.url, pair.second.url) as (presenter, follower, code):
            await follower.close()
            for number in (3, 4):
                await presenter.click("Next")
                await presenter.wait_for_text(step(number), DEADLINE_S)
            back = await reconnect(pair.second.url, follower)
            try:
                seen["following"] = await back.wait_for_text(
                    f"Following session `{code}` live", DEADLINE_S
                )
                await until(lambda: latest_step(back) == 4)
                await presenter.click("Next")
                await until(lambda: latest_step(back) == 5)
            finally:
                await back.close()

    run_async(drop_and_come_back())
    assert seen["following"]


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_follower_whose_server_stopped_resumes_on_another(
    pair: Pair, clean_redis: RedisServer, tmp_path: Path, stop: signal.Signals
) -> None:
    seen: dict[str, object] = {}
    with app_server(
        FIXTURE_KB, log=tmp_path / "stopped.log", env=server_env(clean_redis)
    ) as doomed:

        async def kill_the_followers_server() -> None:
            async with room(pair.first.url, doomed.url) as (presenter, follower, code):
                doomed.process.send_signal(stop)
                doomed.process.wait()
                await presenter.click("Next")
                await presenter.wait_for_text(step(3), DEADLINE_S)
                back = await reconnect(pair.second.url, follower)
                try:
                    seen["following"] = await back.wait_for_text(
                        f"Following session `{code}` live", DEADLINE_S
                    )
                    await until(lambda: latest_step(back) == 3)
                finally:
                    await back.close()

        run_async(kill_the_followers_server())
    assert seen["following"]
    pair.logs_without_tracebacks()
