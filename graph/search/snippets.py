"""The sentence of a page that matched, with where its matched words are.

A page is read once into sentences, each with the set of terms its words
stem to (the stemmer is the index's, so "deadlocks" counts for "deadlock");
the best sentence for a query is then a set intersection per sentence. A
snippet is plain text plus offsets: each surface marks them its own safe way
(text nodes in the browser, nothing at all in JSON), and page text never
becomes markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from heuristica.graph.model import Page
from heuristica.graph.search.query import stem
from heuristica.graph.search.text import passages, plain_lines, sentences

__all__ = ["SNIPPET_CHARS", "Sentence", "Snippet", "Span", "marks", "read", "snippet"]

Span = tuple[int, int]
"""``[start, end)`` character offsets into a piece of text."""

SNIPPET_CHARS = 200
"""A longer sentence is cut to about this many characters around its matches."""
_CONTEXT_BEFORE = 50
"""Characters kept before the first match when a long sentence is cut."""
_SNIPPET_COLUMNS = ("overview", "headings", "body")
"""Where a snippet may come from, preferred in this order on a tie."""
_WORD = re.compile(r"[^\W_]+")
"""A word as the index's tokenizer cuts them: letters and digits (``_`` separates)."""


@dataclass(frozen=True)
class Snippet:
    """The sentence of a page that matched best."""

    text: str
    """Plain text, cut with "…" when long; untrusted, so shown as text, never as HTML."""
    marks: tuple[Span, ...]
    """Where in ``text`` the matched words are."""
    section: str
    """The section it is in, as the panel heads it (e.g. "Common Errors")."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of a page, as plain text, and the terms of its words."""

    text: str
    section: str
    terms: frozenset[str]


def _terms(text: str) -> frozenset[str]:
    return frozenset(stem(word.lower()) for word in _WORD.findall(text))


def marks(text: str, terms: frozenset[str]) -> tuple[Span, ...]:
    """Where in ``text`` the words whose terms are in ``terms`` are."""
    if not terms:
        return ()
    return tuple(word.span() for word in _WORD.finditer(text) if stem(word[0].lower()) in terms)


def read(page: Page) -> tuple[Sentence, ...]:
    """The sentences a snippet may be: the overview's, then the headings',
    then the body's, each in page order."""
    readable = sorted(
        (p for p in passages(page) if p.column in _SNIPPET_COLUMNS),
        key=lambda p: _SNIPPET_COLUMNS.index(p.column),
    )
    return tuple(
        Sentence(line[start:end], passage.section, _terms(line[start:end]))
        for passage in readable
        for line in plain_lines(passage)
        for start, end in sentences(line)
    )


def snippet(sentences_of_page: tuple[Sentence, ...], terms: frozenset[str]) -> Snippet:
    """The first sentence with the most different matched terms; the first
    sentence (the overview's) when only the title or domains matched."""
    if not sentences_of_page:
        return Snippet("", (), "")
    best = max(sentences_of_page, key=lambda sentence: len(sentence.terms & terms))
    text, found = _cut(best.text, marks(best.text, terms))
    return Snippet(text, found, best.section)


def _cut(text: str, found: tuple[Span, ...]) -> tuple[str, tuple[Span, ...]]:
    """``text`` cut to about SNIPPET_CHARS around its first match, and the
    marks moved to match."""
    if len(text) <= SNIPPET_CHARS:
        return text, found
    start, end = 0, len(text)
    first = found[0][0] if found else 0
    if first > _CONTEXT_BEFORE:
        start = _after_space(text, first - _CONTEXT_BEFORE, first)
    end = _before_space(text, start + SNIPPET_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    moved = tuple((a + shift, b + shift) for a, b in found if start <= a and b <= end)
    return prefix + text[start:end] + suffix, moved


def _after_space(text: str, at: int, limit: int) -> int:
    space = text.find(" ", at, limit)
    return at if space == -1 else space + 1


def _before_space(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", 0, at)
    return at if space <= 0 else space
