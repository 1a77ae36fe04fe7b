"""The explorer's two-way graph: a Streamlit custom component (v1, static folder).

``graph_explorer`` draws a pyvis network in an iframe that stays mounted
across reruns (stable key) and calls ``on_event`` with what the reader did:
select (click), open (double-click) or expand (hold) a node. The frontend is
plain JavaScript in ``frontend/`` with vis-network served from that same
folder, so nothing comes from the internet.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast, get_args

import streamlit as st
import streamlit.components.v1 as components
from pyvis.network import Network

from heuristica.graph.render import legend

__all__ = ["GraphEvent", "graph_explorer", "parse_event"]

_FRONTEND = Path(__file__).parent / "frontend"
_component = components.declare_component("heuristica_graph", path=str(_FRONTEND))

EventKind = Literal["select", "open", "expand", "resend"]
"""``resend``: the iframe lacks the drawing for the current revision (it was
mounted afresh), so the next run sends it whole."""


@dataclass(frozen=True)
class GraphEvent:
    """One thing the reader did in the graph."""

    kind: EventKind
    node: str
    nonce: str
    """Unique per event: the component repeats its last value on every rerun."""


def parse_event(value: object) -> GraphEvent | None:
    """The event in a component value, or None if it is not a well-formed one."""
    if not isinstance(value, dict):
        return None
    kind, node, nonce = value.get("kind"), value.get("node"), value.get("nonce")
    if kind not in get_args(EventKind) or not isinstance(node, str) or not isinstance(nonce, str):
        return None
    return GraphEvent(cast(EventKind, kind), node, nonce)


def graph_explorer(
    net: Network,
    *,
    revision: str,
    focus: str,
    selected: str | None,
    computed_layout: bool,
    reset: int,
    height: int,
    key: str,
    on_event: Callable[[GraphEvent], None],
) -> None:
    """Draw ``net``; ``on_event`` runs (as a widget callback, before the rerun
    it causes) once per new event, never twice for the same one.

    ``revision`` changes whenever ``net`` does; ``computed_layout`` says the
    nodes carry positions (physics off), otherwise the browser lays them out
    once and then freezes them. Changing ``reset`` lays the view out afresh.
    """
    handled, sent = f"{key}_handled_nonce", f"{key}_sent_revision"
    full_revision = f"{revision}-{reset}"

    def changed() -> None:
        event = parse_event(st.session_state.get(key))
        if event is None or event.nonce == st.session_state.get(handled):
            return
        st.session_state[handled] = event.nonce
        if event.kind == "resend":
            st.session_state.pop(sent, None)
        else:
            on_event(event)

    # The drawing (up to a few MB for 10,000 pages) goes to the browser only
    # when it changed; the iframe keeps it between runs.
    drawing = st.session_state.get(sent) != full_revision
    st.session_state[sent] = full_revision
    graph = {
        "revision": full_revision,
        "nodes": net.nodes if drawing else None,
        "edges": net.edges if drawing else None,
        "options": net.options if drawing else None,
        "focus": focus,
        "selected": selected,
        "layout": "computed" if computed_layout else "physics",
        "reset": reset,
    }
    _component(
        graph=graph, legend=legend(), height=height, key=key, default=None, on_change=changed
    )
