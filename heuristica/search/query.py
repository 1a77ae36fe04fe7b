"""What a typed query looks for: the indexed terms that stand for each of its
words.

Words are cut and stemmed by the same tantivy analyzers that built the index
("deadlocks" and "deadlock" are one term), so nothing a person types is ever
read as query syntax: quotes, ``NEAR(``, ``*``, ``-``, ``:`` or ``AND`` are
only characters. Stop words are left out unless a query has nothing else; a
word that no page has is replaced by the indexed terms closest to it (a
typo); the last word, while it is still being typed and no page has it whole,
stands for the terms it starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tantivy import Filter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

__all__ = ["MAX_WORDS", "STEMMER", "STOP_WORDS", "Terms", "stem", "terms", "words"]

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be because been before being
    both but by can could did do does doing done during each else for from further had has
    have having he her here hers him his how i if in into is it its itself just let me more
    most my myself no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours""".split()
)
"""Words a question is made of but no page is found by ("why should I use spawn")."""

MAX_WORDS = 32
"""Words of a query that are looked for; the rest of a pasted essay is ignored."""
_MAX_PHRASE = 12
"""The first words of a query (two or more, up to this many) also count where
they appear as written: a pasted message then finds its own page first."""
_FUZZY_MIN_LENGTH = 4
"""Shorter words are not corrected: "gil" is not a typo of "git"."""
_PREFIX_MIN_LENGTH = 3
"""Shorter beginnings of a word stand for too many words to help."""
_LONGEST_TERM = 40
"""Longer tokens (a hash, a base64 blob) are not indexed."""


def _analyzer(*filters: Filter) -> TextAnalyzer:
    builder = TextAnalyzerBuilder(Tokenizer.simple())
    for item in (Filter.remove_long(_LONGEST_TERM), Filter.lowercase(), Filter.ascii_fold()):
        builder = builder.filter(item)
    for item in filters:
        builder = builder.filter(item)
    return builder.build()


WORDS = _analyzer()
"""Cuts text into lowercase words: runs of letters and digits (``_`` separates)."""
STEMMER = _analyzer(Filter.stemmer("english"))
"""What the index is built with: WORDS, then Snowball's English stemmer."""


def words(text: str) -> list[str]:
    """The lowercase words of ``text``, as the index cuts them."""
    return WORDS.analyze(text)


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The indexed term for one word ("deadlocks" -> "deadlock"); "" for one
    too long to be indexed."""
    found = STEMMER.analyze(word)
    return found[0] if found else ""


@dataclass(frozen=True)
class Terms:
    """The terms one query looks for."""

    groups: tuple[tuple[str, ...], ...]
    """Per word of the query that some page has: the terms that stand for it."""
    phrase: tuple[str, ...]
    """The terms of the whole query in order (stop words too), to find it as
    written; empty for a one-word query."""

    @property
    def all(self) -> frozenset[str]:
        """Every term looked for: what a snippet marks."""
        return frozenset(term for group in self.groups for term in group)


def terms(
    text: str,
    known: Callable[[str], bool],
    starting: Callable[[str], Sequence[str]],
    similar: Callable[[str], Sequence[str]],
) -> Terms | None:
    """What ``text`` looks for; None when no page could match it.

    ``known(term)`` says whether any page has a term; ``starting(prefix)``
    gives indexed terms that start with a prefix; ``similar(term)`` gives the
    indexed terms closest to one that no page has.
    """
    typed = words(text)[:MAX_WORDS]
    if not typed:
        return None
    still_typing = text[-1].isalnum()
    groups: list[tuple[str, ...]] = []
    for word in dict.fromkeys(w for w in typed if w not in STOP_WORDS):
        term = stem(word)
        group = [term] if known(term) else []
        if not group and still_typing and word == typed[-1] and len(word) >= _PREFIX_MIN_LENGTH:
            group = list(starting(word))
        if not group and len(word) >= _FUZZY_MIN_LENGTH and not word.isdigit():
            group = list(similar(term))
        if group:
            groups.append(tuple(group))
    phrase = tuple(stem(word) for word in typed[:_MAX_PHRASE]) if len(typed) > 1 else ()
    if not groups and not (phrase and all(known(term) for term in phrase)):
        return None
    return Terms(tuple(groups), phrase)
