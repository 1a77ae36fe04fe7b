"""The explorer's two-way graph: a Streamlit custom component (v1, static folder).

``graph_explorer`` draws a ``Drawing`` in an iframe that stays mounted across
reruns (stable key) and calls ``on_event`` with what the reader did: open
(double-click, Enter, the preview card's button), expand or collapse a page's
links (hold, "+", the card). Clicking previews a page in the browser, with no
round trip. The iframe is ``heuristica/draw/web/index.html``, the same page the
explorer's download and the tour hand-out are made from, served by Streamlit
with vis-network beside it: nothing comes from the internet.

May import: ``heuristica.draw`` and ``heuristica.kb`` (not the rest of ``ui``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, cast, get_args

import streamlit as st
import streamlit.components.v1 as components

from heuristica.draw.drawing import Drawing
from heuristica.draw.render import WEB_DIR, drawing_json
from heuristica.kb.identity_cache import IdentityCache

__all__ = ["GraphEvent", "graph_explorer", "parse_event"]

_component = components.declare_component("heuristica_graph", path=str(WEB_DIR))

EventKind = Literal["open", "expand", "collapse", "resend"]
"""``resend``: the iframe lacks the drawing for the current revision, so the
next run sends it whole. It lacks it when it was mounted afresh, or when the
run that sent it was cut short by another before its messages left the
server (Streamlit drops a run's unsent messages when the next run starts),
so a run cannot know that what it sent arrived: the iframe asks again while
a run that answered its last ask (``answered``, the nonce of the last event
handled) still leaves it without the drawing."""

_data_by_drawing: IdentityCache[bytes] = IdentityCache(16)
"""Each drawing's data as JSON."""


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
    drawing: Drawing,
    *,
    revision: str,
    reset: int,
    height: int | None,
    key: str,
    on_event: Callable[[GraphEvent], None],
) -> None:
    """Draw ``drawing``; ``on_event`` runs (as a widget callback, before the
    rerun it causes) once per new event, never twice for the same one.

    ``revision`` must change whenever ``drawing`` does. Changing ``reset``
    lays the drawing out afresh. ``height`` in pixels, or None: as tall as
    the browser window allows.
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
    # when it changed; the iframe keeps it between runs. It goes as bytes (JSON
    # the iframe parses): Streamlit passes bytes through as they are, where a
    # JSON argument is parsed in the page on every render and then copied
    # into the iframe object by object, about a second for 10,000 pages.
    sending = st.session_state.get(sent) != full_revision
    st.session_state[sent] = full_revision
    _component(
        drawing=_data(drawing) if sending else None,
        revision=full_revision,
        answered=st.session_state.get(handled),
        reset=reset,
        height=height,
        key=key,
        default=None,
        on_change=changed,
    )


def _data(drawing: Drawing) -> bytes:
    """``drawing_data`` as UTF-8 JSON, remembered for drawings the caller keeps
    (a cached whole graph): every browser that opens it gets the same few MB,
    built once."""
    return _data_by_drawing.get(
        (drawing,),
        None,
        lambda: drawing_json(drawing),
    )
