"""Streamlit glue for live sessions: this server's store and room, what a
presenter's and a follower's browser keep in their state, and the buttons
that change it.

Followers never poll. A follower's page draws everything that changes with
the step (the message, title, header, progress, graph, step and page) in
one fragment, which registers the browser with this server's ``Room``
(``follow_here``). When the room learns that the session moved or ended, it
asks that browser's page to run that fragment alone: it re-reads the
session and redraws the step, without running the app's navigation, its
sidebar or the top of the page (a session that ended, or a reader who
stopped following, gets a whole-page run). A presenter's page ends with a
tiny fragment, its "live point", that registers her browser; the room wakes
it only when her session was lost, and it redraws the whole page
(``st.rerun(scope="app")``). A wake-up is the request Streamlit makes
itself when a script file changes (``AppSession.request_rerun`` with the
session's last client state), aimed at the fragment; a fragment run queues
behind a run in progress instead of replacing it, so a reader's own click
is never dropped for it.

State in ``st.session_state``: ``tour_presenting`` (the Session this browser
presents, or None), ``tour_following`` (a ``Following``, or None) and
``tour_session_message`` (why a session this browser took part in ended, or
why an action failed; shown until the reader acts). Wrong codes are counted
per client address, not per browser session (``tours.join_limit``).
"""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import segno
import streamlit as st

from heuristica.shared_store import StoreUnavailable, shared_store_from_environment
from heuristica.tours.audience import AudienceStore, MemoryAudienceStore
from heuristica.tours.audience_room import Audience
from heuristica.tours.join_limit import (
    JOIN_ATTEMPTS,
    JOIN_WINDOW_S,
    JoinLimit,
    MemoryJoinLimit,
    Network,
    RedisJoinLimit,
    client_address,
    refusal,
    trusted_proxies_from_environment,
)
from heuristica.tours.redis_audience import RedisAudienceStore
from heuristica.tours.redis_store import RedisSessionStore
from heuristica.tours.room import GONE, MISSING, UNREACHABLE, Room
from heuristica.tours.sessions import (
    Following,
    MemorySessionStore,
    Session,
    SessionGone,
    SessionStore,
    code_problem,
    ended_message,
    normalise_code,
)
from heuristica.ui.streamlit_internals import (
    browser_session,
    fragment_id,
    fragments_run_alone,
    is_connected,
    page_script_hash,
    rerun_fragment,
)

__all__ = [
    "FOLLOW_PARAM",
    "Live",
    "client",
    "cookie",
    "follow_here",
    "followed_session",
    "fragment_run",
    "join",
    "join_link",
    "keep_following_in_url",
    "leave_room",
    "live_point",
    "live_sessions",
    "moved",
    "present_point",
    "qr_png",
    "session_message",
    "start_presenting",
    "stop_presenting",
    "unavailable",
]

FOLLOW_PARAM = "follow"
"""``/tour?follow=K7QXM4P`` joins session K7QXM4P (the link and QR code a presenter
shows). A follower's URL keeps it, so a browser that reconnects, to this
server or (behind a load balancer) another, follows again."""
NOT_YET = "Followers cannot see this step yet"
FORWARDED_FOR = "X-Forwarded-For"
LOOPBACK = "127.0.0.1"
UNREACHABLE_MESSAGE = "The live session cannot be reached just now"

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Live:
    """This server's live sessions: the store (None if it cannot be configured),
    the room, the limit on wrong codes and the proxies whose X-Forwarded-For
    it believes, and what is wrong with the configuration, for the reader."""

    store: SessionStore | None
    room: Room | None
    joins: JoinLimit | None = None
    trusted: tuple[Network, ...] = ()
    problem: str | None = None
    audience: Audience | None = None
    """What comes back from the rooms (tours.audience_room)."""


