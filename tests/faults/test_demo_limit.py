"""The demo's run limit and its waiting line when Redis goes away, comes back
empty, is flushed or freezes: two real app servers, real demo runs, a real
redis-server. Nothing waiting is lost, the tabs say what the servers do, and
never more runs execute than the limit."""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time

import pytest
import redis as redis_py

from heuristica.demos.slots import RedisRunSlots
from heuristica.shared_store import shared_store
from tests.faults.conftest import (
    DEADLINE_S,
    MAX_RUNS,
    Pair,
    RunCounter,
    alive_in,
    run_async,
)
from tests.faults.demo_tabs import FINISHED, demo_tabs, latest, start_runs
from tests.redis_server import RedisServer
from tests.slot_holder import LEASE_S, server_holding_a_slot

pytestmark = pytest.mark.faults

LONG_S = 8.0
"""The time limit of the runs that hold the slots while the fault happens."""
SHORT_S = 1.0
LINE_KEYS = ("heuristica:demo:holders", "heuristica:demo:line", "heuristica:demo:leases")


def line_is_empty(redis: RedisServer) -> bool:
    client = redis_py.Redis.from_url(redis.url)
    try:
        return all(client.zcard(key) == 0 for key in LINE_KEYS)
    finally:
        client.close()


def test_a_redis_restart_loses_no_waiting_run_and_the_tabs_say_so(
    pair: Pair, clean_redis: RedisServer
) -> None:
    seen: dict[str, list[str]] = {}
    since = pair.mark()

    async def restart_while_runs_wait() -> None:
        async with demo_tabs(pair.urls, [LONG_S] * MAX_RUNS + [SHORT_S] * 3) as tabs:
            await start_runs(tabs, MAX_RUNS)
            clean_redis.stop()
            await asyncio.sleep(3)  # each tab redraws its run twice a second
            seen["while Redis is away"] = [latest(tab) for tab in tabs[MAX_RUNS:]]
            clean_redis.start()  # empty: the line is gone from Redis
            for tab in tabs:
                await tab.wait_for_text(FINISHED, 2 * DEADLINE_S)
            seen["at the end"] = [latest(tab) for tab in tabs]

    with RunCounter(pair.pids) as runs:
        run_async(restart_while_runs_wait())

    for said in seen["while Redis is away"]:
        assert re.search(r"number \d in line.*Redis at .* does not answer", said), said
        assert "keeps its place" in said, said
    assert all(
        re.search(r"^deadlocked: .*No process of this run is left\.$", s)
        for s in seen["at the end"]
    ), seen
    assert len(runs.seen) == MAX_RUNS + 3, "every run that was pressed ran"
    assert runs.most <= MAX_RUNS
    assert alive_in(runs.seen) == []
    assert line_is_empty(clean_redis)
    logged = pair.logged(since)
    assert f"Redis at {clean_redis.url} does not answer" in logged
    assert "demo runs go on, and runs waiting in line keep their places" in logged
    assert f"Redis at {clean_redis.url} answers again" in logged
    pair.logs_without_tracebacks()


def test_a_flush_mid_run_never_lets_more_than_the_limit_run(
    pair: Pair, clean_redis: RedisServer
) -> None:
    holders = redis_py.Redis.from_url(clean_redis.url)
    back_after: list[float] = []
    since = pair.mark()

    async def flush_while_runs_hold_the_slots() -> None:
        async with demo_tabs(pair.urls, [LONG_S] * MAX_RUNS + [SHORT_S] * 2) as tabs:
            await start_runs(tabs, MAX_RUNS)
            holders.flushall()
            flushed = time.monotonic()
            while holders.zcard(LINE_KEYS[0]) < MAX_RUNS:
                assert time.monotonic() - flushed < DEADLINE_S, "the holders never came back"
                await asyncio.sleep(0.02)
            back_after.append(time.monotonic() - flushed)
            for tab in tabs:
                await tab.wait_for_text(FINISHED, 2 * DEADLINE_S)

    with RunCounter(pair.pids) as runs:
        run_async(flush_while_runs_hold_the_slots())
    holders.close()

    assert runs.most <= MAX_RUNS, f"{runs.most} runs at once with a limit of {MAX_RUNS}"
    assert len(runs.seen) == MAX_RUNS + 2
    assert back_after[0] <= 2.0, f"the running runs were counted again after {back_after[0]:.2f} s"
    assert line_is_empty(clean_redis)
    assert "Redis lost the demo's line (restarted or flushed)" in pair.logged(since)
    pair.logs_without_tracebacks()


def test_a_frozen_redis_does_not_hand_a_running_runs_slot_to_a_waiting_one(
    clean_redis: RedisServer,
) -> None:
    """Redis frozen for longer than a lease (SIGSTOP, like a paused VM or a
    long DEBUG SLEEP): the slot's lease ran out by Redis's clock while no
    server could renew it. The server running the run is busy for a moment
    after Redis thaws; the run is still going, its slot must stay taken."""
    running_server = server_holding_a_slot(clean_redis.url)
    waiting_server = RedisRunSlots(shared_store(clean_redis.url), 1, 5, lease=LEASE_S)
    waiting = waiting_server.enqueue()
    granted, gave_up = threading.Event(), threading.Event()

    def wait_in_line() -> None:
        if waiting_server.wait_turn(waiting, cancelled=gave_up.is_set, poll_seconds=0.05):
            granted.set()

    threading.Thread(target=wait_in_line, daemon=True).start()
    try:
        running_server.send_signal(signal.SIGSTOP)
        clean_redis.pause()
        time.sleep(2.5)
        clean_redis.resume()
        time.sleep(0.5)
        running_server.send_signal(signal.SIGCONT)
        assert not granted.wait(3.0), "a second run got the only slot while the first still ran"
    finally:
        running_server.kill()
        running_server.wait()
    assert granted.wait(DEADLINE_S), "the slot of the server that stopped came back"
    gave_up.set()
    waiting_server.release(waiting)
