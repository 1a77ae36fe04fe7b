"""The live-session store: codes people can type, expiry by the clock, and a
follower's detach / re-join state."""

from __future__ import annotations

import random
import threading

import pytest

from heuristica.tours.sessions import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Following,
    MemorySessionStore,
    SessionGone,
    code_problem,
    normalise_code,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> MemorySessionStore:
    return MemorySessionStore(clock, presenter_timeout=20, idle_timeout=3600, rng=random.Random(7))


def gone_message(store: MemorySessionStore, code: str) -> str:
    with pytest.raises(SessionGone) as raised:
        store.look_up(code)
    return raised.value.message


def test_codes_have_five_unambiguous_characters(store: MemorySessionStore):
    codes = [store.start("tour").code for _ in range(300)]
    assert len(set(codes)) == 300
    assert all(len(code) == CODE_LENGTH for code in codes)
    used = set("".join(codes))
    assert used <= set(CODE_ALPHABET)
    assert not used & set("0O1IL")


def test_a_code_is_found_however_it_is_typed(store: MemorySessionStore):
    code = store.start("why-fork-deadlocks", 2).code
    typed = f" {code[:2].lower()}-{code[2:]} "
    assert normalise_code(typed) == code
    session = store.look_up(typed)
    assert (session.code, session.tour_id, session.step) == (code, "why-fork-deadlocks", 2)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the session code"),
        ("ABC", "has 3"),
        ("ABCDEFG", "has 7"),
        ("AB0DE", "found '0'"),
        ("IL1AB", "found '1', 'I', 'L'"),
    ],
)
def test_a_malformed_code_is_refused_saying_why(typed: str, says: str):
    problem = code_problem(typed)
    assert problem is not None and says in problem


def test_an_unknown_code_is_refused_naming_it(store: MemorySessionStore):
    assert code_problem("ABCDE") is None
    assert gone_message(store, "abcde") == (
        "There is no session `ABCDE`: check the code the presenter shows."
    )


def test_the_presenter_moving_is_what_followers_see(store: MemorySessionStore):
    code = store.start("a").code
    store.move(code, "b", 4)
    session = store.look_up(code)
    assert (session.tour_id, session.step) == ("b", 4)


def test_without_heartbeats_a_session_ends_after_the_presenter_timeout(
    store: MemorySessionStore, clock: FakeClock
):
    code = store.start("tour").code
    clock.advance(20)
    assert store.look_up(code).code == code
    clock.advance(0.5)
    assert "has ended" in gone_message(store, code)
    assert len(store) == 0


def test_heartbeats_keep_a_session_alive_until_the_idle_timeout(
    store: MemorySessionStore, clock: FakeClock
):
    code = store.start("tour").code
    for _ in range(359):
        clock.advance(10)
        store.heartbeat(code)
    assert store.look_up(code).step == 0
    clock.advance(11)
    with pytest.raises(SessionGone):
        store.heartbeat(code)
    assert "has ended" in gone_message(store, code)


def test_moving_counts_as_activity_and_as_a_heartbeat(store: MemorySessionStore, clock: FakeClock):
    code = store.start("tour").code
    for step in range(10):
        clock.advance(15)
        store.move(code, "tour", step)
    clock.advance(15)
    assert store.look_up(code).step == 9


def test_an_ended_session_says_so_and_its_code_is_not_reused(store: MemorySessionStore):
    code = store.start("tour").code
    store.end(code)
    assert gone_message(store, code) == (
        f"The session `{code}` has ended: the presenter left or stopped presenting."
    )
    assert code not in {store.start("tour").code for _ in range(200)}


def test_an_expired_session_is_dropped_when_another_starts(
    store: MemorySessionStore, clock: FakeClock
):
    store.start("tour")
    clock.advance(60)
    store.start("tour")
    assert len(store) == 1


def test_sessions_started_from_many_threads_get_distinct_codes(store: MemorySessionStore):
    codes: list[str] = []

    def start_many() -> None:
        for _ in range(200):
            codes.append(store.start("tour").code)

    threads = [threading.Thread(target=start_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == len(set(codes)) == 1600
    assert len(store) == 1600


def test_an_attached_follower_goes_where_the_presenter_is(store: MemorySessionStore):
    session = store.start("why-fork-deadlocks", 3)
    following = Following(session.code)
    assert following.target(session, own=("other", 0)) == ("why-fork-deadlocks", 3)


def test_a_detached_follower_keeps_their_own_step_until_they_rejoin(
    store: MemorySessionStore,
):
    code = store.start("tour", 1).code
    following = Following(code).detach()
    presenter_moved = store.move(code, "tour", 5)
    assert not following.attached
    assert following.target(presenter_moved, own=("tour", 2)) == ("tour", 2)
    rejoined = following.rejoin()
    assert rejoined.attached and rejoined.code == code
    assert rejoined.target(presenter_moved, own=("tour", 2)) == ("tour", 5)
