"""A page's text as search sees it: passages, each in a column of the index
and a section of the page.

The index takes every passage as written (its tokenizer skips Markdown's
punctuation); a snippet reads passages as plain text, one line per paragraph,
list item, table row or line of code, with emphasis and code marks removed,
so that it shows a readable sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from pydantic import BaseModel

from heuristica.kb.model import SECTIONS, Page

__all__ = [
    "COLUMNS",
    "URL",
    "Passage",
    "columns",
    "passages",
    "plain_lines",
    "plain_text",
    "printable",
    "sentences",
]

COLUMNS = ("title", "domains", "overview", "headings", "body")
"""The index's text columns, most telling first."""

_NAMING_FIELDS = frozenset({"title", "name", "error"})
"""Fields that name something (an example's title, a dependency, an error
message): indexed with the headings, above the body, as checks' claims are."""
_CODE_FIELDS = frozenset({"code", "signature", "import_", "quick_install", "repository", "file"})
"""Fields that are code, commands or paths: read line by line, not as Markdown."""
_SKIPPED_FIELDS = frozenset({"url", "kind"})
"""Fields that are machinery, not prose (a link, an enum)."""

_CONTROL = dict.fromkeys([*range(0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)], " ")
"""Control characters but tab and newline, as spaces: they mean nothing in a
page, and a terminal would obey some (ESC, CSI)."""
_ALL_CONTROL = {**_CONTROL, 0x09: " ", 0x0A: " "}
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_TABLE_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
_BLOCK = re.compile(r"^(?:[-*+]|\d+[.)])\s+|^#{1,6}\s+|^>\s?")
"""The mark that starts a block of its own: a list item, a heading, a quote."""
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
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


def passages(page: Page) -> list[Passage]:
    """Every piece of ``page``'s text, in the order the panel shows it."""
    found = [
        Passage("title", "Title", page.title),
        Passage("domains", "Domains", " ".join(page.domains)),
        Passage("overview", "Overview", page.overview),
    ]
    for field_name, heading in SECTIONS[page.page_type]:
        if field_name != "overview":
            _collect(getattr(page, field_name), field_name, heading, found)
    found += (Passage("body", "Knowledge Sources", source.title) for source in page.sources)
    # A check's claim is a sentence of the page; its program and settings are not.
    found += (Passage("headings", "Checks", check.claim) for check in page.checks)
    return found


def _collect(value: object, name: str, section: str, found: list[Passage]) -> None:
    if isinstance(value, str):
        if name in _NAMING_FIELDS:
            found.append(Passage("headings", section, value))
        elif name in _CODE_FIELDS:
            found.append(Passage("body", section, value, code=True))
        else:
            found.append(Passage("body", section, value))
            if "#" in value:
                found += (Passage("headings", section, h) for h in _HEADING.findall(value))
    elif isinstance(value, list):
        for item in value:
            _collect(item, name, section, found)
    elif isinstance(value, BaseModel):
        for field_name in _text_fields(type(value)):
            _collect(getattr(value, field_name), field_name, section, found)


@cache
def _text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """``model``'s fields that may hold text: looked up once per class, since
    pydantic's ``model_fields`` is a computed property (10,000 pages ask it
    tens of thousands of times)."""
    return tuple(name for name in model.model_fields if name not in _SKIPPED_FIELDS)


def columns(page: Page) -> tuple[str, ...]:
    """The text of each of COLUMNS for ``page``, as written but for web
    addresses ("pola" of docs.pola.rs is no word to find, nor to read a typo as)."""
    texts: dict[str, list[str]] = {column: [] for column in COLUMNS}
    for passage in passages(page):
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
