"""The first-come, first-served limit on concurrent runs: one suite, run
against the in-process limit and against a real redis-server, plus what only
a shared limit must do (several servers, a crashed one, Redis away)."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import redis

from heuristica.demos import runs
from heuristica.demos.slots import (
    REJOINED_NOTE,
    UNSURE_NOTE,
    RedisRunSlots,
    RunLimit,
    RunnerBusy,
    RunSlots,
    Waiting,
    limit_from_environment,
)
from heuristica.shared_store import StoreUnavailable, shared_store
from tests.redis_server import RedisServer, redis_server
from tests.slot_holder import LEASE_S, server_holding_a_slot

__all__ = ["redis_server"]

Make = Callable[[int, int], RunLimit]


@pytest.fixture(params=["memory", "redis"])
def make_slots(request: pytest.FixtureRequest) -> Iterator[Make]:
    if request.param == "memory":
        yield lambda limit, max_waiting: RunSlots(limit, max_waiting)
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    yield lambda limit, max_waiting: RedisRunSlots(shared_store(server.url), limit, max_waiting)


def test_tickets_get_their_slot_in_the_order_they_joined(make_slots: Make) -> None:
    slots = make_slots(1, 3)
    first = slots.enqueue()
    assert slots.wait_turn(first, cancelled=lambda: False)
    waiting = [slots.enqueue() for _ in range(3)]
    served: list[int] = []

    def take(index: int) -> None:
        slots.wait_turn(waiting[index], cancelled=lambda: False, poll_seconds=0.02)
        served.append(index)
        slots.release(waiting[index])

    threads = [threading.Thread(target=take, args=(index,)) for index in (2, 1, 0)]
    for thread in threads:
        thread.start()
    assert [slots.position(ticket) for ticket in waiting] == [1, 2, 3]
    slots.release(first)
    for thread in threads:
        thread.join(timeout=10)

    assert served == [0, 1, 2]
    assert slots.counts() == (0, 0)


def test_a_cancelled_ticket_leaves_the_line(make_slots: Make) -> None:
    slots = make_slots(1, 1)
    holder = slots.enqueue()
    slots.wait_turn(holder, cancelled=lambda: False)
    waiting = slots.enqueue()

    assert slots.wait_turn(waiting, cancelled=lambda: True) is False
    assert slots.counts() == (1, 0)


def test_a_full_line_is_refused_with_a_message_to_retry(make_slots: Make) -> None:
    slots = make_slots(1, 0)
    slots.wait_turn(slots.enqueue(), cancelled=lambda: False)

    with pytest.raises(RunnerBusy, match="please try again in a minute"):
        slots.enqueue()


def test_a_limit_below_one_is_refused(make_slots: Make) -> None:
    with pytest.raises(ValueError, match="limit must be >= 1"):
        make_slots(0, 0)


def test_two_servers_on_one_redis_share_one_limit(redis_server: RedisServer) -> None:
    first, second = (RedisRunSlots(shared_store(redis_server.url), 2, 5) for _ in range(2))
    one, two, three = first.enqueue(), second.enqueue(), first.enqueue()
    assert first.wait_turn(one, cancelled=lambda: False)
    assert second.wait_turn(two, cancelled=lambda: False)
    assert first.counts() == second.counts() == (2, 1)
    assert second.position(three) == 1, "the third run waits, whichever server it asked"
    second.release(two)
    assert first.wait_turn(three, cancelled=_after(10.0))


def test_a_line_redis_lost_comes_back_in_the_order_people_joined(
    redis_server: RedisServer,
) -> None:
    first, second = (RedisRunSlots(shared_store(redis_server.url), 1, 5) for _ in range(2))
    holder = first.enqueue()
    assert first.wait_turn(holder, cancelled=_after(10.0))
    waiting = [second.enqueue(), first.enqueue(), second.enqueue()]
    redis.Redis.from_url(redis_server.url).flushall()

    seen: list[Waiting] = []
    deadline = _after(10.0)
    settled = lambda: deadline() or (seen[-1].place == 3 and seen[-1].note != UNSURE_NOTE)  # noqa: E731
    assert not second.wait_turn(waiting[2], settled, poll_seconds=0.05, on_wait=seen.append)
    assert seen[-1].place == 3, "the last to join is still third once the servers reported"
    notes = {waiting.note for waiting in seen}
    assert notes & {UNSURE_NOTE, REJOINED_NOTE}, "the tab said why it waited"
    assert [first.position(ticket) for ticket in waiting[:2]] == [1, 2]
    assert first.counts() == (1, 2), "the running run counts again; the cancelled one left"


def test_the_slot_of_a_crashed_server_comes_back_when_its_lease_runs_out(
    redis_server: RedisServer,
) -> None:
    crashed = server_holding_a_slot(redis_server.url)
    slots = RedisRunSlots(shared_store(redis_server.url), 1, 5, lease=LEASE_S)
    ticket = slots.enqueue()
    assert slots.position(ticket) == 1, "the other server's run holds the only slot"
    crashed.send_signal(signal.SIGKILL)
    crashed.wait()
    assert slots.wait_turn(ticket, cancelled=_after(10.0), poll_seconds=0.05)


def test_a_redis_that_does_not_answer_is_named_when_a_run_is_asked_for(
    redis_server: RedisServer,
) -> None:
    slots = RedisRunSlots(shared_store(redis_server.url), 1, 1)
    redis_server.stop()
    with pytest.raises(StoreUnavailable, match=rf"Redis at {redis_server.url} does not answer"):
        slots.enqueue()


@pytest.mark.parametrize("raw", ["two", "0", "-1", ""])
def test_a_bad_run_limit_in_the_environment_is_refused_by_name(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("HEURISTICA_DEMO_MAX_RUNS", raw)

    with pytest.raises(ValueError, match="environment variable HEURISTICA_DEMO_MAX_RUNS must be"):
        limit_from_environment("HEURISTICA_DEMO_MAX_RUNS", 2)


def test_the_run_limit_comes_from_the_environment_or_the_default(monkeypatch) -> None:
    monkeypatch.delenv("HEURISTICA_DEMO_MAX_RUNS", raising=False)
    assert limit_from_environment("HEURISTICA_DEMO_MAX_RUNS", 2) == 2
    monkeypatch.setenv("HEURISTICA_DEMO_MAX_RUNS", "3")
    assert limit_from_environment("HEURISTICA_DEMO_MAX_RUNS", 2) == 3


def _after(seconds: float) -> Callable[[], bool]:
    """A ``cancelled`` that gives up after ``seconds`` (a deadline, not a speed claim)."""
    deadline = time.monotonic() + seconds
    return lambda: time.monotonic() > deadline


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("HEURISTICA_DEMO_MAX_RUNS", "lots", "HEURISTICA_DEMO_MAX_RUNS must be a whole number"),
        ("HEURISTICA_REDIS_URL", "htp://:pw@cache", "HEURISTICA_REDIS_URL='htp://:***@cache'"),
    ],
)
def test_a_bad_setting_turns_the_demo_off_with_a_message_naming_it(
    monkeypatch, name: str, value: str, says: str
) -> None:
    monkeypatch.setenv(name, value)

    _, problem = runs._board_from_environment()

    assert problem is not None and says in problem
    assert "pw" not in problem