@st.cache_resource
def live_sessions() -> Live:
    """The store and room of this server process, started once and shared by
    every browser session. ``HEURISTICA_REDIS_URL`` set: sessions live in
    Redis; unset: in this process."""
    try:
        shared = shared_store_from_environment()
        trusted = tuple(trusted_proxies_from_environment())
    except ValueError as error:  # SharedStoreError too
        _log.error("%s: live sessions are off", error)
        return Live(None, None, problem=f"Live sessions are off: {error}.")
    store: SessionStore = MemorySessionStore() if shared is None else RedisSessionStore(shared)
    joins: JoinLimit = MemoryJoinLimit() if shared is None else RedisJoinLimit(shared)
    if shared is not None:
        problem = shared.ping()
        if problem:
            _log.warning("%s: live sessions wait for it; reading and exploring work", problem)
    room = Room(store, wake=_wake, connected=is_connected)
    threading.Thread(target=room.run_forever, name="tour-room", daemon=True).start()
    rooms: AudienceStore = MemoryAudienceStore() if shared is None else RedisAudienceStore(shared)
    audience = Audience(rooms, store, wake=_wake, connected=is_connected)
    threading.Thread(target=audience.run_forever, name="tour-audience", daemon=True).start()
    return Live(store, room, joins, trusted, audience=audience)


def _browser() -> str:
    return browser_session() or ""


def _wake(browser: str, point: str) -> bool:
    """Run the live point of ``browser``'s page (``point``: "<page hash> <fragment id>",
    as registered)."""
    page, fragment = point.split(" ", 1)
    return rerun_fragment(browser, page, fragment)


def live_point(register: Callable[[str, str], None]) -> None:
    """End of a presenter's page: ``register(browser, point)`` with the room
    (``point`` is what ``_wake`` needs to reach this page's fragment); woken
    by the room, redraw the whole page."""
    _point(register)


@st.fragment
def _point(register: Callable[[str, str], None]) -> None:
    browser, page = browser_session(), page_script_hash()
    if browser is None or page is None:
        return
    if fragments_run_alone():
        st.rerun(scope="app")
    register(browser, f"{page} {fragment_id()}")


def session_message(message: str | None) -> None:
    st.session_state.tour_session_message = message


def unavailable(action: str, error: StoreUnavailable) -> None:
    session_message(f"{action}: {error.message}. Reading the tour works meanwhile.")


def start_presenting(store: SessionStore, tour_id: str, step: int) -> None:
    st.session_state.tour_following = None
    session_message(None)
    try:
        st.session_state.tour_presenting = store.start(tour_id, step)
    except StoreUnavailable as error:
        unavailable("Cannot start a live session", error)


def stop_presenting(live: Live) -> None:
    session: Session | None = st.session_state.tour_presenting
    st.session_state.tour_presenting = None
    if session is None or live.store is None or live.room is None:
        return
    live.room.stop_presenting(_browser())
    try:
        live.store.end(session.code)
    except StoreUnavailable as error:
        unavailable("The session could not be ended", error)


def moved(live: Live, tour_id: str, step: int) -> Session:
    """Publish the presenter's position (bringing back a session the store lost
    while she was still presenting); her session as it now stands. A step the
    store does not take now is not lost: the room writes it once the store
    answers and wakes this page, which then drops the warning."""
    assert live.store is not None and live.room is not None
    session: Session = st.session_state.tour_presenting
    published = live.room.published(_browser())
    if published is not None and published.code == session.code:
        session = max(session, published, key=lambda s: s.version)
    st.session_state.tour_presenting = session
    if (session.tour_id, session.step) != (tour_id, step):
        try:
            session = _move(live.store, session, tour_id, step)
        except StoreUnavailable as error:
            session_message(
                f"{NOT_YET}: {error.message}. They see it as soon as Redis answers; "
                "you may go on presenting."
            )
            return session
    st.session_state.tour_presenting = session
    if (st.session_state.tour_session_message or "").startswith(NOT_YET):
        session_message(None)
    return session


def _move(store: SessionStore, session: Session, tour_id: str, step: int) -> Session:
    try:
        return store.move(session.code, tour_id, step)
    except SessionGone:
        return store.restore(Session(session.code, tour_id, step, session.version))


def present_point(live: Live, session: Session, where: tuple[str, int]) -> None:
    """End of a presenter's page, standing at ``where`` (tour id, step)."""
    assert live.room is not None
    room = live.room
    live_point(lambda browser, fragment: room.present(browser, session, fragment, where))


def leave_room(live: Live) -> None:
    """This browser neither presents nor follows (any more): the room forgets it."""
    if live.room is not None:
        live.room.unfollow(_browser())
        live.room.stop_presenting(_browser())
    if live.audience is not None:
        live.audience.leave(_browser())
        live.audience.hide(_browser())


def cookie(name: str) -> str:
    """The value of this browser's cookie ``name`` as it connected ("" if none)."""
    value = st.context.cookies.get(name, "")
    return value if isinstance(value, str) else ""  # AppTest's stand-in says a mock


