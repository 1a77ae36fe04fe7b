"""How are these two related? Two pages, and the shortest chains of links
between them, each link read in the direction it is walked, drawn on the graph
with each link's relation written on it (the first page drawn as the one in
focus). As in the explorer, holding a page (or "+", or the preview card's
"Show its links") adds the pages it is linked with, to see a path in its
surroundings; double-clicking one opens it in the explorer.

The two pages live in the URL (``?from=<id>&to=<id>``), so an answer can be
shared and Back returns to the previous one; the pickers write it, and show
what it says when it changes from outside (a shared link, Back).
"""

from __future__ import annotations

import streamlit as st

from heuristica.draw.drawing import draw
from heuristica.draw.paths import RelationPath, relation_paths, resolve_path_params
from heuristica.draw.view import Edge, view_of
from heuristica.kb.markdown import escape_markdown
from heuristica.kb.text import plain_title, title_markdown
from heuristica.ui.explorer_views import EXPLORER_OPTIONS
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.knowledge_base import current
from heuristica.ui.page_links import EXPLORE_PAGE
from heuristica.ui.panel import explore_link
from heuristica.ui.shell import inside_app

inside_app()

# Picker key -> the URL parameter it shows and writes.
PICKERS = {"related_from": "from", "related_to": "to"}

st.session_state.setdefault("related_expanded", set())

kb = current()
kg = kb.graph

st.title("How are these two related?")
st.caption(
    "Pick two pages: the shortest chains of links between them, each link read in the "
    "direction you walk it."
)

request = resolve_path_params(kg, st.query_params.get_all("from"), st.query_params.get_all("to"))
for problem in request.problems:
    st.warning(problem, icon=":material/link_off:")


def follow_url(key: str, value: str | None) -> None:
    """Show the URL's page in a picker when the URL changed since the picker wrote it."""
    seen = f"{key}_url"
    if seen not in st.session_state or st.session_state[seen] != value:
        st.session_state[seen] = value
        st.session_state[key] = value


def write_url() -> None:
    for key, parameter in PICKERS.items():
        value = st.session_state.get(key)
        st.session_state[f"{key}_url"] = value
        if value:
            st.query_params[parameter] = value
        else:
            st.query_params.pop(parameter, None)


def swap() -> None:
    st.session_state.related_from, st.session_state.related_to = (
        st.session_state.get("related_to"),
        st.session_state.get("related_from"),
    )
    write_url()


def label(page_id: str) -> str:
    page = kg.page(page_id)
    return f"{plain_title(page.title)} · {page.page_type.label}"


follow_url("related_from", request.source)
follow_url("related_to", request.target)
options = sorted(kg.nx, key=lambda page_id: kg.page(page_id).title.lower())
pickers = st.container(horizontal=True, vertical_alignment="bottom")
source = pickers.selectbox(
    "From",
    options,
    format_func=label,
    key="related_from",
    on_change=write_url,
    placeholder="Type to find a page",
)
pickers.button("Swap", on_click=swap, icon=":material/swap_horiz:", help="Swap the two pages.")
target = pickers.selectbox(
    "To",
    options,
    format_func=label,
    key="related_to",
    on_change=write_url,
    placeholder="Type to find a page",
)


def on_graph_event(event: GraphEvent) -> None:
    if event.node not in kg:
        return
    if event.kind == "open":
        st.session_state.related_open = event.node
    elif event.kind == "expand":
        st.session_state.related_expanded |= {event.node}
    else:
        st.session_state.related_expanded -= {event.node}


def draw_paths(source: str, target: str, paths: list[RelationPath]) -> None:
    """Every page on ``paths`` (and those linked with a page held open) and
    the links between them, the paths' links emphasised and named, ``source``
    in focus. Double-click opens a page in the explorer."""
    steps = [step for path in paths for step in path]
    pages = {page_id for step in steps for page_id in step.ends}
    links = [
        Edge(step.source, step.target, step.relation)
        if step.forward
        else Edge(step.target, step.source, step.relation)
        for step in steps
    ]
    if st.session_state.get("related_pair") != (source, target):
        st.session_state.related_pair = (source, target)
        st.session_state.related_expanded = set()
    expanded = frozenset(st.session_state.related_expanded)
    view = view_of(kg, source, pages, expanded=expanded)
    drawing = draw(view, kg, expanded=expanded, options=EXPLORER_OPTIONS).with_path(links)
    shown = hash(expanded) & 0xFFFFFFFF
    graph_explorer(
        drawing,
        revision=f"{kb.fingerprint[:8]}-{source}-{target}-{shown:08x}",
        reset=0,
        height=420,
        key="related_graph",
        on_event=on_graph_event,
    )
    opened = st.session_state.pop("related_open", None)
    if opened is not None:
        st.switch_page(EXPLORE_PAGE, query_params={"node": opened})


def show_path(number: int, path: RelationPath) -> None:
    with st.container(border=True, gap="small"):
        st.markdown(f"**Path {number}**")
        explore_link(kg.page(path[0].source))
        for step in path:
            st.caption(f"↓ {escape_markdown(step.label.lower())}")
            explore_link(kg.page(step.target))


if source and target:
    paths = relation_paths(kg, source, target)
    names = [title_markdown(kg.page(page_id).title) for page_id in (source, target)]
    if paths == [()]:
        st.info(f"**{names[0]}** and **{names[1]}** are one page.", icon=":material/info:")
    elif not paths:
        st.info(
            f"No path: **{names[0]}** and **{names[1]}** are not linked, "
            "not even through other pages.",
            icon=":material/link_off:",
        )
    else:
        steps = len(paths[0])
        st.subheader(
            f"{len(paths)} shortest path{'s' * (len(paths) != 1)}, "
            f"{steps} link{'s' * (steps != 1)} each",
            anchor=False,
        )
        draw_paths(source, target, paths)
        for number, path in enumerate(paths, 1):
            show_path(number, path)
else:
    st.info("Choose both pages to see how they are related.", icon=":material/route:")
