"""The first-come, first-served limit on concurrent runs."""

import threading

import pytest

from heuristica.demos.runs import limit_from_environment
from heuristica.demos.slots import RunnerBusy, RunSlots


def test_tickets_get_their_slot_in_the_order_they_joined() -> None:
    slots = RunSlots(limit=1, max_waiting=3)
    first = slots.enqueue()
    assert slots.wait_turn(first, cancelled=lambda: False)
    waiting = [slots.enqueue() for _ in range(3)]
    served: list[int] = []

    def take(index: int) -> None:
        slots.wait_turn(waiting[index], cancelled=lambda: False)
        served.append(index)
        slots.release(waiting[index])

    threads = [threading.Thread(target=take, args=(index,)) for index in (2, 1, 0)]
    for thread in threads:
        thread.start()
    assert [slots.position(ticket) for ticket in waiting] == [1, 2, 3]
    slots.release(first)
    for thread in threads:
        thread.join(timeout=5)

    assert served == [0, 1, 2]
    assert slots.counts() == (0, 0)


def test_a_cancelled_ticket_leaves_the_line() -> None:
    slots = RunSlots(limit=1, max_waiting=1)
    holder = slots.enqueue()
    slots.wait_turn(holder, cancelled=lambda: False)
    waiting = slots.enqueue()

    assert slots.wait_turn(waiting, cancelled=lambda: True) is False
    assert slots.counts() == (1, 0)


def test_a_full_line_is_refused_with_a_message_to_retry() -> None:
    slots = RunSlots(limit=1, max_waiting=0)
    slots.wait_turn(slots.enqueue(), cancelled=lambda: False)

    with pytest.raises(RunnerBusy, match="please try again in a minute"):
        slots.enqueue()


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="limit must be >= 1"):
        RunSlots(limit=0, max_waiting=0)


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
