"""A follower's side of the room: their presence and step, an optional name
(only the presenter sees it), their answer to the step's check question, a
raised hand ("I'm lost on this step") and short questions, limited in length
and per browser (``RAISE_LIMIT`` within ``RAISE_WINDOW_S``).

A follower is an id its browser session draws (``tour_follower_id``) and the
name it chose, if any (``tour_display_name``). Everything a follower sends
goes to this server's ``Audience`` (tours.audience_room), which writes it to
the store and keeps it until the store has it. The presenter's side is
ui.tour_room.
"""

from __future__ import annotations

import re
import secrets
import time

import streamlit as st

from heuristica.kb.markdown import escape_markdown, safe_markdown
from heuristica.kb.model import Question, Tour
from heuristica.tours.audience import (
    NAME_MAX_CHARS,
    TEXT_MAX_CHARS,
    Kind,
    Presence,
    Raised,
    Throttle,
    text_problem,
)
from heuristica.tours.navigation import Position
from heuristica.tours.sessions import Following
from heuristica.ui.streamlit_internals import browser_session
from heuristica.ui.tour_live import Live, cookie
from heuristica.ui.tour_room import unlinked
from heuristica.ui.tour_screen import Room

__all__ = ["follower_here", "follower_side", "hand_and_question", "name_field"]


FOLLOWER_COOKIE = "heuristica_follower"
FOLLOWER_COOKIE_S = 12 * 3600
"""How long a browser keeps its follower id: a day's sessions, not longer."""
FOLLOWER_ID = re.compile(r"[0-9a-f]{16}")


@st.cache_resource
def _throttle() -> Throttle:
    """Hands and questions per browser, on this server (a browser stays on one)."""
    return Throttle()


def _follower_id() -> str:
    """This browser's follower id: the one its cookie kept (a follower whose server
    went away is the same follower on the next), else a new one."""
    if "tour_follower_id" not in st.session_state:
        kept = cookie(FOLLOWER_COOKIE)
        fresh = FOLLOWER_ID.fullmatch(kept) is None
        st.session_state.tour_follower_id = secrets.token_hex(8) if fresh else kept
    follower: str = st.session_state.tour_follower_id
    return follower


def _keep_follower_id() -> None:
    """Put the follower id in this browser's cookie for the app's host: any of its
    servers reads it when the browser connects again (``st.context.cookies``)."""
    st.html(
        f"<script>document.cookie = '{FOLLOWER_COOKIE}={_follower_id()}; path=/; "
        f"max-age={FOLLOWER_COOKIE_S}; SameSite=Strict';</script>",
        unsafe_allow_javascript=True,
    )


def _name() -> str:
    return str(st.session_state.get("tour_display_name", "")).strip()[:NAME_MAX_CHARS]


def name_field(key: str) -> None:
    """The optional display name (kept under ``tour_display_name``: a widget's own
    state is dropped on a run that does not draw it)."""

    def keep() -> None:
        st.session_state.tour_display_name = st.session_state[key]

    st.text_input(
        "Your name for the presenter (optional)",
        value=_name(),
        max_chars=NAME_MAX_CHARS,
        key=key,
        on_change=keep,
        help="Only the presenter sees it. Leave it empty to stay anonymous.",
    )


def follower_here(live: Live, following: Following, tour_id: str, step: int) -> None:
    """Inside a follower's step fragment: this browser is in the room, at ``step``."""
    if live.audience is None:
        return
    presence = Presence(_follower_id(), following.attached, tour_id, step, _name())
    live.audience.here(_browser(), following.code, presence)


def follower_side(live: Live, following: Following) -> Room:
    """What a follower's screen adds: the step's check question, answered to the presenter."""

    def under_note(tour: Tour, at: Position) -> None:
        question = tour.steps[at.step].question
        if question is not None:
            _follower_question(live, following, question, tour.id, at.step)

    return Room(under_note=under_note)


