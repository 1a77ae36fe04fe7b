"""The presenter's side of the room: who follows and where (with the detached
followers' counts on her graph), the step's check question as the room
answers it with Reveal, the queue of hands and questions with Mark answered,
and the session summary, kept on her page after she stops presenting.

Her room view is one fragment, woken by this server's ``Audience``
(tours.audience_room) when her room changes; when the detached followers'
pages change, it redraws her whole page so that the graph's counts follow.
What followers send is ui.tour_room_follower.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import time
from collections import Counter
from collections.abc import Mapping

import streamlit as st

from heuristica.kb.markdown import escape_markdown, safe_markdown
from heuristica.kb.model import Question, Tour
from heuristica.shared_store import StoreUnavailable
from heuristica.tours.audience import Presence, Raised, RoomState
from heuristica.tours.audience_room import Audience, digest
from heuristica.tours.sessions import Session, SessionGone, code_problem
from heuristica.tours.summary import summary_csv, summary_markdown
from heuristica.ui import tour_live
from heuristica.ui.streamlit_internals import browser_session, fragment_id, page_script_hash
from heuristica.ui.tour_live import Live, fragment_run
from heuristica.ui.tour_position import clamp, show
from heuristica.ui.tour_screen import Room

__all__ = [
    "detached_counts",
    "ended_room",
    "keep_presenter_key",
    "presenter_side",
    "start_presenting",
    "stop_presenting",
    "summary_downloads",
    "take_back_offer",
    "unlinked",
]

ANONYMOUS = "anonymous"
PRESENTER_COOKIE = "heuristica_presenter"
PRESENTER_KEY = re.compile(r"[A-Za-z0-9_-]{24}")
"""``secrets.token_urlsafe(18)``: nothing else from the cookie reaches her page."""
PRESENTER_COOKIE_S = 12 * 3600
"""How long her browser keeps the key of a session she presented (a session
lasts at most ``IDLE_TIMEOUT_S`` without a move)."""


def _point() -> tuple[str, str] | None:
    """(browser, what wakes the fragment running now), or None outside one."""
    browser, page, fragment = browser_session(), page_script_hash(), fragment_id()
    if browser is None or page is None or not fragment:
        return None
    return browser, f"{page} {fragment}"


def detached_counts(state: RoomState, tour: Tour) -> dict[str, int]:
    """Page id -> how many detached followers are on a step of ``tour`` showing it."""
    counts: Counter[str] = Counter()
    for (tour_id, step), n in state.where_detached().items():
        if tour_id == tour.id and step < len(tour.steps):
            counts[tour.steps[step].page] += n
    return dict(counts)


def presenter_side(live: Live, session: Session, tour: Tour) -> Room:
    """What the presenter's screen adds: the detached followers' counts on her
    graph, and her room view under the step's note."""
    assert live.audience is not None
    counts = detached_counts(live.audience.view(session.code)[0], tour)
    return Room(counts, lambda shown, at: _presenter_room(live, session, shown, at.step, counts))


def unlinked(text: str) -> str:
    """``text`` as Markdown that shows exactly it and links nothing: Streamlit turns
    a bare ``www.…`` or ``http://…`` into a link even when escaped, but not with
    a word joiner (U+2060, invisible) before each dot."""
    return escape_markdown(text).replace("\\.", "\u2060\\.")


def _where(presence: Presence) -> str:
    return "on your step" if presence.attached else f"detached, at step {presence.step + 1}"


def _who(presence: Presence | Raised) -> str:
    return unlinked(presence.name) if presence.name else f"*{ANONYMOUS}*"


