"""Explore: the graph around one page, and that page to read.

The page in focus lives in the URL (``?node=<page id>``) so it can be shared
and Back returns to the previous one; depth, filters, expansions and the
layout live in ``st.session_state`` under ``explore_*``. Clicking a node
previews it inside the graph, with no round trip.

Two layouts, as the reader is looking at the graph or reading: "Wide graph"
gives the graph the page's whole width and the window's height (the page
follows below it), and is where one lands without a page in the URL and
where the whole graph is shown; "Beside the page" puts the graph in a column
that stays in view while the page beside it scrolls, and is where opening a
page (double-click, Enter, a link) leads. A switch in the title row changes
it; a phone always stacks the graph above the page. What is typed in the
sidebar's search box lights up the pages it finds (``heuristica.search``) and dims
the rest: one field for both.
"""

from __future__ import annotations

import streamlit as st

from heuristica.draw.render import standalone_html
from heuristica.draw.view import MAX_DEPTH, default_focus, resolve_node_param
from heuristica.kb.markdown import escape_markdown
from heuristica.kb.relations import PageType
from heuristica.search import search
from heuristica.ui.explorer_views import cached_view, drawn_view
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.knowledge_base import current, live
from heuristica.ui.page_links import LinkGroup, PageLink, page_links
from heuristica.ui.panel import render_page
from heuristica.ui.search import current_query
from heuristica.ui.shell import inside_app

inside_app()

TYPE_BY_LABEL = {t.label: t for t in PageType}
LAYOUTS = {
    "graph": ":material/open_in_full: Wide graph",
    "reading": ":material/vertical_split: Beside the page",
}
STYLE = """
<style>
div[data-testid="stMainBlockContainer"] { padding-top: 2rem; }
@media (max-width: 640px) {
  /* Below the header, which holds the sidebar's button on a phone. */
  div[data-testid="stMainBlockContainer"] { padding-top: 4.25rem; }
  .st-key-explore_layout { display: none; }
}
div[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0; }
.st-key-explore_panel pre, .st-key-explore_panel code {
  white-space: pre-wrap; overflow-wrap: anywhere;
}
</style>
"""
LAYOUT_STYLE = {
    # The graph's column stays in view while the page beside it scrolls (wide
    # screens; a narrow one stacks them, graph first).
    "reading": """
<style>
@media (min-width: 641px) {
  div[data-testid="stColumn"]:has(.st-key-explore_graph_column) {
    position: sticky; top: 3.75rem; align-self: flex-start; z-index: 2;
  }
}
</style>
""",
    # The graph takes the whole width, the page follows below it.
    "graph": """
<style>
div[data-testid="stHorizontalBlock"]:has(.st-key-explore_graph_column) { flex-wrap: wrap; }
div[data-testid="stColumn"]:has(.st-key-explore_graph_column),
div[data-testid="stColumn"]:has(.st-key-explore_panel) {
  flex: 1 1 100% !important; width: 100% !important; min-width: 100%;
}
</style>
""",
}

st.session_state.setdefault("explore_expanded", set())
st.session_state.setdefault("explore_reset", 0)
st.session_state.setdefault("explore_first_visit", True)

kb = current()
kg = kb.graph
request = resolve_node_param(st.query_params.get_all("node"), kg.nx)
st.session_state.setdefault("explore_layout", "reading" if request.focus else "graph")
if request.focus and st.session_state.get("explore_focus", request.focus) != request.focus:
    st.session_state.explore_layout = "reading"  # another page opened: to read it

st.html(STYLE)
layout_style = st.empty()
heading = st.container(horizontal=True, vertical_alignment="center", gap="medium")
heading.title("Explore", anchor=False)
heading.segmented_control(
    "Layout",
    list(LAYOUTS),
    format_func=LAYOUTS.__getitem__,
    required=True,
    key="explore_layout",
    label_visibility="collapsed",
)

if len(kg) == 0:
    st.info("The knowledge base has no pages yet: add YAML pages under the knowledge folder.")
    st.stop()

# Everything above the graph sits in containers that exist on every run:
# an element that comes and goes would move the graph's frame to another
# place in the page, and Streamlit would mount it afresh.
welcome = st.container(horizontal=True, vertical_alignment="center", gap="small")
if st.session_state.explore_first_visit:
    welcome.caption(
        "Each circle is a page. Click one to preview it, double-click to open it here, "
        "hold it to show its links." + (" New here?" if kb.result.tours else "")
    )
    if kb.result.tours:
        welcome.page_link("pages/tour.py", label="Take a guided tour", icon=":material/tour:")

