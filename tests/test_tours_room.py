"""One server's room: which browsers it wakes and when, and how it keeps a
connected presenter's session alive (no Streamlit: wake and connected are
plain functions here)."""

from __future__ import annotations

from typing import Any, cast

import pytest

from heuristica.shared_store import StoreUnavailable
from heuristica.tours.room import (
    GONE,
    HEARTBEAT_SECONDS,
    MISSING_GRACE_SECONDS,
    REWAKE_SECONDS,
    UNREACHABLE,
    Room,
)
from heuristica.tours.sessions import (
    PRESENTER_TIMEOUT_S,
    MemorySessionStore,
    Session,
    SessionGone,
    SessionStore,
)
from tests.clock import FakeClock


class Browsers:
    """Which browsers are connected, and every wake-up the room asked for."""

    def __init__(self) -> None:
        self.woken: list[tuple[str, str]] = []
        self.gone: set[str] = set()

    def wake(self, browser: str, fragment: str) -> bool:
        if browser in self.gone:
            return False
        self.woken.append((browser, fragment))
        return True

    def connected(self, browser: str) -> bool:
        return browser not in self.gone


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(clock: FakeClock) -> MemorySessionStore:
    return MemorySessionStore(clock)


@pytest.fixture
def browsers() -> Browsers:
    return Browsers()


@pytest.fixture
def room(store: MemorySessionStore, browsers: Browsers, clock: FakeClock) -> Room:
    return Room(store, wake=browsers.wake, connected=browsers.connected, clock=clock)