@st.fragment
def _presenter_room(
    live: Live,
    session: Session,
    tour: Tour,
    step: int,
    drawn_counts: Mapping[str, int],
) -> None:
    """The room at a glance, the step's question as the room answers it, and the
    queue of hands and questions; woken when the room changes."""
    assert live.audience is not None
    audience = live.audience
    audience.presenter_at(session.code, tour.id, step)
    state, problem = audience.view(session.code)
    if fragment_run() and detached_counts(state, tour) != dict(drawn_counts):
        st.rerun(scope="app")  # the graph's counts change with the page
    point = _point()
    if point is not None:
        audience.shows(point[0], session.code, point[1], digest(state))
    if problem:
        st.warning(
            f"The room cannot be read just now: {problem}. What reached this server is shown.",
            icon=":material/cloud_off:",
        )
    _glance(state, tour, step)
    question = tour.steps[step].question
    if question is not None:
        _answers(audience, session.code, state, question, (tour.id, step))
    _queue(audience, session.code, state, tour)


def _glance(state: RoomState, tour: Tour, step: int) -> None:
    here = len(state.present)
    detached = state.detached()
    line = (
        f"**{here}** following · **{state.on_step(tour.id, step)}** on this step · "
        f"**{len(detached)}** detached · **{state.left}** left"
    )
    st.markdown(line, help="Followers detached on a page show as “(n here)” on it in the graph.")
    with st.expander(f"Who is here ({here})"):
        if not state.present:
            st.caption("Nobody follows yet: they join with the code, the link or the QR code.")
        # one element, however many follow: the view is redrawn as the room changes
        st.markdown("\n".join(f"- {_who(p)}: {_where(p)}" for p in state.present))


def _answers(
    audience: Audience,
    code: str,
    state: RoomState,
    question: Question,
    key: tuple[str, int],
) -> None:
    counts = state.distribution(*key)
    here = {p.follower for p in state.present}
    answered_here = {f for t, s, f, _ in state.answers if (t, s) == key and f in here}
    total = sum(counts.values())
    revealed = key in state.revealed
    with st.container(border=True):
        st.markdown(f"**The room answers:** {safe_markdown(question.prompt)}")
        for index, choice in enumerate(question.choices):
            mark = " ✓" if revealed and choice == question.answer else ""
            count = counts.get(index, 0)
            st.progress(
                count / total if total else 0.0,
                text=f"{escape_markdown(choice)}{mark}: **{count}**",
            )
        st.caption(f"{total} answered · {len(here - answered_here)} following have not answered")
        if revealed:
            st.success(
                f"Revealed: the answer is “{escape_markdown(question.answer)}”. "
                "Followers see the explanation and their own result.",
                icon=":material/visibility:",
            )
        else:
            st.button(
                "Reveal the answer",
                on_click=audience.reveal,
                args=(code, key),
                icon=":material/visibility:",
                type="primary",
            )


def _queue(audience: Audience, code: str, state: RoomState, tour: Tour) -> None:
    waiting = state.waiting()
    done = len(state.raised) - len(waiting)
    st.markdown(f"**Hands and questions:** {len(waiting)} waiting · {done} answered")
    for raised in waiting:
        with st.container(border=True):
            step = tour.steps[raised.step] if raised.tour_id == tour.id else None
            where = (
                f"step {raised.step + 1}" if step is not None else escape_markdown(raised.tour_id)
            )
            if raised.kind == "hand":
                st.markdown(f":material/back_hand: **Lost** on {where}")
            else:
                st.text(raised.text)  # as typed: no Markdown, no links
            asked = time.strftime("%H:%M", time.localtime(raised.at))
            what = "Hand" if raised.kind == "hand" else "Question"
            st.caption(f"{what} from {_who(raised)} · {where} · {asked}")
            st.button(
                "Mark answered",
                key=f"tour_mark_{raised.id}",
                on_click=audience.mark_answered,
                args=(code, raised.id),
                icon=":material/done:",
            )


def summary_downloads(
    live: Live,
    code: str,
    tours: Mapping[str, Tour],
    titles: Mapping[str, str],
    ended: tuple[RoomState, float] | None = None,
) -> None:
    """The session summary as Markdown and CSV, made when clicked (``ended``: the
    room as it was when the session ended, and when)."""
    assert live.audience is not None
    audience = live.audience

    def room() -> tuple[RoomState, float]:
        return ended if ended is not None else (audience.view(code)[0], time.time())

    def markdown() -> str:
        state, until = room()
        return summary_markdown(code, state, tours, titles, until)

    def csv() -> str:
        state, until = room()
        return summary_csv(code, state, tours, titles, until)

    left, right = st.columns(2)
    left.download_button(
        "Session summary (Markdown)",
        data=markdown,
        file_name=f"session-{code}.md",
        mime="text/markdown",
        icon=":material/summarize:",
        on_click="ignore",
    )
    right.download_button(
        "Session summary (CSV)",
        data=csv,
        file_name=f"session-{code}.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
    )


