"""Make untrusted text safe to hand to Streamlit's Markdown renderer.

Page text from YAML is Markdown on purpose (emphasis, code, tables, math), so
it goes to ``st.markdown`` as Markdown; Streamlit escapes raw HTML in it. Short
strings that are not meant as Markdown (titles, labels, file names, messages)
are escaped so that every character shows as typed.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "BLOCKED_LINK",
    "code_segments",
    "escape_markdown",
    "inert_markdown",
    "one_line",
    "quoted",
    "safe_markdown",
]

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


BLOCKED_LINK = "#blocked-link"
"""What a link to a script URL (``javascript:``, ``data:``...) points to instead."""
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_LINK_START = r"\]\(\s*|^ {0,3}\[[^\]\n]+\]:[ \t]*"
"""Where a link's URL starts: inline ``[t](url)`` or reference ``[t]: url``."""
_DESTINATION = re.compile(
    rf"(?P<open>(?:{_LINK_START})<|<)(?P<bracketed>[^<>\n]*)(?=>)"
    rf"|(?P<lead>{_LINK_START})(?P<bare>(?:[^\s()]|\([^\s()]*\))+)",
    re.MULTILINE,
)
"""A URL in angle brackets (``[t](<url>)``, or an autolink ``<url>``), or a bare
one, which may hold balanced parentheses."""
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_CODE = re.compile(r"(^ {0,3}(```|~~~).*?^ {0,3}\2|(`+).*?\3)", re.MULTILINE | re.DOTALL)
"""Fenced code blocks and code spans: no links in there, and their text must stay as written."""


def safe_markdown(text: str) -> str:
    """Markdown ``text`` with every link to a URL scheme other than http(s) or
    mailto pointed at ``BLOCKED_LINK``.

    Streamlit's renderer already drops such links; doing it here as well keeps
    the panel safe whatever the frontend does, and lets tests see it. Browsers
    ignore control characters and whitespace in a scheme and Markdown decodes
    entities (``jav&#x61;script:``), so the scheme is judged after both.
    """

    def point_away(match: re.Match[str]) -> str:
        url = match["bracketed"] if match["open"] is not None else match["bare"]
        plain = re.sub(r"[\x00-\x20]", "", html.unescape(url)).lower()
        scheme = _SCHEME.match(plain)
        if scheme is None or scheme[1] in _SAFE_SCHEMES:
            return match[0]
        return (match["open"] or match["lead"]) + BLOCKED_LINK

    return "".join(
        part if is_code else _DESTINATION.sub(point_away, part)
        for part, is_code in code_segments(text)
    )


def code_segments(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (part, is_code) pairs; fenced blocks and code spans are code."""
    parts = _CODE.split(text)
    # split() yields text, then the three groups of each code match, then text...
    return [(part or "", index % 4 == 1) for index, part in enumerate(parts) if index % 4 in (0, 1)]


def quoted(value: str, limit: int = 80) -> str:
    """A user-supplied value, shortened and quoted as Markdown code so that it
    is shown literally, never interpreted."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return "`" + short.replace("`", "'").replace("\n", " ") + "`"


_IMAGE = re.compile(r"(?<!\\)((?:\\\\)*)!\[")
"""An image's ``![``, unless its ``!`` is escaped by a backslash."""


def inert_markdown(text: str) -> str:
    """Markdown ``text`` that, wherever it is rendered, runs nothing and loads
    nothing: links to script URLs point at ``BLOCKED_LINK``, raw HTML tags
    outside code show as text, and an image becomes a link to it (its ``!``
    escaped), so no renderer fetches it from another host."""
    return "".join(
        part if is_code else _IMAGE.sub(r"\1\\![", part).replace("<", "&lt;")
        for part, is_code in code_segments(safe_markdown(text.strip()))
    )
