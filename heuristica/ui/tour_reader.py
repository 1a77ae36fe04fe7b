"""A tour for a reader on their own: pick a tour, step through it, start
presenting it, or join a presenter's session by its code."""

from __future__ import annotations

import streamlit as st

from heuristica.kb.markdown import escape_markdown
from heuristica.kb.model import Tour
from heuristica.tours.navigation import Position
from heuristica.ui import tour_live, tour_room, tour_room_follower
from heuristica.ui.tour_position import clamp, move_to, show
from heuristica.ui.tour_screen import TourScreen

__all__ = ["show_reader"]


def show_reader(screen: TourScreen, position: Position) -> None:
    tour_room.ended_room(screen.live, screen.tours, screen.titles())
    tour_room.take_back_offer(screen.live, screen.tours)
    screen.draw(position, lambda tour, at: _header(screen, tour, at), presenting=False)
    screen.downloads(screen.tours[position.tour_id])
    tour_live.leave_room(screen.live)


def _header(screen: TourScreen, tour: Tour, position: Position) -> None:
    tours, store = screen.tours, screen.live.store
    st.caption(
        f"**Audience:** {escape_markdown(tour.audience)} · about {tour.estimated_minutes} minutes"
    )
    pick, present, follow, _ = st.columns([3, 1.2, 1.2, 2.6], vertical_alignment="bottom")
    ids = sorted(tours, key=lambda t: tours[t].title.lower())
    st.session_state.tour_pick = tour.id
    pick.selectbox(
        "Tour",
        ids,
        format_func=lambda t: tours[t].title,
        key="tour_pick",
        on_change=lambda: move_to(tours, st.session_state.tour_pick, 0),
    )
    present.button(
        "Present",
        on_click=lambda: _start_presenting(screen, tour.id, position.step),
        disabled=store is None,
        icon=":material/present_to_all:",
        help="Start a live session others can follow with a code, a link or a QR code",
        use_container_width=True,
    )
    with follow.popover(
        "Follow", icon=":material/cast:", use_container_width=True, disabled=store is None
    ):
        st.text_input("Session code", key="tour_join_code", placeholder="e.g. K7QXM4P")
        tour_room_follower.name_field("tour_name_joining")
        st.button("Join", on_click=lambda: _join_typed(screen), icon=":material/login:")


def _start_presenting(screen: TourScreen, tour_id: str, step: int) -> None:
    tour_room.start_presenting(screen.live, tour_id, step)


def _join_typed(screen: TourScreen) -> None:
    assert screen.live.store is not None
    session = tour_live.join(screen.live, st.session_state.tour_join_code)
    if session is not None and session.tour_id in screen.tours:
        show(clamp(screen.tours, session.tour_id, session.step))
