"""Tours: a guided walk through the knowledge base, one step at a time.

Where the reader is lives in the session state and shows in the URL
(``?tour=<id>&step=<n>``, ui.tour_position), so a step can be shared and
Back works. A presenter's browser publishes its position to a live session
under a short code, shown with a join link and its QR code
(``?follow=<code>``); a follower's browser is woken to redraw when the
presenter moves (ui.tour_live).
"""

from __future__ import annotations

import streamlit as st

from heuristica.graph.markdown import escape_markdown
from heuristica.graph.model import Tour
from heuristica.tours.handout import tour_html
from heuristica.tours.markdown import tour_markdown
from heuristica.tours.navigation import Position
from heuristica.tours.path import for_projector, shared_tour_drawing
from heuristica.tours.room import GONE
from heuristica.tours.sessions import Following, Session
from heuristica.ui import tour_live
from heuristica.ui.downloads import knowledge_base_downloads
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.knowledge_base import current
from heuristica.ui.panel import explore_link
from heuristica.ui.shell import inside_app
from heuristica.ui.tour_keys import Move, arrow_keys
from heuristica.ui.tour_position import requested_position, show, url_is_news
from heuristica.ui.tour_step import check_question, note, whole_page

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
  font-size: clamp(2rem, 3.2vw, 3.2rem); font-weight: 700; letter-spacing: 0.1em; line-height: 1.1;
}
</style>
"""

st.session_state.setdefault("tour_visited", {})
st.session_state.setdefault("tour_presenting", None)
st.session_state.setdefault("tour_following", None)
st.session_state.setdefault("tour_session_message", None)

kb = current()
kg = kb.graph
tours = kb.result.tours
live = tour_live.live_sessions()
store = live.store

if not tours:
    st.info(
        "The knowledge base has no tours yet: add YAML tours under its `tours/` folder "
        "(see `heuristica docs tours`)."
    )
    st.stop()


def clamp(tour_id: str, step: int) -> Position:
    return Position(tour_id, min(max(step, 0), len(tours[tour_id].steps) - 1))


def live_position(base: Position) -> tuple[Position, Following | None, int]:
    """Where a follower is (the presenter's step while attached, else ``base``),
    whom it follows now, and the session version that position stands for
    (GONE when it follows nobody, MISSING or UNREACHABLE while its session
    cannot be seen)."""
    following: Following | None = st.session_state.tour_following
    if following is None or store is None:
        return base, following, GONE
    followed = tour_live.followed_session(live, following)
    following = st.session_state.tour_following
    if isinstance(followed, int):
        return base, following, followed
    if following is not None and following.attached and followed.tour_id in tours:
        return clamp(followed.tour_id, followed.step), following, followed.version
    return base, following, followed.version


# Where this browser is: its own position, a join link, or the presenter it follows.
request = requested_position(tours)
position = request.position
joined_by_link = url_is_news() and tour_live.FOLLOW_PARAM in st.query_params
if joined_by_link and store is not None:
    joined = tour_live.join(live, st.query_params[tour_live.FOLLOW_PARAM])
    if joined is not None and joined.tour_id in tours:
        position = clamp(joined.tour_id, joined.step)

position, following, drawn_version = live_position(position)
show(position)
tour_live.keep_following_in_url(following)

presenting: Session | None = st.session_state.tour_presenting
if presenting is not None and store is not None:
    presenting = tour_live.moved(live, position.tour_id, position.step)

for problem in request.problems:
    st.warning(problem, icon=":material/link_off:")
if presenting is not None:
    st.html(PRESENTER_CSS)
if live.problem:
    st.warning(live.problem, icon=":material/cloud_off:")


def go_to(tour_id: str, step: int) -> None:
    """The reader moves on their own: a follower detaches."""
    following = st.session_state.tour_following
    if following is not None and following.attached:
        st.session_state.tour_following = following.detach()
    tour_live.session_message(None)
    show(clamp(tour_id, step))


def pick_tour() -> None:
    go_to(st.session_state.tour_pick, 0)


def start_presenting(tour_id: str, step: int) -> None:
    assert store is not None
    tour_live.start_presenting(store, tour_id, step)


def join_typed() -> None:
    assert store is not None
    session = tour_live.join(live, st.session_state.tour_join_code)
    if session is not None and session.tour_id in tours:
        show(clamp(session.tour_id, session.step))


def set_following(value: Following | None) -> None:
    st.session_state.tour_following = value


def presenter_header(session: Session) -> None:
    link = tour_live.join_link(session.code)
    # at 1024 px wide and up, the code stays whole and the QR code (170 px) stays in its column
    code_column, qr_column, how_column = st.columns([1.6, 1.2, 3], vertical_alignment="center")
    code_column.metric("Session code", session.code)
    code_column.button(
        "Stop presenting",
        on_click=tour_live.stop_presenting,
        args=(live,),
        icon=":material/cancel_presentation:",
    )
    qr_column.image(
        tour_live.qr_png(link), caption="Scan to follow", width=170, output_format="PNG"
    )
    how_column.markdown("#### To follow along: scan the code, or open this link")
    how_column.code(link, language=None, wrap_lines=True)
    how_column.markdown("or open **Tours**, choose **Follow** and type the session code.")


def follower_header(following: Following, in_touch: bool) -> None:
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
            on_click=set_following,
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
            on_click=set_following,
            args=(following.rejoin(),),
            icon=":material/call_merge:",
            type="primary",
        )
    buttons.button("Stop following", on_click=set_following, args=(None,), icon=":material/logout:")


def reader_header(tour: Tour, position: Position) -> None:
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
        args=(tour.id, position.step),
        disabled=store is None,
        icon=":material/present_to_all:",
        help="Start a live session others can follow with a code, a link or a QR code",
        use_container_width=True,
    )
    with follow.popover(
        "Follow", icon=":material/cast:", use_container_width=True, disabled=store is None
    ):
        st.text_input("Session code", key="tour_join_code", placeholder="e.g. K7QXM4P")
        st.button("Join", on_click=join_typed, icon=":material/login:")


def draw(
    position: Position,
    presenting: Session | None,
    following: Following | None,
    in_touch: bool = True,
) -> None:
    """The page below its warnings, at ``position``: the session message, the
    title, the header of a presenter, a follower (``in_touch`` with its
    session or not) or a reader, the graph, the step and (but for a
    presenter) the whole page and the downloads."""
    tour = tours[position.tour_id]
    step = tour.steps[position.step]
    visited = st.session_state.tour_visited.setdefault(tour.id, set())
    visited.add(position.step)
    last = len(tour.steps) - 1

    if st.session_state.tour_session_message:
        # stays until the reader acts: a wake-up may redraw the page first
        st.error(st.session_state.tour_session_message, icon=":material/cast:")

    def move(offset: int) -> None:
        # From where the reader is now, not where this run drew the button: a
        # click may reach the server before the run its last click started has
        # drawn its buttons, and then runs the callback that run's elder left.
        now: Position = st.session_state.tour_position
        go_to(now.tour_id, now.step + offset)

    def on_key(pressed: Move) -> None:
        move(1 if pressed == "next" else -1)

    def on_graph_event(event: GraphEvent) -> None:
        if event.kind == "open":
            index = next((i for i, s in enumerate(tour.steps) if s.page == event.node), None)
            if index is not None:
                go_to(tour.id, index)

    arrow_keys("tour_keys", on_key)
    st.title(escape_markdown(tour.title), anchor=False)

    if presenting is not None:
        presenter_header(presenting)
    elif following is not None:
        follower_header(following, in_touch)
    else:
        reader_header(tour, position)

    st.progress(
        (position.step + 1) / len(tour.steps), text=f"Step {position.step + 1} of {len(tour.steps)}"
    )

    graph_column, step_column = st.columns([3, 2], gap="medium")
    with graph_column:
        drawing = shared_tour_drawing(tour, kg, position.step, visited)
        if presenting is not None:
            drawing = for_projector(drawing, PRESENTER_SCALE)
        graph_explorer(
            drawing,
            revision=f"{tour.id}-{position.step}-{sorted(visited)}",
            reset=2 * sorted(tours).index(tour.id) + (presenting is not None),
            height=PRESENTER_GRAPH_HEIGHT if presenting is not None else GRAPH_HEIGHT,
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
        note(step.note)
        if step.question is not None:
            check_question(step.question, key=f"tour_answer_{tour.id}_{position.step}")
        if presenting is None:
            explore_link(page, label="Open this page in the explorer")

    if presenting is None:
        whole_page(page, kg)


def downloads(tour: Tour) -> None:
    """The tour's hand-outs and the knowledge base, for readers and followers
    (outside a follower's step fragment: they do not change with the step)."""
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


@st.fragment
def follower_view(position: Position, following: Following, drawn_version: int) -> None:
    """A follower's page below its warnings and above its downloads. When the
    session moves, the room runs this fragment alone (not the app, its
    sidebar or the rest of this page): it reads the session again and
    redraws the step. A follower who stops following, whose session ended or
    whose presenter changed tours gets the whole page again."""
    if tour_live.fragment_run():
        drawn_tour = position.tour_id  # the downloads below are this tour's
        position, now_following, drawn_version = live_position(requested_position(tours).position)
        if (
            now_following is None
            or st.session_state.tour_presenting is not None
            or position.tour_id != drawn_tour
        ):
            st.rerun(scope="app")
        following = now_following
        show(position)
        tour_live.keep_following_in_url(following)
    draw(position, None, following, in_touch=drawn_version > 0)
    tour_live.follow_here(live, following, drawn_version)


if presenting is not None:
    draw(position, presenting, None)
    tour_live.present_point(live, presenting, (position.tour_id, position.step))
elif following is not None and store is not None:
    follower_view(position, following, drawn_version)
    downloads(tours[position.tour_id])
else:
    draw(position, None, None)
    downloads(tours[position.tour_id])
    tour_live.leave_room(live)
