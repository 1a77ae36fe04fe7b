"""A tour followed live: the presenter's step, redrawn when she moves. The
follower's page is one fragment that the room wakes alone (``tour_live``);
it settles where the browser is again and redraws the step. A follower who
stops following, whose session ended or whose presenter changed tours gets
the whole page again."""

from __future__ import annotations

import streamlit as st

from heuristica.tours.sessions import Following
from heuristica.ui import tour_live, tour_room_follower
from heuristica.ui.tour_position import Where, settle
from heuristica.ui.tour_screen import TourScreen

__all__ = ["show_follower"]


def show_follower(screen: TourScreen, where: Where) -> None:
    _view(screen, where)
    tour_room_follower.hand_and_question(screen.live)
    screen.downloads(screen.tours[where.position.tour_id])


@st.fragment
def _view(screen: TourScreen, where: Where) -> None:
    """The page below its warnings and above its downloads."""
    if tour_live.fragment_run():
        drawn_tour = where.position.tour_id  # the downloads below are this tour's
        where = settle(screen.tours, screen.live)
        if (
            where.following is None
            or st.session_state.tour_presenting is not None
            or where.position.tour_id != drawn_tour
        ):
            st.rerun(scope="app")
    following = where.following
    assert following is not None
    in_touch = where.drawn_version > 0
    live = screen.live
    room = tour_room_follower.follower_side(live, following) if live.audience is not None else None
    screen.draw(
        where.position, lambda _tour, _at: _header(following, in_touch), presenting=False, room=room
    )
    tour_live.follow_here(live, following, where.drawn_version)
    tour_room_follower.follower_here(live, following, where.position.tour_id, where.position.step)


def _set_following(value: Following | None) -> None:
    st.session_state.tour_following = value


def _header(following: Following, in_touch: bool) -> None:
    """Whom this browser follows, and whether it is in touch with the session
    now (not while the store does not answer or has lost it)."""
    status, buttons = st.columns([3, 2], vertical_alignment="center")
    if following.attached:
        if in_touch:
            status.success(f"Following session `{following.code}` live.", icon=":material/cast:")
        else:
            status.warning(
                f"Following session `{following.code}`: out of touch with it just now (see above).",
                icon=":material/cloud_off:",
            )
        buttons.button(
            "Detach",
            on_click=_set_following,
            args=(following.detach(),),
            icon=":material/call_split:",
        )
    else:
        status.info(
            f"Detached from session `{following.code}`: you are on your own.",
            icon=":material/call_split:",
        )
        buttons.button(
            "Re-join",
            on_click=_set_following,
            args=(following.rejoin(),),
            icon=":material/call_merge:",
            type="primary",
        )
    buttons.button(
        "Stop following", on_click=_set_following, args=(None,), icon=":material/logout:"
    )
