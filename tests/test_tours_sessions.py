"""The live-session stores: one suite, run against the in-process store and
against a real redis-server; codes people can type, expiry, nudges, a
follower's detach / re-join state (the limit on guessing codes:
test_tours_join_limit.py)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from heuristica.shared_store import StoreUnavailable, shared_store
from heuristica.tours.redis_store import RedisSessionStore
from heuristica.tours.sessions import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Following,
    MemorySessionStore,
    Session,
    SessionGone,
    SessionStore,
    code_problem,
    ended_message,
    normalise_code,
    not_live_message,
)
from tests.clock import FakeClock
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]

PRESENTER_TIMEOUT = 2.0
"""Seconds. Redis expires keys by its own clock, so the Redis store's tests
really wait for it; every check keeps half of it as margin."""
IDLE_TIMEOUT = 3600.0


@dataclass
class StoreUnderTest:
    store: SessionStore
    clock: FakeClock
    pass_presenter_time: Callable[[float], None]
    """Let this many presenter timeouts pass (fake clock, or real time for Redis)."""
    same_draws_again: Callable[[], SessionStore]
    """A store on the same data (another server) whose random draws start over."""


@pytest.fixture(params=["memory", "redis"])
def under_test(request: pytest.FixtureRequest) -> Iterator[StoreUnderTest]:
    clock = FakeClock()
    if request.param == "memory":
        draws = random.Random(7)
        memory = MemorySessionStore(
            clock, presenter_timeout=PRESENTER_TIMEOUT, idle_timeout=IDLE_TIMEOUT, rng=draws
        )

        def same_memory_draws_again() -> SessionStore:
            draws.seed(7)  # one process holds one store: "another server" is the same one
            return memory

        yield StoreUnderTest(
            memory,
            clock,
            lambda timeouts: clock.advance(timeouts * PRESENTER_TIMEOUT),
            same_memory_draws_again,
        )
        return
    server: RedisServer = request.getfixturevalue("redis_server")

    def redis_store() -> RedisSessionStore:
        return RedisSessionStore(
            shared_store(server.url),
            presenter_timeout=PRESENTER_TIMEOUT,
            idle_timeout=IDLE_TIMEOUT,
            rng=random.Random(7),
            clock=clock,
        )

    def wait(timeouts: float) -> None:
        clock.advance(timeouts * PRESENTER_TIMEOUT)
        time.sleep(timeouts * PRESENTER_TIMEOUT)

    yield StoreUnderTest(redis_store(), clock, wait, redis_store)


def gone_message(store: SessionStore, code: str) -> str:
    with pytest.raises(SessionGone) as raised:
        store.look_up(code)
    return raised.value.message


def test_codes_have_five_unambiguous_characters(under_test: StoreUnderTest):
    codes = [under_test.store.start("tour").code for _ in range(300)]
    assert len(set(codes)) == 300
    assert all(len(code) == CODE_LENGTH for code in codes)
    used = set("".join(codes))
    assert used <= set(CODE_ALPHABET)
    assert not used & set("0O1IL")


def test_a_code_is_found_however_it_is_typed(under_test: StoreUnderTest):
    code = under_test.store.start("why-fork-deadlocks", 2).code
    typed = f" {code[:2].lower()}-{code[2:]} "
    assert normalise_code(typed) == code
    session = under_test.store.look_up(typed)
    assert (session.code, session.tour_id, session.step) == (code, "why-fork-deadlocks", 2)


def test_an_unknown_code_is_refused_naming_it(under_test: StoreUnderTest):
    assert gone_message(under_test.store, "abcdefg") == not_live_message("ABCDEFG")
    assert "There is no live session `ABCDEFG`" in not_live_message("ABCDEFG")


def test_a_malformed_code_is_refused_by_the_store_saying_why(under_test: StoreUnderTest):
    assert gone_message(under_test.store, "AB0DEFG") == code_problem("AB0DEFG")


def test_the_presenter_moving_is_what_followers_see_with_a_newer_version(
    under_test: StoreUnderTest,
):
    started = under_test.store.start("a")
    moved = under_test.store.move(started.code, "b", 4)
    session = under_test.store.look_up(started.code)
    assert session == moved == Session(started.code, "b", 4, started.version + 1)


def test_without_heartbeats_a_session_ends_after_the_presenter_timeout(
    under_test: StoreUnderTest,
):
    code = under_test.store.start("tour").code
    under_test.pass_presenter_time(0.5)
    assert under_test.store.look_up(code).code == code
    under_test.pass_presenter_time(1.0)
    assert gone_message(under_test.store, code) == not_live_message(code)


def test_heartbeats_keep_a_session_alive_until_the_idle_timeout(under_test: StoreUnderTest):
    code = under_test.store.start("tour").code
    under_test.pass_presenter_time(0.5)
    under_test.store.heartbeat(code)
    under_test.pass_presenter_time(0.7)
    assert under_test.store.heartbeat(code).step == 0
    under_test.clock.advance(IDLE_TIMEOUT + 1)
    with pytest.raises(SessionGone):
        under_test.store.heartbeat(code)
    assert gone_message(under_test.store, code) == not_live_message(code)


def test_moving_counts_as_a_heartbeat(under_test: StoreUnderTest):
    code = under_test.store.start("tour").code
    for step in range(3):
        under_test.pass_presenter_time(0.5)
        under_test.store.move(code, "tour", step)
    under_test.pass_presenter_time(0.5)
    assert under_test.store.look_up(code).step == 2


def test_an_ended_session_reads_like_an_unknown_one_and_its_code_is_not_reused(
    under_test: StoreUnderTest,
):
    code = under_test.store.start("tour").code
    under_test.store.end(code)
    assert gone_message(under_test.store, code) == not_live_message(code)
    with pytest.raises(SessionGone):
        under_test.store.move(code, "tour", 1)
    # a second server whose random draws start with the same code takes the next one
    again = under_test.same_draws_again().start("tour").code
    assert again != code


def test_sessions_started_from_many_threads_get_distinct_codes(under_test: StoreUnderTest):
    codes: list[str] = []

    def start_many() -> None:
        for _ in range(100):
            codes.append(under_test.store.start("tour").code)

    threads = [threading.Thread(target=start_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(codes) == len(set(codes)) == 800


def test_a_lost_session_is_restored_under_its_code_with_a_newer_version(
    under_test: StoreUnderTest,
):
    session = under_test.store.move(under_test.store.start("tour").code, "tour", 3)
    under_test.store.end(session.code)
    restored = under_test.store.restore(session)
    assert restored == Session(session.code, "tour", 3, session.version + 1)
    assert under_test.store.look_up(session.code) == restored
    assert under_test.store.restore(session) == restored, "a live session is left as it is"


def test_a_move_and_an_end_nudge_every_subscriber_with_the_code(under_test: StoreUnderTest):
    nudged: list[str | None] = []
    unsubscribe = under_test.store.subscribe(nudged.append)
    try:
        if isinstance(under_test.store, RedisSessionStore):
            _wait_for(lambda: None in nudged)  # subscribed
        code = under_test.store.start("tour").code
        under_test.store.move(code, "tour", 1)
        _wait_for(lambda: nudged.count(code) == 1)
        under_test.store.end(code)
        _wait_for(lambda: nudged.count(code) == 2)
    finally:
        unsubscribe()


def test_an_attached_follower_goes_where_the_presenter_is(under_test: StoreUnderTest):
    session = under_test.store.start("why-fork-deadlocks", 3)
    following = Following(session.code)
    assert following.target(session, own=("other", 0)) == ("why-fork-deadlocks", 3)


def test_a_detached_follower_keeps_their_own_step_until_they_rejoin(under_test: StoreUnderTest):
    code = under_test.store.start("tour", 1).code
    following = Following(code).detach()
    presenter_moved = under_test.store.move(code, "tour", 5)
    assert not following.attached
    assert following.target(presenter_moved, own=("tour", 2)) == ("tour", 2)
    rejoined = following.rejoin()
    assert rejoined.attached and rejoined.code == code
    assert rejoined.target(presenter_moved, own=("tour", 2)) == ("tour", 5)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Type the session code"),
        ("ABC", "has 3"),
        ("ABCDE", "has 5"),
        ("AB0DEFG", "found '0'"),
        ("IL1ABCD", "found '1', 'I', 'L'"),
    ],
)
def test_a_malformed_code_is_refused_saying_why(typed: str, says: str):
    problem = code_problem(typed)
    assert problem is not None and says in problem


def test_only_a_browser_that_was_in_the_session_is_told_it_ended():
    assert ended_message("K7QXM") == (
        "The session `K7QXM` has ended: the presenter left or stopped presenting."
    )
    assert "ended" not in not_live_message("K7QXM")


def test_a_redis_that_does_not_answer_is_named_in_the_message(redis_server: RedisServer):
    store = RedisSessionStore(shared_store(redis_server.url))
    code = store.start("tour").code
    redis_server.stop()
    with pytest.raises(StoreUnavailable, match=rf"Redis at {redis_server.url} does not answer"):
        store.look_up(code)
    redis_server.start()
    assert gone_message(store, code) == not_live_message(code), "restarted without data"


def test_a_subscriber_hears_that_anything_may_have_changed_after_redis_restarts(
    redis_server: RedisServer,
):
    store = RedisSessionStore(shared_store(redis_server.url))
    nudged: list[str | None] = []
    unsubscribe = store.subscribe(nudged.append)
    try:
        _wait_for(lambda: nudged.count(None) == 1)
        redis_server.stop()
        redis_server.start()
        _wait_for(lambda: nudged.count(None) == 2)
        code = store.start("tour").code
        store.move(code, "tour", 1)
        _wait_for(lambda: code in nudged)
    finally:
        unsubscribe()


def _wait_for(condition: Callable[[], bool], deadline_s: float = 10.0) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_the_store_knows_an_ended_session_from_one_it_lost(redis_server: RedisServer):
    store = RedisSessionStore(shared_store(redis_server.url))
    ended, lost = store.start("tour").code, store.start("tour").code
    store.end(ended)
    store._redis.delete(f"heuristica:tour:session:{lost}")  # what a restart without data leaves
    for code, was_ended in ((ended, True), (lost, False)):
        with pytest.raises(SessionGone) as raised:
            store.look_up(code)
        assert raised.value.ended is was_ended
        assert raised.value.message == not_live_message(code), "the same words to a joiner"


def test_a_bump_keeps_the_step_and_gives_followers_a_newer_version(under_test: StoreUnderTest):
    store = under_test.store
    session = store.move(store.start("tour", 2).code, "tour", 3)
    bumped = store.bump(session.code)
    assert (bumped.tour_id, bumped.step, bumped.version) == ("tour", 3, session.version + 1)
    assert store.look_up(session.code) == bumped
    store.end(session.code)
    with pytest.raises(SessionGone):
        store.bump(session.code)
