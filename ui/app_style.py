"""The few style rules every screen of the app shares, sent once per run by
shell.py: what Streamlit's defaults get wrong for this app."""

from __future__ import annotations

import streamlit as st

__all__ = ["APP_CSS", "app_style"]

APP_CSS = """
<style>
/* A badge with a long text (where a page was verified) wraps instead of
   being cut off with an ellipsis. */
span.stMarkdownBadge {
  white-space: normal !important; height: auto !important; overflow-wrap: anywhere;
}
</style>
"""


def app_style() -> None:
    """Add the app's shared style to the page, as the last element of the
    current container (the sidebar's). Not ``st.html``: a style alone goes to
    Streamlit's hidden event container, which its test harness then reads in
    place of a toast."""
    st.markdown(APP_CSS, unsafe_allow_html=True)
