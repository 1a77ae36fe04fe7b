"""Short untrusted strings made safe to show as Markdown: titles, labels,
file names, values from the URL. Every character is shown as typed:
Markdown's punctuation escaped, bidirectional control characters shown as
``⟨U+202E⟩``, whitespace as single spaces."""

from __future__ import annotations

import re

__all__ = [
    "code_span",
    "escape",
    "escape_markdown",
    "is_web_url",
    "one_line",
    "quoted",
    "visible_bidi",
]

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^\"'])")
"""ASCII punctuation that Markdown, GFM, KaTeX or Streamlit's directives
(``:red[...]``, ``:material/...:``) give meaning to; CommonMark lets any ASCII
punctuation be escaped with a backslash."""


def visible_bidi(text: str) -> str:
    """``text`` with each bidirectional control character shown as ``⟨U+202E⟩``."""
    return _BIDI.sub(lambda match: f"⟨U+{ord(match[0]):04X}⟩", text)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", visible_bidi(text))


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders exactly these characters, on one line."""
    return escape(one_line(text))


def code_span(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    padded = f" {text} " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else text
    return f"{fence}{padded}{fence}"


def quoted(value: str, limit: int = 80) -> str:
    """A value a user supplied (a URL parameter, a setting), shortened and shown
    as Markdown code: literally, never interpreted."""
    short = value if len(value) <= limit else value[:limit] + "…"
    return code_span(visible_bidi(one_line(short)))


def is_web_url(url: str) -> bool:
    """Whether ``url`` (as markdown-it normalised it) is an absolute http(s) URL."""
    return re.match(r"https?://[^/?#\s]", url, re.IGNORECASE) is not None
