"""Explore: the graph around one page, and that page beside it to read.

The page in focus lives in the URL (``?node=<page id>``) so it can be shared
and Back returns to the previous one; depth, filters and expansions live in
``st.session_state`` under ``explore_*``. Clicking a node previews it inside
the graph, with no round trip; the graph stays in view while the page
scrolls. Words typed above the graph light up the pages that match
(``heuristica.search``) and dim the rest.
"""

from __future__ import annotations

import streamlit as st

from heuristica.kb.relations import PageType
from heuristica.draw.render import standalone_html
from heuristica.search import search
from heuristica.draw.view import MAX_DEPTH, default_focus, resolve_node_param
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.explorer_views import cached_view, drawn_view
from heuristica.ui.knowledge_base import current, live
from heuristica.ui.page_links import LinkGroup, PageLink, page_links
from heuristica.ui.panel import render_page
from heuristica.ui.shell import inside_app

inside_app()

TYPE_BY_LABEL = {t.label: t for t in PageType}
# The graph's column stays in view while the page beside it scrolls (wide
# screens; a narrow one stacks them, graph first); code in the page wraps.
READING_LAYOUT = """
<style>
div[data-testid="stMainBlockContainer"] { padding-top: 2rem; }
div[data-testid="stMainBlockContainer"] h1 { font-size: 2rem; padding: 0; }
@media (min-width: 641px) {
  div[data-testid="stColumn"]:has(.st-key-explore_graph_column) {
    position: sticky; top: 3.75rem; align-self: flex-start; z-index: 2;
  }
}
.st-key-explore_panel pre, .st-key-explore_panel code {
  white-space: pre-wrap; overflow-wrap: anywhere;
}
</style>
"""

st.session_state.setdefault("explore_expanded", set())
st.session_state.setdefault("explore_reset", 0)
st.session_state.setdefault("explore_first_visit", True)

kb = current()
kg = kb.graph

st.html(READING_LAYOUT)
st.title("Explore", anchor=False)

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
        "hold it to show its links. New here?"
    )
    welcome.page_link("pages/tour.py", label="Take a guided tour", icon=":material/tour:")

request = resolve_node_param(st.query_params.get_all("node"), kg.nx)
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
        "Whole graph", key="explore_show_all", help=f"All {len(kg):,} pages at once."
    )
    query = toolbar.text_input(
        "Light up the pages that match",
        key="explore_search",
        placeholder="Light up pages… e.g. deadlock",
        icon=":material/search:",
        label_visibility="collapsed",
    )
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
        else f" · {len(hits & view.nodes):,} of {len(hits):,} matching pages shown, lit"
    )
    st.caption(
        f"{len(view.nodes):,} pages · {len(view.edges):,} links shown"
        + matches
        + ("" if type_labels else " · pick at least one type")
    )

with panel_column.container(key="explore_panel"):
    render_page(kg.page(focus), kg)
