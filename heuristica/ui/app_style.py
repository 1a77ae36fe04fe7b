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
/* Captions and an input's "Press Enter" hint: Streamlit's grey is 3.8:1 on
   white, this one 6.6:1 (WCAG 2.1 AA asks 4.5:1 of text). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] *,
[data-testid="InputInstructions"] { color: #5E5D5C !important; opacity: 1 !important; }
/* Code wraps: a block that scrolls sideways is a region the keyboard cannot
   reach (and a phone hides most of its lines). */
pre code { white-space: pre-wrap !important; overflow-wrap: anywhere; }
/* Tables fit their column, for the same reason (a phone's I/O contracts). */
.stTable table { table-layout: fixed; width: 100%; }
.stTable th, .stTable td { overflow-wrap: anywhere; }
/* Code: the highlighting colours darkened to 5:1 or more on the code's
   background (Streamlit's cyan, green and orange are 2.2-3.7:1). */
.token.parameter, .token.variable { color: #00708F !important; }
.token.keyword, .token.function, .token.class-name { color: #1565C0 !important; }
.token.comment, .token.punctuation { color: #5E5D5C !important; }
.token.operator { color: #A64B00 !important; }
.token.boolean { color: #17742F !important; }
.token.string { color: #0B7131 !important; }
.token.number { color: #0B6E62 !important; }
</style>
"""


def app_style() -> None:
    """Add the app's shared style to the page, as the last element of the
    current container (the sidebar's). Not ``st.html``: a style alone goes to
    Streamlit's hidden event container, which its test harness then reads in
    place of a toast."""
    st.markdown(APP_CSS, unsafe_allow_html=True)
