"""Where this browser is in a tour: ``st.session_state.tour_position`` owns it;
the URL (``?tour=<id>&step=<n>``) and the live session are views of it.
``settle`` is the one place a run decides it, and ``move_to`` the one place a
reader's action changes it: a follower's position is the followed session's
(read again on every run while attached), a presenter's session is moved to
hers (``tour_live.moved``), and ``show`` writes the URL.

Every request a browser sends carries the URL it had when it sent it, and
Streamlit resets ``st.query_params`` from that URL at the start of every
run, fragment runs included. A request that left the browser before the new
URL arrived (a timer, a component, a second click) therefore carries the old
step. The page used to take its position from ``st.query_params`` on every
run, so such a request undid a move whose callback had already run: the
"lost click" of docs/tours.md. Now the URL is read only when it can be news:
on the browser's first run of the page (a link, a bookmark, a reload) and on
Back/Forward; otherwise the position in the session state wins and is
written back to the URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from heuristica.kb.model import Tour
from heuristica.tours.navigation import Position, TourRequest, resolve_position
from heuristica.tours.room import GONE
from heuristica.tours.sessions import Following
from heuristica.ui import tour_live
from heuristica.ui.streamlit_internals import is_history_navigation

__all__ = [
    "Where",
    "clamp",
    "move_by",
    "move_to",
    "requested_position",
    "settle",
    "show",
    "url_is_news",
]

URL_KEYS = ("tour", "step")


def url_is_news() -> bool:
    """Whether this run should take the URL's word for where the reader is."""
    return st.session_state.get("tour_position") is None or is_history_navigation()


def requested_position(tours: Mapping[str, Tour]) -> TourRequest:
    """The position to show before any live session is considered: the URL's
    when it is news and names one, else where this browser last was (checked
    against the tours as they are now)."""
    if url_is_news() and any(key in st.query_params for key in URL_KEYS):
        return resolve_position(
            st.query_params.get_all("tour"), st.query_params.get_all("step"), tours
        )
    remembered: Position | None = st.session_state.get("tour_position")
    asked = ([remembered.tour_id], [str(remembered.step + 1)]) if remembered else ([], [])
    return TourRequest(resolve_position(*asked, tours).position)


def show(position: Position) -> None:
    """Make ``position`` where this browser is, and what its URL says."""
    st.session_state.tour_position = position
    wanted = {"tour": position.tour_id, "step": str(position.step + 1)}
    if any(st.query_params.get_all(key) != [value] for key, value in wanted.items()):
        st.query_params.update(wanted)  # one message to the browser, not one per key


@dataclass(frozen=True)
class Where:
    """Where this run shows the browser, and why."""

    position: Position
    following: Following | None
    """The session this browser follows (attached or not), if any."""
    drawn_version: int
    """The followed session's version the position stands for (GONE when it
    follows nobody, MISSING or UNREACHABLE while its session cannot be seen)."""
    problems: tuple[str, ...] = ()
    """What was wrong with the URL, for the reader."""


def clamp(tours: Mapping[str, Tour], tour_id: str, step: int) -> Position:
    return Position(tour_id, min(max(step, 0), len(tours[tour_id].steps) - 1))


def settle(tours: Mapping[str, Tour], live: tour_live.Live) -> Where:
    """Where this browser is now: the session a join link names (on the run
    the link is news), else the followed session while attached, else the
    URL when it is news, else where this browser was. Shown in the URL, which
    also keeps the followed session's code (``?follow=``), so a browser that
    reconnects, to this server or another, follows again."""
    request = requested_position(tours)
    position = request.position
    follow = st.query_params.get(tour_live.FOLLOW_PARAM)
    if follow is not None and url_is_news() and live.store is not None:
        joined = tour_live.join(live, follow)
        if joined is not None and joined.tour_id in tours:
            position = clamp(tours, joined.tour_id, joined.step)
    where = _followed(tours, live, position)
    show(where.position)
    tour_live.keep_following_in_url(where.following)
    return Where(where.position, where.following, where.drawn_version, request.problems)


def _followed(tours: Mapping[str, Tour], live: tour_live.Live, base: Position) -> Where:
    """``base``, or the followed session's position while attached to it."""
    following: Following | None = st.session_state.get("tour_following")
    if following is None or live.store is None:
        return Where(base, following, GONE)
    followed = tour_live.followed_session(live, following)
    following = st.session_state.get("tour_following")  # an ended session stops it
    if isinstance(followed, int):  # GONE, MISSING or UNREACHABLE
        return Where(base, following, followed)
    if following is not None and following.attached and followed.tour_id in tours:
        return Where(clamp(tours, followed.tour_id, followed.step), following, followed.version)
    return Where(base, following, followed.version)


def move_to(tours: Mapping[str, Tour], tour_id: str, step: int) -> None:
    """The reader moves on their own (a button, a key, the graph): a follower
    detaches, and the position is shown."""
    following: Following | None = st.session_state.get("tour_following")
    if following is not None and following.attached:
        st.session_state.tour_following = following.detach()
    tour_live.session_message(None)
    show(clamp(tours, tour_id, step))


def move_by(tours: Mapping[str, Tour], offset: int) -> None:
    """Next, Previous and the arrow keys: ``offset`` steps from where the reader
    is now, not from where the run that drew the button was. A click may reach
    the server before the run its last click started has drawn its buttons, and
    then runs the callback that run's elder left."""
    now: Position = st.session_state.tour_position
    move_to(tours, now.tour_id, now.step + offset)
