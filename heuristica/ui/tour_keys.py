"""Arrow keys step through a tour.

Streamlit binds no arbitrary keys, so this is a tiny v2 component: it mounts
in the app's own document (no iframe) and listens for ArrowLeft/ArrowRight
there and inside the app's same-origin iframes (the graph: a listener is
added when a frame loads or takes the focus), unless the
reader is typing in a field or holding a modifier. Each press comes back to
Python as a trigger value, ``"next"`` or ``"previous"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import streamlit as st

__all__ = ["arrow_keys"]

_JS = """
export default function (component) {
  // One set of listeners per browser tab, whatever Streamlit does with this
  // component across reruns; each mount takes it over with its own sender.
  const owner = {};
  const keys = (window.__heuristicaTourKeys ||= { documents: new Set() });
  keys.owner = owner;
  keys.send = (move) => component.setTriggerValue("step", move);
  if (!keys.onKey) {
    const MOVES = { ArrowRight: "next", ArrowLeft: "previous" };
    const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
    keys.onKey = (event) => {
      const move = MOVES[event.key];
      if (!move || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (target && (target.isContentEditable || TYPING.has(target.tagName))) return;
      if (target && target.closest && target.closest('[role="slider"],[role="radiogroup"]')) return;
      event.preventDefault();
      keys.send(move);
    };
    const listen = (doc) => {
      if (doc && !keys.documents.has(doc)) {
        keys.documents.add(doc);
        doc.addEventListener("keydown", keys.onKey);
      }
    };
    // A frame (the graph) gets a listener when it loads, and at the latest
    // when focus moves into it (the app's window loses focus then).
    keys.listenEverywhere = () => {
      listen(document);
      for (const frame of document.querySelectorAll("iframe")) {
        try {
          listen(frame.contentDocument);
        } catch (error) {
          // a cross-origin frame: keys pressed in it stay there
        }
      }
    };
    document.addEventListener("load", keys.listenEverywhere, true);
    window.addEventListener("blur", keys.listenEverywhere);
  }
  keys.listenEverywhere();
  return () => {
    if (keys.owner !== owner) return;
    document.removeEventListener("load", keys.listenEverywhere, true);
    window.removeEventListener("blur", keys.listenEverywhere);
    for (const doc of keys.documents) doc.removeEventListener("keydown", keys.onKey);
    delete window.__heuristicaTourKeys;
  };
}
"""

_component = st.components.v2.component("heuristica_tour_keys", js=_JS)

Move = Literal["next", "previous"]


def arrow_keys(key: str, on_move: Callable[[Move], None]) -> None:
    """Listen for arrow keys; ``on_move`` runs (as a callback, before the rerun)
    once per press."""

    def pressed() -> None:
        move = st.session_state[key].get("step")
        if move in ("next", "previous"):
            on_move(move)

    _component(key=key, on_step_change=pressed, height=0)
