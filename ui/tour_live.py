"""Streamlit glue for live sessions: the one store per server process, and
the once-a-second fragments that keep a presenter's session alive and a
follower's browser on the presenter's step.

State in ``st.session_state``: ``tour_presenting`` (the code this browser
presents, or None), ``tour_following`` (a ``Following``, or None) and
``tour_session_message`` (why a session this browser took part in ended,
shown once).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from heuristica.tours.sessions import Following, MemorySessionStore, SessionStore

__all__ = [
    "DETACHED_POLL_SECONDS",
    "HEARTBEAT_SECONDS",
    "POLL_SECONDS",
    "follow_poll",
    "presenter_heartbeat",
    "session_store",
]

POLL_SECONDS = 0.5
"""How often a follower looks for a new step. A fragment's next run waits for
the page's previous run, so gaps reach about twice this: 0.5 s keeps a
follower within the 2 s a room expects."""
DETACHED_POLL_SECONDS = 5.0
"""A detached follower only needs to learn that the session ended; rare polls
leave their own clicks alone (a click that lands during a fragment run can be
lost)."""
HEARTBEAT_SECONDS = 3.0
"""How often a presenter's page says she is still there (well inside
PRESENTER_TIMEOUT_S); rarer than polls, so her clicks rarely meet a fragment run."""


@st.cache_resource
def session_store() -> SessionStore:
    """The live sessions of this server process, shared by every browser session.

    The store outlives a reload of ``tours.sessions`` (Streamlit re-imports
    edited modules; this cache keeps the old object), so callers catch its
    ``SessionGone`` as the built-in ``LookupError`` it derives from.
    """
    return MemorySessionStore()


def _ended(message: str) -> None:
    st.session_state.tour_presenting = None
    st.session_state.tour_following = None
    st.session_state.tour_session_message = message
    st.rerun(scope="app")


@st.fragment(run_every=HEARTBEAT_SECONDS)
def presenter_heartbeat(code: str) -> None:
    """Tell the store the presenter is still here."""
    try:
        session_store().heartbeat(code)
    except LookupError as gone:
        _ended(str(gone))


def follow_poll(
    following: Following, shown: tuple[str, int], go: Callable[[str, int], None]
) -> None:
    """Keep checking the followed session: attached, every POLL_SECONDS, and if
    the presenter has moved away from ``shown`` (tour id, step), ``go`` there
    and redraw the page; detached, every DETACHED_POLL_SECONDS, only to learn
    that the session has ended. Either way, say so when it has."""
    poll = _attached_poll if following.attached else _detached_poll
    poll(following, shown, go)


def _poll(following: Following, shown: tuple[str, int], go: Callable[[str, int], None]) -> None:
    try:
        session = session_store().look_up(following.code)
    except LookupError as gone:
        _ended(str(gone))
        return
    target = following.target(session, own=shown)
    if target != shown:
        go(*target)
        st.rerun(scope="app")


@st.fragment(run_every=POLL_SECONDS)
def _attached_poll(
    following: Following, shown: tuple[str, int], go: Callable[[str, int], None]
) -> None:
    _poll(following, shown, go)


@st.fragment(run_every=DETACHED_POLL_SECONDS)
def _detached_poll(
    following: Following, shown: tuple[str, int], go: Callable[[str, int], None]
) -> None:
    _poll(following, shown, go)
