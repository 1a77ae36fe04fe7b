"""A page's text as search sees it: passages (``page_text.passages``), each
in a column of the index and a section of the page. Nothing here needs the
page models: a search answered from the index kept on disk reads the
passages it stored.

The index takes every passage as written (its tokenizer skips Markdown's
punctuation); a snippet reads passages as plain text, one line per paragraph,
list item, table row or line of code, with emphasis and code marks removed,
so that it shows a readable sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

__all__ = [
    "COLUMNS",
    "URL",
    "Passage",
    "columns_of",
    "plain_lines",
    "plain_text",
    "printable",
    "sentences",
]

COLUMNS = ("title", "domains", "overview", "headings", "body")
"""The index's text columns, most telling first."""
_CONTROL = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)], " ")
"""Control characters but tab and newline, as spaces: they mean nothing in a
page, and a terminal would obey some (ESC, CSI)."""
_ALL_CONTROL = {**_CONTROL, 0x09: " ", 0x0A: " "}
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_BLOCK = re.compile(r"^(?:[-*+]|\d+[.)])\s+|^#{1,6}\s+|^>\s?")
"""The mark that starts a block of its own: a list item, a heading, a quote."""
_EMPHASIS = re.compile(r"\*{1,2}(?=\S)|(?<=\S)\*{1,2}|`+")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)|<((?:https?|mailto):[^>\s]*)>")
"""A Markdown link or image (its text is kept) or an autolink (its address)."""
URL = re.compile(
    r"\b(?:[a-z][a-z0-9+.-]*://|www\.)(?:[^\s<>()\[\]\"'`]|\([^\s()]*\))+", re.IGNORECASE
)
"""A web address (with one level of brackets, as in Wikipedia's): its parts
are not words of the page, so they are not indexed, and a snippet marks
nothing inside one."""
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^\sa-z])")
"""A full stop, then space, then anything but a lowercase letter ("e.g. x" goes on)."""


class Passage(NamedTuple):
    """One piece of a page's text."""

    column: str
    """Which of COLUMNS it is indexed in."""
    section: str
    """The panel's heading of the section it is in, e.g. "Common Errors"."""
    text: str
    """As written (Markdown, or code when ``code``), control characters included."""
    code: bool = False


def columns_of(passages: Iterable[Passage]) -> tuple[str, ...]:
    """The text of each of COLUMNS, of a page's ``passages``, as written but
    for web addresses ("pola" of docs.pola.rs is no word to find, nor to read
    a typo as)."""
    texts: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for passage in passages:
        texts[passage.column].append(_without_addresses(passage.text))
    return tuple("\n".join(texts[column]) for column in COLUMNS)


def _without_addresses(text: str) -> str:
    """``text`` with each web address as a space, the pattern run only where
    one may be: it cost more than the rest of ``columns``, and most passages
    have none."""
    return URL.sub(" ", text) if "://" in text or "www." in text.lower() else text


def printable(text: str) -> str:
    """``text`` on one line with every control character as a space: safe to
    print to a terminal."""
    return text.translate(_ALL_CONTROL)


def plain_lines(passage: Passage) -> list[str]:
    """A passage as lines of plain text (see ``plain_text``), control characters as spaces."""
    text = passage.text.translate(_CONTROL)
    if passage.code:
        return [line.strip() for line in text.splitlines() if line.strip()]
    return plain_text(text).split("\n")


def plain_text(markdown: str) -> str:
    """``markdown`` as plain text: one line per paragraph (its wrapped lines
    joined), list item, table row (cells joined by " · ") or line of code;
    emphasis and code marks removed, a link as its text."""
    lines: list[str] = []
    paragraph: list[str] = []
    fence: str | None = None

    def flush() -> None:
        if paragraph:
            lines.append(" ".join(paragraph))
            paragraph.clear()

    for raw in markdown.splitlines():
        line = raw.strip()
        if fence is not None:
            if line.startswith(fence):
                fence = None
            elif line:
                lines.append(line)
            continue
        if opening := _FENCE.match(line):
            flush()
            fence = opening[1]
        elif not line or _TABLE_RULE.match(line):
            flush()
        elif line.startswith("|"):
            flush()
            cells = (_inline(cell.strip()) for cell in line.strip("|").split("|"))
            lines.append(" · ".join(cell for cell in cells if cell))
        elif block := _BLOCK.match(line):
            flush()
            paragraph.append(_inline(line[block.end() :]))
        else:
            paragraph.append(_inline(line))
    flush()
    return "\n".join(line for line in lines if line)


def _inline(text: str) -> str:
    if "](" in text or "<" in text:
        text = _LINK.sub(lambda link: link[1] if link[2] is None else link[2], text)
    return _EMPHASIS.sub("", text).strip() if "*" in text or "`" in text else text


def sentences(line: str) -> Iterator[tuple[int, int]]:
    """``[start, end)`` of each sentence of one line of plain text."""
    start = 0
    for end in _SENTENCE_END.finditer(line):
        yield start, end.start()
        start = end.end()
    if start < len(line):
        yield start, len(line)