def _follower_question(
    live: Live, following: Following, question: Question, tour_id: str, step: int
) -> None:
    """A step's check question in a live session: the answer goes to the
    presenter; once she reveals it, the explanation and this follower's result."""
    assert live.audience is not None
    audience, code = live.audience, following.code
    revealed = (tour_id, step) in audience.revealed(code)
    key = f"tour_live_answer_{code}_{tour_id}_{step}"

    def send() -> None:
        chosen = st.session_state.get(key)
        if chosen is None:
            return
        index = question.choices.index(chosen)
        if not audience.answer(code, _follower_id(), (tour_id, step), index):
            _say("The presenter has revealed the answer: it can no longer change.")

    # the answer this follower gave before, maybe on another server: looked up
    # once per question and browser session, and kept (a stable default)
    if f"{key}_before" not in st.session_state:
        st.session_state[f"{key}_before"] = audience.chosen(code, _follower_id(), (tour_id, step))
    before: int | None = st.session_state[f"{key}_before"]
    mine = st.radio(
        safe_markdown(question.prompt),
        question.choices,
        index=before,
        format_func=escape_markdown,
        key=key,
        on_change=send,
        disabled=revealed,
    )
    explanation = safe_markdown(question.explanation)
    right = escape_markdown(question.answer)
    if not revealed:
        if mine is not None:
            st.caption(
                "Your answer is with the presenter. You may change it until she reveals "
                "the answer; nobody sees the others' answers before that."
            )
        return
    if mine == question.answer:
        st.success(f"**Right.** {explanation}", icon=":material/check_circle:")
    elif mine is None:
        st.info(f"**The answer is “{right}”.** {explanation}", icon=":material/lightbulb:")
    else:
        st.error(
            f"**Not quite:** you chose “{escape_markdown(mine)}”; the answer is “{right}”. "
            f"{explanation}",
            icon=":material/lightbulb:",
        )


def _say(message: str | None) -> None:
    st.session_state.tour_room_message = message


def _send(live: Live, kind: Kind) -> None:
    """Send a hand or the typed question about the step this browser shows now."""
    following: Following | None = st.session_state.get("tour_following")
    if live.audience is None or following is None:
        return
    where: Position = st.session_state.tour_position
    text = str(st.session_state.get("tour_question_text", "")) if kind == "question" else ""
    if kind == "question" and (problem := text_problem(text)):
        _say(problem)
        return
    wait = _throttle().wait_seconds(_follower_id())
    if wait:
        _say(
            f"You have sent a few just now: wait {wait:.0f} s before the next "
            "(the presenter has them in her queue)."
        )
        return
    raised = Raised(
        secrets.token_hex(8),
        _follower_id(),
        kind,
        text.strip(),
        where.tour_id,
        where.step,
        time.time(),
        _name(),
    )
    live.audience.raise_(following.code, raised)
    if kind == "question":
        st.session_state.tour_question_text = ""
        _say(f"Sent to the presenter: “{unlinked(raised.text)}”")
    else:
        _say("Your hand is up: the presenter sees you are lost on this step.")


def hand_and_question(live: Live) -> None:
    """ "I'm lost" and a short question about the page, for the presenter only. In
    the sidebar, not in the step fragment: it does not change with the step (a
    click sends the step shown then), and a room's every wake-up would draw it."""
    with st.sidebar.container(border=True):
        st.markdown("**Lost, or a question?** Only the presenter sees these.")
        st.button(
            "I'm lost on this step",
            on_click=_send,
            args=(live, "hand"),
            icon=":material/back_hand:",
        )
        st.text_input(
            "Your question about this page",
            max_chars=TEXT_MAX_CHARS,
            key="tour_question_text",
            placeholder="A short question (the presenter's queue)",
        )
        st.button(
            "Send question",
            on_click=_send,
            args=(live, "question"),
            icon=":material/send:",
        )
        said = st.session_state.get("tour_room_message")
        if said:
            st.caption(said)
        name_field("tour_name_following")
        _keep_follower_id()  # last: the empty element's gap falls at the bottom


def _browser() -> str:
    return browser_session() or ""
