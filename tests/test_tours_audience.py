"""The rooms' state: presence, answers, hands and questions, reveals and the
presenter's steps; one suite against the in-process store and a real
redis-server; one server's outbox through store outages and a store that
lost everything; the limits on what a follower may send."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from heuristica.shared_store import StoreUnavailable, shared_store
from heuristica.tours.audience import (
    NAME_MAX_CHARS,
    RAISE_LIMIT,
    RAISE_WINDOW_S,
    TEXT_MAX_CHARS,
    AudienceStore,
    Changes,
    MemoryAudienceStore,
    Presence,
    Raised,
    Throttle,
    name_problem,
    text_problem,
)
from heuristica.tours.audience_room import VIEW_WAKE_SECONDS, Audience, digest
from heuristica.tours.redis_audience import RedisAudienceStore
from heuristica.tours.sessions import MemorySessionStore
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]

PRESENCE_TTL = 1.0
"""Seconds; Redis judges presence by its own clock, so its tests really wait."""
TOUR = "first-steps"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Under:
    store: AudienceStore
    pass_presence_ttl: Callable[[], None]
    empty: Callable[[], None]
    """Lose everything, as a Redis restarted without its data does."""


@pytest.fixture(params=["memory", "redis"])
def under(request: pytest.FixtureRequest) -> Iterator[Under]:
    if request.param == "memory":
        clock = FakeClock()
        holder = [MemoryAudienceStore(clock, presence_ttl=PRESENCE_TTL)]

        class Swapping:
            def __getattr__(self, name: str) -> object:
                return getattr(holder[0], name)

        def empty() -> None:
            holder[0] = MemoryAudienceStore(clock, presence_ttl=PRESENCE_TTL)

        yield Under(Swapping(), lambda: clock.advance(PRESENCE_TTL * 1.5), empty)  # type: ignore[arg-type]
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    shared = shared_store(server.url)

    def flush() -> None:
        shared.client.flushall()

    yield Under(
        RedisAudienceStore(shared, presence_ttl=PRESENCE_TTL),
        lambda: time.sleep(PRESENCE_TTL * 1.5),
        flush,
    )


def here(follower: str, step: int = 0, *, attached: bool = True, name: str = "") -> Presence:
    return Presence(follower, attached, TOUR, step, name)


def raised(id_: str, text: str = "", kind: str = "question") -> Raised:
    return Raised(id_, "f1", kind, text, TOUR, 0, at=1_700_000_000.0 + len(id_))  # type: ignore[arg-type]


def test_followers_count_until_they_leave_or_go_quiet(under: Under):
    store = under.store
    store.write("K", "s1", Changes(seen={"f1": here("f1"), "f2": here("f2", 2, attached=False)}))
    store.write("K", "s2", Changes(seen={"f3": here("f3", name="Ana")}))
    state = store.read("K")
    assert [p.follower for p in state.present] == ["f1", "f2", "f3"]
    assert state.on_step(TOUR, 0) == 2 and state.where_detached() == {(TOUR, 2): 1}
    assert state.present[2].name == "Ana" and state.left == 0

    store.write("K", "s1", Changes(left={"f2"}))
    assert store.read("K").left == 1
    under.pass_presence_ttl()
    store.write("K", "s1", Changes(seen={"f1": here("f1")}))
    state = store.read("K")
    assert [p.follower for p in state.present] == ["f1"]
    assert state.left == 2, "f2 stopped following; f3's server went quiet"


def test_one_answer_per_follower_per_question_and_a_change_replaces_it(under: Under):
    store = under.store
    store.write("K", "s1", Changes(answers={(TOUR, 0, "f1"): 0, (TOUR, 0, "f2"): 1}))
    store.write("K", "s2", Changes(answers={(TOUR, 0, "f3"): 1, (TOUR, 3, "f1"): 1}))
    store.write("K", "s1", Changes(answers={(TOUR, 0, "f1"): 1}))
    state = store.read("K")
    assert state.distribution(TOUR, 0) == {1: 3}
    assert state.distribution(TOUR, 3) == {1: 1}
    assert state.answer_of("f1", TOUR, 0) == 1 and state.answer_of("f9", TOUR, 0) is None
    assert store.answer_of("K", "f1", (TOUR, 0)) == 1, "read alone: a follower back elsewhere"
    assert store.answer_of("K", "f1", (TOUR, 3)) == 1
    assert store.answer_of("K", "f9", (TOUR, 0)) is None
    assert store.answer_of("OTHER", "f1", (TOUR, 0)) is None


def test_hands_and_questions_queue_and_are_marked_answered(under: Under):
    store = under.store
    store.write("K", "s1", Changes(raised={"a": raised("a", kind="hand")}))
    store.write("K", "s2", Changes(raised={"bb": raised("bb", "<script>x</script> why?")}))
    assert [r.id for r in store.read("K").waiting()] == ["a", "bb"]
    store.write("K", "s1", Changes(answered={"a"}))
    state = store.read("K")
    assert [r.text for r in state.waiting()] == ["<script>x</script> why?"]
    assert [r.id for r in state.raised] == ["a", "bb"]


def test_a_hand_sent_again_does_not_undo_anything(under: Under):
    store = under.store
    store.write("K", "s1", Changes(raised={"a": raised("a", "first")}))
    store.write("K", "s1", Changes(raised={"a": raised("a", "changed")}, answered={"a"}))
    store.write("K", "s1", Changes(raised={"a": raised("a", "first")}))
    state = store.read("K")
    assert [r.text for r in state.raised] == ["first"] and state.waiting() == ()


def test_reveals_and_the_presenters_steps_are_kept(under: Under):
    store = under.store
    store.write("K", "s1", Changes(timeline={100.5: (TOUR, 0), 160.25: (TOUR, 1)}))
    store.write("K", "s1", Changes(revealed={(TOUR, 0)}))
    assert store.revealed("K") == {(TOUR, 0)}
    state = store.read("K")
    assert state.timeline == ((100.5, TOUR, 0), (160.25, TOUR, 1))
    assert store.revealed("OTHER") == frozenset()


def test_a_store_that_lost_a_servers_writes_says_so_on_its_next_write(under: Under):
    store = under.store
    assert store.write("K", "s1", Changes(answers={(TOUR, 0, "f1"): 0})) is False
    assert store.write("K", "s1", Changes()) is True
    under.empty()
    assert store.write("K", "s1", Changes(seen={"f1": here("f1")})) is False


def test_an_ended_sessions_room_is_forgotten_and_takes_no_more_writes(under: Under):
    store = under.store
    store.write("K", "s1", Changes(seen={"f1": here("f1", name="Ana")}, raised={"a": raised("a")}))
    store.write("K", "s1", Changes(key="digest"))
    assert store.presenter_key("K") == "digest" and store.presenter_key("OTHER") == ""
    store.forget("K")
    assert store.read("K").present == () and store.read("K").raised == ()
    assert store.presenter_key("K") == ""
    store.write("K", "s1", Changes(seen={"f1": here("f1", name="Ana")}))
    assert store.read("K").present == ()


def test_a_write_with_news_nudges_and_a_heartbeat_does_not(under: Under):
    got: list[str | None] = []
    arrived = threading.Event()

    def on_change(code: str | None) -> None:
        got.append(code)
        if code is not None:
            arrived.set()

    stop = under.store.subscribe(on_change)
    try:
        time.sleep(0.3)  # Redis: the subscription is made
        under.store.write("K", "s1", Changes(seen={"f1": here("f1")}))
        under.store.write("K", "s1", Changes(answers={(TOUR, 0, "f1"): 0}))
        assert arrived.wait(5)
        assert [c for c in got if c is not None] == ["K"]
    finally:
        stop()


# One server's part.


class Browsers:
    def __init__(self) -> None:
        self.woken: list[tuple[str, str]] = []
        self.closed: set[str] = set()

    def wake(self, browser: str, fragment: str) -> bool:
        self.woken.append((browser, fragment))
        return browser not in self.closed

    def connected(self, browser: str) -> bool:
        return browser not in self.closed


class Away:
    """A store that does not answer while ``away``."""

    def __init__(self, store: AudienceStore) -> None:
        self.store = store
        self.away = False

    def __getattr__(self, name: str) -> object:
        method = getattr(self.store, name)

        def call(*args: object) -> object:
            if self.away:
                raise StoreUnavailable("Redis at redis://cache:6379/0 does not answer (refused)")
            return method(*args)

        return call


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def browsers() -> Browsers:
    return Browsers()


def audience(store: object, clock: FakeClock, browsers: Browsers, server: str = "s1") -> Audience:
    sessions = MemorySessionStore(clock)
    return Audience(
        store,  # type: ignore[arg-type]
        sessions,
        browsers.wake,
        browsers.connected,
        clock=clock,
        wall=clock,
        server=server,
    )


def test_a_followers_answer_is_written_and_wakes_the_presenters_view(clock, browsers):
    store = MemoryAudienceStore(clock)
    room = audience(store, clock, browsers)
    room.shows("presenter", "K", "p v", digest(room.view("K")[0]))
    room.here("b1", "K", here("f1"))
    assert room.answer("K", "f1", (TOUR, 0), 1)
    room.tick()
    assert store.read("K").distribution(TOUR, 0) == {1: 1}
    assert browsers.woken == [("presenter", "p v")]
    room.tick()
    assert browsers.woken == [("presenter", "p v")], "woken once for what it has not drawn"
    room.shows("presenter", "K", "p v", digest(room.view("K")[0]))
    room.here("b2", "K", here("f2"))
    room.tick()
    assert len(browsers.woken) == 1, "not again within VIEW_WAKE_SECONDS: it reads afresh"
    clock.advance(VIEW_WAKE_SECONDS + 0.01)
    room.tick()
    assert browsers.woken[-1] == ("presenter", "p v") and len(browsers.woken) == 2


def test_a_follower_back_on_another_server_finds_its_answer_there(clock, browsers):
    store = Away(MemoryAudienceStore(clock))
    first = audience(store, clock, browsers)
    second = audience(store, clock, browsers, server="s2")
    assert first.answer("K", "f1", (TOUR, 0), 2)
    assert first.chosen("K", "f1", (TOUR, 0)) == 2, "this server has it before the store does"
    assert second.chosen("K", "f1", (TOUR, 0)) is None
    first.tick()
    assert second.chosen("K", "f1", (TOUR, 0)) == 2
    assert second.chosen("K", "f2", (TOUR, 0)) is None
    store.away = True
    assert second.chosen("K", "f1", (TOUR, 0)) is None, "no store, no answer: not an error"


def test_answers_hands_and_reveals_wait_out_a_store_outage(clock, browsers):
    store = Away(MemoryAudienceStore(clock))
    room = audience(store, clock, browsers)
    store.away = True
    room.here("b1", "K", here("f1"))
    room.answer("K", "f1", (TOUR, 0), 0)
    room.raise_("K", raised("a", "lost"))
    room.reveal("K", (TOUR, 0))
    room.tick()
    state, problem = room.view("K")
    assert problem is not None and "does not answer" in problem
    assert state.distribution(TOUR, 0) == {0: 1} and state.revealed == {(TOUR, 0)}
    store.away = False
    room.tick()
    state = store.store.read("K")
    assert state.distribution(TOUR, 0) == {0: 1}
    assert [r.text for r in state.raised] == ["lost"] and state.revealed == {(TOUR, 0)}
    assert [p.follower for p in state.present] == ["f1"]


def test_a_store_restarted_empty_gets_everything_this_server_had_again(clock, browsers):
    holder = [MemoryAudienceStore(clock)]

    class Restarting:
        def __getattr__(self, name: str) -> object:
            return getattr(holder[0], name)

    room = audience(Restarting(), clock, browsers)
    room.here("b1", "K", here("f1"))
    room.answer("K", "f1", (TOUR, 0), 1)
    room.presenter_at("K", TOUR, 0)
    room.claim("K", "her-key")
    room.tick()
    holder[0] = MemoryAudienceStore(clock)
    clock.advance(3.5)  # the next presence heartbeat finds the room lost
    room.tick()
    state = holder[0].read("K")
    assert state.distribution(TOUR, 0) == {1: 1}
    assert [p.follower for p in state.present] == ["f1"] and len(state.timeline) == 1
    assert room.holds("K", "her-key") and not room.holds("K", "another")
    assert holder[0].presenter_key("K") != "her-key", "only its digest is stored"


def test_a_reveal_bumps_the_session_so_followers_pages_redraw(clock, browsers):
    store = MemoryAudienceStore(clock)
    room = audience(store, clock, browsers)
    session = room.sessions.start(TOUR)
    room.reveal(session.code, (TOUR, 0))
    room.tick()
    assert room.sessions.look_up(session.code).version == session.version + 1
    assert store.revealed(session.code) == {(TOUR, 0)}
    assert not room.answer(session.code, "f1", (TOUR, 0), 0), "no answer after the reveal"


def test_a_closed_tab_stops_counting_and_the_presenters_steps_are_recorded_once(clock, browsers):
    store = MemoryAudienceStore(clock, presence_ttl=10)
    room = audience(store, clock, browsers)
    room.here("b1", "K", here("f1"))
    room.presenter_at("K", TOUR, 0)
    room.presenter_at("K", TOUR, 0)
    clock.advance(5)
    room.presenter_at("K", TOUR, 1)
    room.tick()
    browsers.closed.add("b1")
    for _ in range(5):
        clock.advance(3)
        room.tick()
    state = store.read("K")
    assert state.present == () and state.left == 1
    assert [(t, s) for _, t, s in state.timeline] == [(TOUR, 0), (TOUR, 1)]


def test_the_presenter_ending_the_session_forgets_its_room_everywhere(clock, browsers):
    store = MemoryAudienceStore(clock)
    follower_side = audience(store, clock, browsers, server="s2")
    presenter_side = audience(store, clock, browsers)
    follower_side.here("b1", "K", here("f1", name="Ana"))
    follower_side.tick()
    presenter_side.forget("K")
    follower_side.leave("b1")
    clock.advance(3.5)
    follower_side.tick()
    assert store.read("K").present == () and store.read("K").left == 0


# What a follower may send.


def test_a_question_must_say_something_and_be_short():
    assert text_problem("   ") == "Type your question first."
    long = "x" * (TEXT_MAX_CHARS + 1)
    assert text_problem(long) == (
        f"A question has at most {TEXT_MAX_CHARS} characters; yours has {TEXT_MAX_CHARS + 1}."
    )
    assert text_problem("<img src=x onerror=alert(1)> why?") is None
    assert name_problem("n" * (NAME_MAX_CHARS + 1)) is not None and name_problem("Ana") is None


def test_one_browser_may_send_a_few_a_minute_and_others_are_not_held_up():
    clock = FakeClock()
    throttle = Throttle(clock=clock)
    assert [throttle.wait_seconds("b1") for _ in range(RAISE_LIMIT)] == [0.0] * RAISE_LIMIT
    assert throttle.wait_seconds("b1") == RAISE_WINDOW_S
    assert throttle.wait_seconds("b2") == 0.0
    clock.advance(RAISE_WINDOW_S)
    assert throttle.wait_seconds("b1") == 0.0
