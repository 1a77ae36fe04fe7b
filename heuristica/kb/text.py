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
    "inert_line",
    "is_web_url",
    "one_line",
    "plain_title",
    "quoted",
    "title_markdown",
    "visible_bidi",
]

_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=^\"'])")
"""ASCII punctuation that Markdown, GFM, KaTeX or Streamlit's directives
(``:red[...]``, ``:material/...:``) give meaning to; CommonMark lets any ASCII
punctuation be escaped with a backslash."""


def visible_bidi(text: str) -> str:
    """``text`` with each bidirectional control character shown as ``⟨U+202E⟩``."""
    if text.isascii():  # no control of that kind (a flag CPython keeps: no scan)
        return text
    return _BIDI.sub(lambda match: f"⟨U+{ord(match[0]):04X}⟩", text)


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) as one space."""
    return " ".join(text.split())


def escape(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", visible_bidi(text))


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that renders exactly these characters, on one line."""
    return escape(one_line(text))


def plain_title(title: str) -> str:
    """A page title as plain text: the backticks that mark code in it
    ("before `import polars` runs") left out. Bidirectional controls shown."""
    return visible_bidi(title.replace("`", ""))


def title_markdown(title: str) -> str:
    """A page title as Markdown on one line: its code (in backticks) as code,
    every other character as written."""
    parts = re.split(r"(`+)(.+?)\1", one_line(title))
    text, code = parts[0::3], parts[2::3]
    out = [escape(text[0])]
    for inside, after in zip(code, text[1:], strict=True):
        out += [code_span(visible_bidi(inside)), escape(after)]
    return "".join(out)


_INLINE_MARKUP = re.compile(r"[\\`*\[\]<>&~$]|(?<![^\W_])_|_(?![^\W_])")
"""What can start markup inside a line of CommonMark or GFM (or math in a
viewer that has it); ``_`` only at a word's edge (``set_start_method`` is inert)."""
_BLOCK_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")


def inert_line(text: str) -> str:
    """Plain ``text`` as one line of Markdown that renders as these characters
    and makes no markup (no link, image, tag or emphasis), with as few
    backslashes as that takes: for a reader that may render it, or not."""
    line = _INLINE_MARKUP.sub(lambda found: "\\" + found[0], visible_bidi(one_line(text)))
    return _BLOCK_START.sub(lambda found: found[0][:-1] + "\\" + found[0][-1], line)


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