def stop_presenting(live: Live) -> None:
    """End the session: its room is forgotten in the store; its summary stays in
    this browser's session (this server's memory) until she forgets it or leaves."""
    session: Session | None = st.session_state.tour_presenting
    if session is not None and live.audience is not None:
        state, _ = live.audience.view(session.code)
        st.session_state.tour_ended_room = (session.code, state, time.time())
        with contextlib.suppress(StoreUnavailable):  # then it expires by itself (ROOM_TTL_S)
            live.audience.forget(session.code)
    tour_live.stop_presenting(live)


def ended_room(live: Live, tours: Mapping[str, Tour], titles: Mapping[str, str]) -> None:
    """After she stopped presenting: the ended session's summary, until she forgets it."""
    ended = st.session_state.get("tour_ended_room")
    if ended is None or live.audience is None:
        return
    code, state, until = ended
    with st.container(border=True):
        st.markdown(
            f"**The session `{code}` has ended.** Its room is no longer stored anywhere; "
            "its summary stays on this page until you forget it or close the tab."
        )
        summary_downloads(live, code, tours, titles, (state, until))
        st.button(
            "Forget the summary",
            on_click=st.session_state.__setitem__,
            args=("tour_ended_room", None),
            icon=":material/delete:",
        )


# Taking a session back on another server.


def start_presenting(live: Live, tour_id: str, step: int) -> None:
    """Start a live session with a presenter's key: kept in her browser's cookie
    (``keep_presenter_key``), only its digest in the room, so that her browser
    may take the session back on any server if hers goes away."""
    assert live.store is not None
    tour_live.start_presenting(live.store, tour_id, step)
    session: Session | None = st.session_state.tour_presenting
    if session is not None and live.audience is not None:
        key = secrets.token_urlsafe(18)
        live.audience.claim(session.code, key)
        st.session_state.tour_presenter_key = f"{session.code}.{key}"


def keep_presenter_key() -> None:
    """Put the presenter's key in her browser's cookie for the app's host (on
    her page, not in its URL: the URL may be on the projector)."""
    kept = st.session_state.get("tour_presenter_key")
    if kept:
        st.html(
            f"<script>document.cookie = '{PRESENTER_COOKIE}={kept}; path=/; "
            f"max-age={PRESENTER_COOKIE_S}; SameSite=Strict';</script>",
            unsafe_allow_javascript=True,
        )


def take_back_offer(live: Live, tours: Mapping[str, Tour]) -> None:
    """A reader whose browser holds the key of a session that is still live (her
    server went away, or she reloaded): offer to take it back."""
    kept = tour_live.cookie(PRESENTER_COOKIE)
    code, _, key = kept.partition(".")
    if not PRESENTER_KEY.fullmatch(key) or code_problem(code):
        return
    if live.store is None or live.audience is None:
        return
    try:
        session = live.store.look_up(code)
    except (SessionGone, StoreUnavailable):
        return
    if session.tour_id not in tours or not live.audience.holds(code, key):
        return
    with st.container(border=True):
        st.markdown(
            f"**Your live session `{code}` is still going** (its followers wait on step "
            f"{session.step + 1}). Take it back to carry on presenting from here."
        )
        st.button(
            "Take back the session",
            on_click=_take_back,
            args=(session, kept, tours),
            icon=":material/present_to_all:",
            type="primary",
        )


def _take_back(session: Session, kept: str, tours: Mapping[str, Tour]) -> None:
    st.session_state.tour_following = None
    st.session_state.tour_presenting = session
    st.session_state.tour_presenter_key = kept
    tour_live.session_message(None)
    show(clamp(tours, session.tour_id, session.step))
