"""Where this browser is in a tour: ``st.session_state.tour_position`` owns it,
the URL (``?tour=<id>&step=<n>``) shows it.

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

import streamlit as st

from heuristica.kb.model import Tour
from heuristica.tours.navigation import Position, TourRequest, resolve_position
from heuristica.ui.streamlit_internals import is_history_navigation

__all__ = ["requested_position", "show", "url_is_news"]

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
