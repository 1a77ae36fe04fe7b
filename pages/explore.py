"""Explore: the graph around one page, and that page beside it.

The page in focus lives in the URL (``?node=<page id>``) so it can be shared
and Back returns to the previous one; everything else (depth, filters,
expansions, selection) lives in ``st.session_state`` under ``explore_*``.
"""

from __future__ import annotations

import streamlit as st

from heuristica.graph.relations import PageType
from heuristica.graph.render import standalone_html
from heuristica.graph.view import MAX_DEPTH, default_focus, resolve_node_param
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.graph_component.drawing import (
    cached_view,
    drawn_network,
    layout_ready,
    prepare_whole_graph_layout,
    whole_graph_layout,
)
from heuristica.ui.knowledge_base import current
from heuristica.ui.panel import render_page
from heuristica.ui.shell import inside_app

inside_app()

GRAPH_HEIGHT = 640
TYPE_BY_LABEL = {t.label: t for t in PageType}

st.session_state.setdefault("explore_expanded", set())
st.session_state.setdefault("explore_selected", None)
st.session_state.setdefault("explore_reset", 0)

kb = current()
kg = kb.graph

if len(kg) == 0:
    st.info("The knowledge base has no pages yet: add YAML pages under the knowledge folder.")
    st.stop()

request = resolve_node_param(st.query_params.get_all("node"), kg)
if request.problem:
    st.warning(request.problem, icon=":material/link_off:")
focus = request.focus or default_focus(kg)
if request.focus:
    # Written back on every run: a page link to this page changes the session's
    # query but not the browser's URL, and this puts it there (Back then works).
    st.query_params["node"] = focus

if st.session_state.get("explore_focus") != focus:
    st.session_state.explore_focus = focus
    st.session_state.explore_selected = None
    st.session_state.explore_expanded = set()


def open_page(page_id: str) -> None:
    st.query_params["node"] = page_id


def toggle_expanded(page_id: str) -> None:
    st.session_state.explore_expanded ^= {page_id}


def reset_view() -> None:
    st.session_state.explore_expanded = set()
    st.session_state.explore_show_all = False
    st.session_state.explore_reset += 1


def on_graph_event(event: GraphEvent) -> None:
    if event.node not in kg:
        return
    if event.kind == "open":
        open_page(event.node)
    elif event.kind == "expand":
        st.session_state.explore_expanded |= {event.node}
        st.session_state.explore_selected = event.node
    else:
        st.session_state.explore_selected = event.node


controls = st.container(horizontal=True, vertical_alignment="bottom", gap="large")
depth = controls.segmented_control(
    "Depth", list(range(1, MAX_DEPTH + 1)), default=1, key="explore_depth"
)
type_labels = controls.pills(
    "Show types",
    list(TYPE_BY_LABEL),
    selection_mode="multi",
    default=list(TYPE_BY_LABEL),
    key="explore_types",
)
show_all = controls.toggle(
    "Whole graph", key="explore_show_all", help=f"All {len(kg):,} pages at once."
)
selected = st.session_state.explore_selected
if selected not in kg:
    selected = None
expanded = st.session_state.explore_expanded
target = selected or focus
view = cached_view(
    kg,
    kb.fingerprint,
    focus,
    depth or 1,
    frozenset(expanded),
    frozenset(TYPE_BY_LABEL[label] for label in type_labels),
    show_all,
)
prepare_whole_graph_layout(kg, kb.fingerprint)
if view.show_all and not layout_ready(kb.fingerprint):
    with st.spinner("Laying out the whole graph (once per knowledge base)…"):
        whole_graph_layout(kg, kb.fingerprint)
net, revision = drawn_network(kg, kb.fingerprint, view)
layout = whole_graph_layout(kg, kb.fingerprint) if view.show_all else None

graph_column, panel_column = st.columns([3, 2], gap="medium")
with graph_column:
    graph_explorer(
        net,
        revision=revision,
        focus=focus,
        selected=selected,
        computed_layout=view.show_all,
        reset=st.session_state.explore_reset,
        height=GRAPH_HEIGHT,
        key="explore_graph",
        on_event=on_graph_event,
    )
    actions = st.container(horizontal=True, vertical_alignment="center")
    actions.button(
        "Collapse selected" if target in expanded else "Expand selected",
        on_click=toggle_expanded,
        args=(target,),
        disabled=show_all,
        help="Show or hide the links of the selected page (or hold its node).",
        icon=":material/unfold_more:",
    )
    actions.button("Reset view", on_click=reset_view, icon=":material/restart_alt:")
    actions.download_button(
        "Download as HTML",
        data=lambda: standalone_html(view, kg, layout),
        file_name="heuristica-graph.html",
        mime="text/html",
        icon=":material/download:",
        on_click="ignore",
        help="This view as one self-contained HTML file that works offline.",
    )
    actions.caption(
        f"{len(view.nodes):,} pages · {len(view.edges):,} links shown"
        + ("" if type_labels else " · pick at least one type")
    )


with panel_column:
    render_page(kg.page(target), kg, preview=target != focus)
