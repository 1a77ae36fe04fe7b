"""Make untrusted text safe to hand to Streamlit's Markdown renderer.

Page text from YAML is Markdown on purpose (emphasis, code, tables, math), so
it goes to ``st.markdown`` as Markdown; Streamlit escapes raw HTML in it. Short
strings that are not meant as Markdown (titles, labels, file names, messages)
are escaped so that every character shows as typed.
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown", "one_line"]

_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^\"'])")
"""ASCII punctuation that Markdown, GFM, KaTeX or Streamlit's directives
(``:red[...]``, ``:material/...:``) give meaning to; CommonMark lets any ASCII
punctuation be escaped with a backslash."""


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders exactly these characters, on one line."""
    return _SPECIAL.sub(r"\\\1", one_line(text))