def client(live: Live) -> str:
    """Whom this browser's join attempts count against: its address, as
    ``tours.join_limit.client_address`` reads it (Streamlit says None for a
    loopback peer)."""
    peer = st.context.ip_address
    if not isinstance(peer, str):  # None for a loopback peer; AppTest's stand-in says a mock
        peer = LOOPBACK
    forwarded = st.context.headers.get_all(FORWARDED_FOR) if live.trusted else []
    return client_address(peer, forwarded, live.trusted)


def join(live: Live, typed: str) -> Session | None:
    """Follow the session ``typed`` names; None (with the reason in the
    session message) if there is none or this address must wait."""
    assert live.store is not None and live.joins is not None
    address = client(live)
    try:
        wait = live.joins.wait_seconds(address)
        if wait:
            session_message(refusal(wait))
            return None
        session = live.store.look_up(typed)
    except SessionGone as gone:
        if code_problem(typed) is None:
            with contextlib.suppress(StoreUnavailable):  # Redis just went: nothing joins now
                _count_failure(live.joins, address)
        session_message(gone.message)
        return None
    except StoreUnavailable as error:
        unavailable("Cannot join now", error)
        return None
    st.session_state.tour_presenting = None
    session_message(None)
    st.session_state.tour_following = Following(session.code)
    return session


def _count_failure(joins: JoinLimit, address: str) -> None:
    """Count a wrong code against ``address``; tell the operator when it hits the limit."""
    if joins.failed(address) == JOIN_ATTEMPTS:
        _log.warning(
            "%s tried %d session codes that lead to no session within %.0f s; "
            "its joins wait (a guesser, or a room behind one address mistyping)",
            address,
            JOIN_ATTEMPTS,
            JOIN_WINDOW_S,
        )


def followed_session(live: Live, following: Following) -> Session | int:
    """The followed session now; else GONE once it has ended (the reader is
    told), MISSING or UNREACHABLE while it cannot be seen (the reader is told
    it may come back, and is woken when it does)."""
    assert live.store is not None and live.room is not None
    missing = (
        f"The session `{following.code}` cannot be found just now; it comes back here "
        "if its presenter is still there."
    )
    try:
        session = live.store.look_up(following.code)
    except SessionGone as gone:
        if gone.ended or live.room.has_ended(following.code):
            st.session_state.tour_following = None
            session_message(ended_message(following.code))
            return GONE
        session_message(missing)
        return MISSING
    except StoreUnavailable as error:
        session_message(
            f"{UNREACHABLE_MESSAGE}: {error.message}. You see the presenter's step "
            "as soon as it answers; reading the tour works meanwhile."
        )
        return UNREACHABLE
    said = st.session_state.tour_session_message or ""
    if said == missing or said.startswith(UNREACHABLE_MESSAGE):
        session_message(None)
    return session


def keep_following_in_url(following: Following | None) -> None:
    """The URL names the session this browser follows (and nothing else's)."""
    code = following.code if following is not None else None
    if st.query_params.get(FOLLOW_PARAM) != code:
        if code is None:
            del st.query_params[FOLLOW_PARAM]
        else:
            st.query_params[FOLLOW_PARAM] = code


def fragment_run() -> bool:
    """Whether this run runs fragments alone (a wake-up, or a widget inside one)."""
    return fragments_run_alone()


def follow_here(live: Live, following: Following, drawn_version: int) -> None:
    """Inside a follower's step fragment, once it has drawn ``drawn_version``
    of the session: the room wakes this fragment alone when the session moves."""
    assert live.room is not None
    browser, page, fragment = browser_session(), page_script_hash(), fragment_id()
    if browser is None or page is None or not fragment:
        return
    live.room.follow(
        browser,
        following.code,
        attached=following.attached,
        drawn_version=drawn_version,
        fragment=f"{page} {fragment}",
    )


def join_link(code: str) -> str:
    """The address that follows ``code``, on the host this browser used."""
    base = st.context.url or ""
    origin = base.split("?", 1)[0].rsplit("/", 1)[0] if base else ""
    return f"{origin}/tour?{FOLLOW_PARAM}={normalise_code(code)}"


@st.cache_data(max_entries=256)
def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a PNG, drawn here (segno), so it loads from this server."""
    image = io.BytesIO()
    segno.make(text, error="m").save(image, kind="png", scale=8, border=2)
    return image.getvalue()
