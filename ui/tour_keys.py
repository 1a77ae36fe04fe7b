"""Arrow keys step through a tour.

Streamlit binds no arbitrary keys, so this is a tiny v2 component: it mounts
in the app's own document (no iframe) and listens for ArrowLeft/ArrowRight
there and inside the app's same-origin iframes (the graph), unless the
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
  const { setTriggerValue } = component;
  const KEYS = { ArrowRight: "next", ArrowLeft: "previous" };
  const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
  const documents = new Set();
  const onKey = (event) => {
    const move = KEYS[event.key];
    if (!move || event.repeat || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || TYPING.has(target.tagName))) return;
    if (target && target.closest && target.closest('[role="slider"],[role="radiogroup"]')) return;
    event.preventDefault();
    setTriggerValue("step", move);
  };
  const listen = (doc) => {
    if (doc && !documents.has(doc)) {
      documents.add(doc);
      doc.addEventListener("keydown", onKey);
    }
  };
  const listenInFrames = () => {
    for (const frame of document.querySelectorAll("iframe")) {
      try {
        listen(frame.contentDocument);
      } catch (error) {
        // a cross-origin frame: keys pressed in it stay there
      }
    }
  };
  listen(document);
  listenInFrames();
  const timer = setInterval(listenInFrames, 1000);
  return () => {
    clearInterval(timer);
    for (const doc of documents) doc.removeEventListener("keydown", onKey);
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
