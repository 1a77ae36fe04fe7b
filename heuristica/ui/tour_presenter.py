"""A tour on the projector: the presenter's session code, join link and QR
code above the step, large type, no sidebar; each step she takes is published
to her live session (``tour_live.moved``)."""

from __future__ import annotations

import streamlit as st

from heuristica.tours.navigation import Position
from heuristica.tours.sessions import Session
from heuristica.ui import tour_live, tour_room
from heuristica.ui.tour_screen import TourScreen

__all__ = ["PRESENTER_CSS", "publish", "show_presenter"]

PRESENTER_CSS = """
<style>
section[data-testid="stSidebar"], header[data-testid="stHeader"] { display: none; }
div[data-testid="stMainBlockContainer"] { padding-top: 1rem; max-width: 100%; }
div[data-testid="stMainBlockContainer"] div[data-testid="stMarkdownContainer"] p,
div[data-testid="stMainBlockContainer"] div[data-testid="stMarkdownContainer"] li {
  font-size: 1.45rem; line-height: 1.5;
}
div[data-testid="stMainBlockContainer"] h1 { font-size: 2.6rem; }
div[data-testid="stMainBlockContainer"] div[data-testid="stMetricValue"] p {
  font-size: clamp(2rem, 3.2vw, 3.2rem); font-weight: 700; letter-spacing: 0.1em; line-height: 1.1;
}
</style>
"""


def publish(live: tour_live.Live, position: Position) -> Session | None:
    """The session this browser presents, moved to ``position``; None if it presents none."""
    presenting: Session | None = st.session_state.tour_presenting
    if presenting is not None and live.store is not None:
        presenting = tour_live.moved(live, position.tour_id, position.step)
    return presenting


def show_presenter(screen: TourScreen, position: Position, session: Session) -> None:
    live = screen.live
    tour = screen.tours[position.tour_id]
    room = tour_room.presenter_side(live, session, tour) if live.audience is not None else None
    screen.draw(position, lambda _tour, _at: _header(screen, session), presenting=True, room=room)
    if live.audience is not None:
        tour_room.summary_downloads(live, session.code, screen.tours, screen.titles())
    tour_live.present_point(live, session, (position.tour_id, position.step))


def _header(screen: TourScreen, session: Session) -> None:
    link = tour_live.join_link(session.code)
    # at 1024 px wide and up, the code stays whole and the QR code (170 px) stays in its column
    code_column, qr_column, how_column = st.columns([1.6, 1.2, 3], vertical_alignment="center")
    code_column.metric("Session code", session.code)
    code_column.button(
        "Stop presenting",
        on_click=tour_room.stop_presenting,
        args=(screen.live,),
        icon=":material/cancel_presentation:",
    )
    with code_column:
        tour_room.keep_presenter_key()  # last in its column: the empty element's gap
    qr_column.image(
        tour_live.qr_png(link),
        caption="Scan to follow",
        width=170,
        output_format="PNG",
        alt=f"QR code of the link to follow session {session.code}",
    )
    how_column.markdown("#### To follow along: scan the code, or open this link")
    how_column.code(link, language=None, wrap_lines=True)
    how_column.markdown("or open **Tours**, choose **Follow** and type the session code.")