def test_a_follower_behind_the_presenter_is_woken_once_per_step(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    session = store.start("tour")
    room.follow("f1", session.code, attached=True, drawn_version=session.version, fragment="p1")
    room.follow("f2", session.code, attached=True, drawn_version=session.version, fragment="p2")
    room.tick()
    assert browsers.woken == [], "nothing moved"
    moved = store.move(session.code, "tour", 1)
    room.tick({session.code})
    room.tick()
    assert sorted(browsers.woken) == [("f1", "p1"), ("f2", "p2")]
    room.follow("f1", session.code, attached=True, drawn_version=moved.version, fragment="p1")
    browsers.woken.clear()
    room.tick()
    assert browsers.woken == []


def test_a_wake_up_that_did_not_lead_to_a_redraw_is_repeated(
    room: Room, store: MemorySessionStore, browsers: Browsers, clock: FakeClock
):
    session = store.start("tour")
    room.follow("f1", session.code, attached=True, drawn_version=session.version, fragment="p")
    store.move(session.code, "tour", 1)
    room.tick()
    clock.advance(REWAKE_SECONDS + 0.1)
    room.tick()
    assert browsers.woken == [("f1", "p"), ("f1", "p")]


def test_a_detached_follower_is_woken_only_when_the_session_ends(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    session = store.start("tour")
    room.follow("f1", session.code, attached=False, drawn_version=session.version, fragment="p")
    store.move(session.code, "tour", 2)
    room.tick()
    assert browsers.woken == []
    store.end(session.code)
    room.tick()
    assert browsers.woken == [("f1", "p")]
    room.follow("f1", session.code, attached=False, drawn_version=GONE, fragment="p")
    room.tick()
    assert browsers.woken == [("f1", "p")], "it has drawn the end"


def test_a_nudge_for_one_session_wakes_none_of_another(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    one, other = store.start("tour"), store.start("tour")
    room.follow("f1", one.code, attached=True, drawn_version=one.version, fragment="p")
    store.move(one.code, "tour", 1)
    room.tick({other.code})
    assert browsers.woken == []


def test_a_browser_that_has_gone_is_forgotten(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    session = store.start("tour")
    room.follow("f1", session.code, attached=True, drawn_version=0, fragment="p")
    browsers.gone.add("f1")
    room.tick()
    browsers.gone.clear()
    room.tick()
    assert browsers.woken == []


def test_a_connected_presenters_session_outlives_the_presenter_timeout(
    room: Room, store: MemorySessionStore, clock: FakeClock
):
    session = store.start("tour")
    room.present("p", session, "frag")
    for _ in range(int(3 * PRESENTER_TIMEOUT_S / HEARTBEAT_SECONDS)):
        clock.advance(HEARTBEAT_SECONDS)
        room.tick()
    assert store.look_up(session.code) == session


def test_a_presenter_who_closed_her_tab_lets_the_session_expire(
    room: Room, store: MemorySessionStore, browsers: Browsers, clock: FakeClock
):
    session = store.start("tour")
    room.present("p", session, "frag")
    browsers.gone.add("p")
    for _ in range(int(2 * PRESENTER_TIMEOUT_S / HEARTBEAT_SECONDS)):
        clock.advance(HEARTBEAT_SECONDS)
        room.tick()
    with pytest.raises(SessionGone):
        store.look_up(session.code)


def test_a_session_the_store_lost_is_restored_and_its_followers_woken(
    room: Room, store: MemorySessionStore, browsers: Browsers, clock: FakeClock
):
    session = store.move(store.start("tour").code, "tour", 2)
    room.present("p", session, "frag")
    room.follow("f1", session.code, attached=True, drawn_version=session.version, fragment="x")
    store.end(session.code)  # what a Redis restart without data looks like from here
    clock.advance(HEARTBEAT_SECONDS)
    room.tick()
    restored = store.look_up(session.code)
    assert (restored.code, restored.step) == (session.code, 2)
    assert restored.version > session.version
    room.tick()
    assert browsers.woken == [("f1", "x")]


def test_a_missing_session_gets_a_grace_period_before_its_followers_are_told(
    room: Room, browsers: Browsers, clock: FakeClock
):
    lost = LosingStore(room.store)
    room.store = cast(SessionStore, lost)
    session = lost.start("tour")
    room.follow("f1", session.code, attached=True, drawn_version=session.version, fragment="p")
    lost.lose(session.code)
    room.tick()
    assert browsers.woken == [] and not room.has_ended(session.code)
    clock.advance(MISSING_GRACE_SECONDS)
    room.tick()
    assert browsers.woken == [("f1", "p")] and room.has_ended(session.code)


class LosingStore:
    """A store that can lose a session without it having ended (a Redis restart)."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store
        self._lost: set[str] = set()

    def lose(self, code: str) -> None:
        self._lost.add(code)

    def look_up(self, code: str) -> Session:
        if code in self._lost:
            raise SessionGone(code, "gone", ended=False)
        return self._store.look_up(code)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class AwayStore:
    """A store that does not answer while ``away`` (Redis stopped or frozen)."""

    def __init__(self, store: SessionStore) -> None:
        self._store = store
        self.away = False

    def __getattr__(self, name: str) -> object:
        method = getattr(self._store, name)

        def call(*args: object) -> object:
            if self.away:
                raise StoreUnavailable("Redis at redis://cache:6379/0 does not answer (refused)")
            return method(*args)

        return call


def test_a_step_the_store_did_not_take_is_written_once_it_answers_and_her_page_woken(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    away = AwayStore(store)
    room.store = cast(SessionStore, away)  # every method of the store, through __getattr__
    session = store.start("tour")
    room.present("p", session, "frag")
    away.away = True
    room.present("p", session, "frag", ("tour", 3))  # she pressed Next while it was away
    room.tick()
    assert store.look_up(session.code).step == 0 and browsers.woken == []
    away.away = False
    room.tick()
    assert store.look_up(session.code).step == 3
    assert browsers.woken == [("p", "frag")], "her page drops its warning"
    assert room.published("p") == store.look_up(session.code)


def test_a_step_taken_while_the_store_lost_the_session_comes_back_at_that_step(
    room: Room, store: MemorySessionStore
):
    session = store.start("tour")
    room.present("p", session, "frag", ("tour", 2))
    store.end(session.code)  # what a Redis restart without data looks like from here
    room.tick()
    restored = store.look_up(session.code)
    assert (restored.code, restored.step) == (session.code, 2)


def test_followers_are_told_once_the_store_does_not_answer_and_again_when_it_does(
    room: Room, store: MemorySessionStore, browsers: Browsers
):
    away = AwayStore(store)
    room.store = cast(SessionStore, away)  # every method of the store, through __getattr__
    session = store.start("tour")
    room.follow("f1", session.code, attached=True, drawn_version=session.version, fragment="p")
    away.away = True
    room.tick()
    assert browsers.woken == [("f1", "p")], "to say it is out of touch"
    room.follow("f1", session.code, attached=True, drawn_version=UNREACHABLE, fragment="p")
    room.tick()
    assert browsers.woken == [("f1", "p")], "once"
    away.away = False
    room.tick()
    assert browsers.woken == [("f1", "p"), ("f1", "p")], "to catch up"
