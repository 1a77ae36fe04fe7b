"""The sentence of a page that matched, with where its matched words are.

A page is read once into plain sentences; for a query, the words that may
stem to its terms are found with one regular expression, and kept if the
index's stemmer does stem them to a term ("deadlocks" counts for
"deadlock"); the sentence whose different terms weigh most (by IDF) wins. A
snippet is plain text plus offsets: each surface marks them its own safe way
(text nodes in the browser, nothing at all in JSON), and page text never
becomes markup.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from heuristica.search.query import stem
from heuristica.search.text import URL, Passage, plain_lines, sentences

__all__ = ["SNIPPET_CHARS", "Sentence", "Snippet", "Span", "marks", "read", "snippet"]

Span = tuple[int, int]
"""``[start, end)`` character offsets into a piece of text."""

SNIPPET_CHARS = 160
"""A longer snippet is cut to about this many characters."""
_CONTEXT_BEFORE = 40
"""Characters kept before the first match at most."""
_SNIPPET_COLUMNS = ("overview", "headings", "body")
"""Where a snippet may come from, preferred in this order on a tie."""


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
    """One sentence of a page, as plain text."""

    text: str
    section: str


@lru_cache(maxsize=256)
def _finder(terms: frozenset[str]) -> re.Pattern[str]:
    """Whole words that may stem to one of ``terms``. A stemmer only rewrites
    the end of a word ("happy" -> "happi"), so such a word starts with the
    term less its last letter; ``marks`` then keeps those that do stem to it.
    (A word with accents is missed: its term is folded to ASCII.)"""
    beginnings = sorted({term[:-1] or term for term in terms}, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, beginnings))
    return re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE)


def marks(text: str, terms: frozenset[str]) -> tuple[Span, ...]:
    """Where in ``text`` the words whose terms are in ``terms`` are (never
    inside a web address: its parts are not indexed)."""
    if not terms:
        return ()
    addresses = [found.span() for found in URL.finditer(text)] if "/" in text else []
    return tuple(
        word.span()
        for word in _finder(terms).finditer(text)
        if stem(word[0].lower()) in terms
        and not any(start <= word.start() < end for start, end in addresses)
    )


def read(passages: Iterable[Passage]) -> tuple[Sentence, ...]:
    """The sentences a snippet may be, of a page's ``passages``: the
    overview's, then the headings', then the body's, each in page order."""
    readable = sorted(
        (p for p in passages if p.column in _SNIPPET_COLUMNS),
        key=lambda p: _SNIPPET_COLUMNS.index(p.column),
    )
    return tuple(
        Sentence(line[start:end], passage.section)
        for passage in readable
        for line in plain_lines(passage)
        for start, end in sentences(line)
    )


def snippet(sentences_of_page: tuple[Sentence, ...], weights: Mapping[str, float]) -> Snippet:
    """The first sentence whose different matched terms weigh most (``weights``:
    term -> its weight, the index's IDF: a rare word tells more than a common
    one); the first sentence (the overview's) when only the title or domains
    matched."""
    if not sentences_of_page:
        return Snippet("", (), "")
    terms = frozenset(weights)
    best, most, everything = sentences_of_page[0], 0.0, math.fsum(weights.values())
    best_marks: tuple[Span, ...] = ()
    for sentence in sentences_of_page:
        found = marks(sentence.text, terms)
        # fsum: the same total whatever order a set gives its terms in (a float
        # sum's last bit depends on its order, and a set's order on the process's
        # string hashes: two sentences that tie must tie in every process).
        weight = math.fsum(weights[t] for t in {stem(sentence.text[a:b].lower()) for a, b in found})
        if weight > most:
            best, best_marks, most = sentence, found, weight
            if most >= everything:
                break
    text, moved = _cut(best.text, best_marks, weights)
    return Snippet(text, moved, best.section)


def _cut(
    text: str, found: tuple[Span, ...], weights: Mapping[str, float]
) -> tuple[str, tuple[Span, ...]]:
    """``text`` from a little before a match, at most about SNIPPET_CHARS
    long, and the marks moved to match: a narrow sidebar shows the match, not
    the sentence's opening words. Of a long sentence, the part whose
    different matched terms weigh most is shown."""
    start, end = 0, len(text)
    first = _best_start(text, found, weights)
    if first > _CONTEXT_BEFORE:
        start = _after_space(text, first - _CONTEXT_BEFORE, first)
    if end - start > SNIPPET_CHARS:
        end = _before_space(text, start + SNIPPET_CHARS)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    moved = tuple((a + shift, b + shift) for a, b in found if start <= a and b <= end)
    return prefix + text[start:end] + suffix, moved


def _best_start(text: str, found: tuple[Span, ...], weights: Mapping[str, float]) -> int:
    """Where the match begins from which SNIPPET_CHARS of ``text`` hold the
    different terms that weigh most (the first such; 0 with no match)."""
    terms = [stem(text[a:b].lower()) for a, b in found]
    best, most = 0, -1.0
    for i, (anchor, _) in enumerate(found):
        reach = anchor - _CONTEXT_BEFORE + SNIPPET_CHARS
        covered = {terms[j] for j in range(i, len(found)) if found[j][1] <= reach}
        weight = math.fsum(weights.get(term, 0.0) for term in covered)
        if weight > most:
            best, most = anchor, weight
    return best


def _after_space(text: str, at: int, limit: int) -> int:
    space = text.find(" ", at, limit)
    return at if space == -1 else space + 1


def _before_space(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", 0, at)
    return at if space <= 0 else space