with st.container():
    if request.problem:
        st.warning(request.problem, icon=":material/link_off:")
    if request.suggestions:
        page_links(
            [LinkGroup("Did you mean", [PageLink(kg.page(s)) for s in request.suggestions])],
            key="explore_suggestions",
            label="Pages with a similar id",
        )
focus = request.focus or default_focus(kg, kb.result.settings.start_page)
if focus is None:  # no page at all: said above
    st.stop()
if request.focus:
    # Written back on every run: a page link to this page changes the session's
    # query but not the browser's URL, and this puts it there (Back then works).
    st.query_params["node"] = focus

if st.session_state.get("explore_focus") != focus:
    st.session_state.explore_focus = focus
    st.session_state.explore_expanded = set()


def on_graph_event(event: GraphEvent) -> None:
    if event.node not in kg:
        return
    st.session_state.explore_first_visit = False
    if event.kind == "open":
        st.query_params["node"] = event.node
    elif event.kind == "expand":
        st.session_state.explore_expanded |= {event.node}
    else:
        st.session_state.explore_expanded -= {event.node}


def whole_graph_changed() -> None:
    if st.session_state.explore_show_all:
        st.session_state.explore_layout = "graph"


def reset_view() -> None:
    st.session_state.explore_expanded = set()
    st.session_state.explore_show_all = False
    st.session_state.explore_reset += 1


graph_column, panel_column = st.columns(2, gap="medium")
with graph_column.container(key="explore_graph_column"):
    toolbar = st.container(horizontal=True, vertical_alignment="center", gap="small")
    depth = st.session_state.get("explore_depth") or 1
    type_labels = st.session_state.get("explore_types", list(TYPE_BY_LABEL))
    shown_types = (
        "all types"
        if len(type_labels) == len(TYPE_BY_LABEL)
        else (f"{len(type_labels)} of {len(TYPE_BY_LABEL)} types")
    )
    options = toolbar.popover(f"Depth {depth} · {shown_types}", icon=":material/tune:")
    options.segmented_control(
        "Depth: how many links away from the page",
        list(range(1, MAX_DEPTH + 1)),
        default=1,
        key="explore_depth",
    )
    options.pills(
        "Show types",
        list(TYPE_BY_LABEL),
        selection_mode="multi",
        default=list(TYPE_BY_LABEL),
        key="explore_types",
    )
    show_all = toolbar.toggle(
        "Whole graph",
        key="explore_show_all",
        help=f"All {len(kg):,} pages at once.",
        on_change=whole_graph_changed,
    )
    query = current_query()
    hits = (
        frozenset(hit.page.id for hit in search(kg, query, limit=None, snippets=False))
        if query.strip()
        else None
    )
    expanded = frozenset(st.session_state.explore_expanded)
    view = cached_view(
        kg,
        kb.fingerprint,
        focus,
        depth,
        expanded,
        frozenset(TYPE_BY_LABEL[label] for label in type_labels),
        show_all,
    )
    whole = live().layout
    whole.prepare(kg, kb.fingerprint)
    if view.show_all and not whole.ready(kb.fingerprint):
        with st.spinner("Laying out the whole graph (once per knowledge base)…"):
            whole.positions(kg, kb.fingerprint)
    layout = whole.positions(kg, kb.fingerprint) if view.show_all else None
    options.button("Reset view", on_click=reset_view, icon=":material/restart_alt:")
    options.download_button(
        "Download this view as HTML",
        data=lambda: standalone_html(view, kg, layout),
        file_name="heuristica-graph.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        help="One self-contained file that works offline.",
    )
    drawing, revision = drawn_view(kg, kb.fingerprint, view, expanded)
    if hits is not None:
        drawing = drawing.lit(hits)
        revision += f"-lit-{hash(hits) & 0xFFFFFFFF:08x}"
    graph_explorer(
        drawing,
        revision=revision,
        reset=st.session_state.explore_reset,
        height=None,
        key="explore_graph",
        on_event=on_graph_event,
    )
    matches = (
        ""
        if hits is None
        else f" · {len(hits & view.nodes):,} of {len(hits):,} pages matching "
        f"“{escape_markdown(query)}” (the search box) shown, lit"
    )
    st.caption(
        f"{len(view.nodes):,} pages · {len(view.edges):,} links shown"
        + matches
        + ("" if type_labels else " · pick at least one type")
    )

layout_style.html(LAYOUT_STYLE[st.session_state.explore_layout])

with panel_column.container(key="explore_panel"):
    render_page(kg.page(focus), kg)
