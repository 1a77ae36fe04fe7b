"""The room on screen: what a follower sends (presence, an answer, a raised
hand, a question, an optional name) and what the presenter sees of it (who
follows and where, the answers filling in, the queue, the summary).

A follower is an id its browser session draws (``tour_follower_id``) and the
name it chose, if any (``tour_display_name``), which only the presenter sees.
Everything a follower sends goes to this server's ``Audience``
(tours.audience_room), which writes it to the store and keeps it until the
store has it. The presenter's room view is one fragment, woken by the
audience when her room changes; when the detached followers' pages change,
it redraws her whole page so that the graph's counts follow.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import Counter
from collections.abc import Mapping

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    ThreadState,
    get_script_run_ctx,
)

from heuristica.graph.markdown import escape_markdown, safe_markdown
from heuristica.graph.model import Question, Tour
from heuristica.shared_store import StoreUnavailable
from heuristica.tours.audience import (
    NAME_MAX_CHARS,
    TEXT_MAX_CHARS,
    Kind,
    Presence,
    Raised,
    RoomState,
    Throttle,
    text_problem,
)
from heuristica.tours.audience_room import Audience, digest
from heuristica.tours.navigation import Position
from heuristica.tours.sessions import Following, Session
from heuristica.tours.summary import summary_csv, summary_markdown
from heuristica.ui import tour_live
from heuristica.ui.tour_live import Live, fragment_run

__all__ = [
    "detached_counts",
    "ended_room",
    "follower_here",
    "follower_question",
    "hand_and_question",
    "name_field",
    "presenter_room",
    "stop_presenting",
    "summary_downloads",
]

ANONYMOUS = "anonymous"


@st.cache_resource
def _throttle() -> Throttle:
    """Hands and questions per browser, on this server (a browser stays on one)."""
    return Throttle()


def _follower_id() -> str:
    if "tour_follower_id" not in st.session_state:
        st.session_state.tour_follower_id = secrets.token_hex(8)
    follower: str = st.session_state.tour_follower_id
    return follower


def _name() -> str:
    return str(st.session_state.get("tour_display_name", "")).strip()[:NAME_MAX_CHARS]


def _point() -> tuple[str, str] | None:
    """(browser, what wakes the fragment running now), or None outside one."""
    ctx = get_script_run_ctx()
    fragment = ThreadState.get().fragment_id
    if ctx is None or not fragment:
        return None
    return ctx.session_id, f"{ctx.page_script_hash} {fragment}"


def _browser() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


# The follower's side.


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


def follower_question(
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

    mine = st.radio(
        safe_markdown(question.prompt),
        question.choices,
        index=None,
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
        _say(f"Sent to the presenter: “{_unlinked(raised.text)}”")
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


# The presenter's side.


def detached_counts(state: RoomState, tour: Tour) -> dict[str, int]:
    """Page id -> how many detached followers are on a step of ``tour`` showing it."""
    counts: Counter[str] = Counter()
    for (tour_id, step), n in state.where_detached().items():
        if tour_id == tour.id and step < len(tour.steps):
            counts[tour.steps[step].page] += n
    return dict(counts)


def room_state(live: Live, session: Session) -> tuple[RoomState, str | None]:
    assert live.audience is not None
    return live.audience.view(session.code)


def _unlinked(text: str) -> str:
    """``text`` as Markdown that shows exactly it and links nothing: Streamlit turns
    a bare ``www.…`` or ``http://…`` into a link even when escaped, but not with
    a word joiner (U+2060, invisible) before each dot."""
    return escape_markdown(text).replace("\\.", "\u2060\\.")


def _where(presence: Presence) -> str:
    return "on your step" if presence.attached else f"detached, at step {presence.step + 1}"


def _who(presence: Presence | Raised) -> str:
    return _unlinked(presence.name) if presence.name else f"*{ANONYMOUS}*"


@st.fragment
def presenter_room(
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
