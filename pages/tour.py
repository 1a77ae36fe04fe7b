"""Tours: a guided walk through the knowledge base, one step at a time.

Where the reader is lives in the URL (``?tour=<id>&step=<n>``), so a step can
be shared and Back works. A presenter's browser publishes its position to a
live session under a short code; a follower's browser takes the presenter's
position every half second until it detaches (``ui.tour_live``).
"""

from __future__ import annotations

import streamlit as st

from heuristica.graph.markdown import escape_markdown, safe_markdown
from heuristica.tours.handout import tour_html
from heuristica.tours.markdown import tour_markdown
from heuristica.tours.navigation import Position, resolve_position
from heuristica.tours.path import for_projector, tour_drawing
from heuristica.tours.sessions import Following, Session
from heuristica.ui.downloads import knowledge_base_downloads
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.knowledge_base import current
from heuristica.ui.panel import explore_link, render_page
from heuristica.ui.shell import inside_app
from heuristica.ui.tour_keys import Move, arrow_keys
from heuristica.ui.tour_live import follow_poll, presenter_heartbeat, session_store

inside_app()

GRAPH_HEIGHT = 560
PRESENTER_GRAPH_HEIGHT = 680
PRESENTER_SCALE = 1.3
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
  font-size: 3.2rem; font-weight: 700; letter-spacing: 0.12em; line-height: 1.1;
}
</style>
"""

st.session_state.setdefault("tour_position", None)
st.session_state.setdefault("tour_visited", {})
st.session_state.setdefault("tour_presenting", None)
st.session_state.setdefault("tour_following", None)
st.session_state.setdefault("tour_session_message", None)

kb = current()
kg = kb.graph
tours = kb.result.tours
store = session_store()

if not tours:
    st.info(
        "The knowledge base has no tours yet: add YAML tours under its `tours/` folder "
        "(see docs/tours.md)."
    )
    st.stop()


def show(position: Position) -> None:
    st.query_params["tour"] = position.tour_id
    st.query_params["step"] = str(position.step + 1)
    st.session_state.tour_position = position


def own_move() -> None:
    """The reader moves on their own: a follower detaches."""
    following: Following | None = st.session_state.tour_following
    if following is not None and following.attached:
        st.session_state.tour_following = following.detach()


def go_to(tour_id: str, step: int) -> None:
    own_move()
    st.session_state.tour_session_message = None
    show(Position(tour_id, step))


def follow_session(session: Session) -> None:
    show(Position(session.tour_id, session.step))


following: Following | None = st.session_state.tour_following
if following is not None and following.attached:
    try:
        session = store.look_up(following.code)
        if session.tour_id in tours:
            follow_session(session)
    except LookupError as gone:  # SessionGone; see ui.tour_live.session_store
        st.session_state.tour_following = following = None
        st.session_state.tour_session_message = str(gone)

if "tour" in st.query_params or "step" in st.query_params:
    request = resolve_position(
        st.query_params.get_all("tour"), st.query_params.get_all("step"), tours
    )
    for problem in request.problems:
        st.warning(problem, icon=":material/link_off:")
    position = request.position
else:
    # where this browser last was; the knowledge base may have changed since
    remembered = st.session_state.tour_position
    asked = ([remembered.tour_id], [str(remembered.step + 1)]) if remembered else ([], [])
    position = resolve_position(*asked, tours).position
show(position)

tour = tours[position.tour_id]
step = tour.steps[position.step]
visited = st.session_state.tour_visited.setdefault(tour.id, set())
visited.add(position.step)
presenting: str | None = st.session_state.tour_presenting
last = len(tour.steps) - 1

if presenting:
    st.html(PRESENTER_CSS)
    try:
        store.move(presenting, tour.id, position.step)
    except LookupError as gone:
        st.session_state.tour_presenting = presenting = None
        st.session_state.tour_session_message = str(gone)
if st.session_state.tour_session_message:
    # stays until the reader moves, presents or joins: a poll may redraw the page first
    st.error(st.session_state.tour_session_message, icon=":material/cast:")


def move(offset: int) -> None:
    go_to(tour.id, min(max(position.step + offset, 0), last))


def on_key(pressed: Move) -> None:
    move(1 if pressed == "next" else -1)


def on_graph_event(event: GraphEvent) -> None:
    if event.kind == "open":
        index = next((i for i, s in enumerate(tour.steps) if s.page == event.node), None)
        if index is not None:
            go_to(tour.id, index)


def pick_tour() -> None:
    go_to(st.session_state.tour_pick, 0)


def start_presenting() -> None:
    st.session_state.tour_following = st.session_state.tour_session_message = None
    st.session_state.tour_presenting = store.start(tour.id, position.step).code


def stop_presenting() -> None:
    store.end(st.session_state.tour_presenting)
    st.session_state.tour_presenting = None


def join() -> None:
    try:
        session = store.look_up(st.session_state.tour_join_code)
    except LookupError as gone:
        st.session_state.tour_session_message = str(gone)
        return
    st.session_state.tour_presenting = st.session_state.tour_session_message = None
    st.session_state.tour_following = Following(session.code)
    follow_session(session)


def detach() -> None:
    st.session_state.tour_following = st.session_state.tour_following.detach()


def rejoin() -> None:
    st.session_state.tour_following = st.session_state.tour_following.rejoin()


def leave() -> None:
    st.session_state.tour_following = None


arrow_keys("tour_keys", on_key)

st.title(escape_markdown(tour.title), anchor=False)
if presenting:
    code_column, how_column, stop_column = st.columns([1.2, 3, 1], vertical_alignment="center")
    code_column.metric("Session code", presenting)
    how_column.markdown("#### To follow along: open **Tours**, choose **Follow**, type the code.")
    stop_column.button(
        "Stop presenting", on_click=stop_presenting, icon=":material/cancel_presentation:"
    )
elif following is not None:
    status, buttons = st.columns([3, 2], vertical_alignment="center")
    if following.attached:
        status.success(f"Following session `{following.code}` live.", icon=":material/cast:")
        buttons.button("Detach", on_click=detach, icon=":material/call_split:")
    else:
        status.info(
            f"Detached from session `{following.code}`: you are on your own.",
            icon=":material/call_split:",
        )
        buttons.button("Re-join", on_click=rejoin, icon=":material/call_merge:", type="primary")
    buttons.button("Stop following", on_click=leave, icon=":material/logout:")
else:
    st.caption(
        f"**Audience:** {escape_markdown(tour.audience)} · about {tour.estimated_minutes} minutes"
    )
    pick, present, follow, _ = st.columns([3, 1.2, 1.2, 2.6], vertical_alignment="bottom")
    ids = sorted(tours, key=lambda t: tours[t].title.lower())
    st.session_state.tour_pick = tour.id
    pick.selectbox(
        "Tour", ids, format_func=lambda t: tours[t].title, key="tour_pick", on_change=pick_tour
    )
    present.button(
        "Present",
        on_click=start_presenting,
        icon=":material/present_to_all:",
        help="Start a live session others can follow with a code",
        use_container_width=True,
    )
    with follow.popover("Follow", icon=":material/cast:", use_container_width=True):
        st.text_input("Session code", key="tour_join_code", placeholder="e.g. K7QXM")
        st.button("Join", on_click=join, icon=":material/login:")

st.progress(
    (position.step + 1) / len(tour.steps), text=f"Step {position.step + 1} of {len(tour.steps)}"
)

graph_column, step_column = st.columns([3, 2], gap="medium")
with graph_column:
    drawing = tour_drawing(tour, kg, position.step, visited)
    if presenting:
        drawing = for_projector(drawing, PRESENTER_SCALE)
    graph_explorer(
        drawing,
        revision=f"{tour.id}-{position.step}-{sorted(visited)}",
        reset=2 * sorted(tours).index(tour.id) + bool(presenting),
        height=PRESENTER_GRAPH_HEIGHT if presenting else GRAPH_HEIGHT,
        key="tour_graph",
        on_event=on_graph_event,
    )
    st.caption(
        "Purple arrows: the tour's path · ✓ visited · faded: not visited yet · "
        "double-click a page to jump to its step · ← / → keys step through the tour"
    )

with step_column:
    back, forward = st.columns(2)
    back.button(
        "Previous",
        on_click=move,
        args=(-1,),
        disabled=position.step == 0,
        icon=":material/arrow_back:",
        use_container_width=True,
    )
    forward.button(
        "Next",
        on_click=move,
        args=(1,),
        disabled=position.step == last,
        icon=":material/arrow_forward:",
        use_container_width=True,
        type="primary",
    )
    page = kg.page(step.page)
    st.subheader(f"{position.step + 1}. {escape_markdown(page.title)}", anchor=False)
    with st.container(border=True):
        st.markdown(safe_markdown(step.note))
    question = step.question
    if question is not None:
        answer = st.radio(
            safe_markdown(question.prompt),
            question.choices,
            index=None,
            format_func=escape_markdown,
            key=f"tour_answer_{tour.id}_{position.step}",
        )
        if answer is not None:
            verdict = (
                "Right."
                if answer == question.answer
                else (f"Not quite: the answer is “{escape_markdown(question.answer)}”.")
            )
            (st.success if answer == question.answer else st.error)(
                f"**{verdict}** {safe_markdown(question.explanation)}"
            )
    if not presenting:
        explore_link(page, label="Open this page in the explorer")

if not presenting:
    with st.expander(escape_markdown(page.title) + ": the whole page"):
        render_page(page, kg)
    st.subheader("Hand-outs and downloads", anchor=False)
    columns = st.columns(4)
    columns[0].download_button(
        "Tour as HTML (offline)",
        data=lambda: tour_html(tour, kg),
        file_name=f"{tour.id}.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
    )
    columns[1].download_button(
        "Tour as Markdown",
        data=lambda: tour_markdown(tour, kg),
        file_name=f"{tour.id}.md",
        mime="text/markdown",
        icon=":material/download:",
        on_click="ignore",
    )
    knowledge_base_downloads(kg, columns[2], columns[3])

if presenting:
    presenter_heartbeat(presenting)
elif following is not None:
    follow_poll(
        following, (tour.id, position.step), lambda tour_id, step: show(Position(tour_id, step))
    )
