"""Tours: a guided walk through the knowledge base, one step at a time.

Where the reader is has one owner (ui.tour_position: the session state; the
URL ``?tour=<id>&step=<n>`` shows it, so a step can be shared and Back
works). The page has three modes: a reader on their own (ui.tour_reader), a
presenter whose browser publishes each step to a live session under a short
code, shown with a join link and its QR code (ui.tour_presenter), and a
follower (``?follow=<code>``), woken to redraw when the presenter moves
(ui.tour_follower).
"""

from __future__ import annotations

import streamlit as st

from heuristica.ui import tour_live
from heuristica.ui.knowledge_base import current
from heuristica.ui.shell import inside_app
from heuristica.ui.tour_follower import show_follower
from heuristica.ui.tour_position import settle
from heuristica.ui.tour_presenter import PRESENTER_CSS, publish, show_presenter
from heuristica.ui.tour_reader import show_reader
from heuristica.ui.tour_screen import TourScreen

inside_app()

st.session_state.setdefault("tour_visited", {})
st.session_state.setdefault("tour_presenting", None)
st.session_state.setdefault("tour_following", None)
st.session_state.setdefault("tour_session_message", None)

kb = current()
screen = TourScreen(kb.result.tours, kb.graph, tour_live.live_sessions())

if not screen.tours:
    st.info(
        "The knowledge base has no tours yet: add YAML tours under its `tours/` folder "
        "(see `heuristica docs tours`)."
    )
    st.stop()

where = settle(screen.tours, screen.live)
presenting = publish(screen.live, where.position)

for problem in where.problems:
    st.warning(problem, icon=":material/link_off:")
if presenting is not None:
    st.html(PRESENTER_CSS)
if screen.live.problem:
    st.warning(screen.live.problem, icon=":material/cloud_off:")

if presenting is not None:
    show_presenter(screen, where.position, presenting)
elif where.following is not None and screen.live.store is not None:
    show_follower(screen, where)
else:
    show_reader(screen, where.position)
