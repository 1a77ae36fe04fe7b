"""What a typed query looks for: the indexed terms that stand for each of its
words.

Words are cut and stemmed by the same tantivy analyzers that built the index
("deadlocks" and "deadlock" are one term), so nothing a person types is ever
read as query syntax: quotes, ``NEAR(``, ``*``, ``-``, ``:`` or ``AND`` are
only characters. Stop words are left out unless a query has nothing else; a
word that no page has is read as the indexed words a typo or two away from it
(``MAX_EDITS``: "deadlok" is "deadlock", "chart" is not "character"); the
last word, while it is still being typed and no page has it whole, stands for
the terms it starts. A query most of whose words are in no page, even read
as typos, finds nothing ("kubernetes helm chart"), and says which words.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from tantivy import Filter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer

__all__ = [
    "MAX_WORDS",
    "STEMMER",
    "STOP_WORDS",
    "Correction",
    "Terms",
    "max_edits",
    "stem",
    "terms",
    "words",
]

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
_TWO_EDITS_LENGTH = 8
"""Words this long may be two typos (insert, delete, replace, swap two
letters) away from the word meant; shorter ones one: a short word one typo
away has many neighbours ("helm": "help", "held")."""
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


def max_edits(word: str) -> int:
    """How many typos away from ``word`` the word meant may be (0: not a typo)."""
    if len(word) < _FUZZY_MIN_LENGTH or not word.isalpha():
        return 0
    return 2 if len(word) >= _TWO_EDITS_LENGTH else 1


@dataclass(frozen=True)
class Correction:
    """A word no page has, and the indexed terms read in its place."""

    word: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class Terms:
    """The terms one query looks for."""

    groups: tuple[tuple[str, ...], ...]
    """Per word of the query that some page has: the terms that stand for it."""
    phrase: tuple[str, ...]
    """The terms of the whole query in order (stop words too), to find it as
    written; empty for a one-word query."""
    missing: tuple[str, ...] = ()
    """Words of the query that no page has, not even as a typo of another."""
    corrections: tuple[Correction, ...] = ()
    """Words no page has, read as typos of indexed words."""
    phrase_found: bool = False
    """Some page may have the whole query as written."""

    @property
    def all(self) -> frozenset[str]:
        """Every term looked for: what a snippet marks."""
        return frozenset(term for group in self.groups for term in group)

    @property
    def finds_nothing(self) -> bool:
        """No page can match; or most of the query's words are in no page, or
        none is as typed and no more are typos of indexed words than are in no
        page at all (then what is left would find pages about something else:
        "kubernetes helm" is not about "help")."""
        if self.phrase_found:
            return False
        missing, found = len(self.missing), len(self.groups)
        as_typed = found - len(self.corrections)
        return not found or 2 * missing > missing + found or (not as_typed and missing >= found)


def terms(
    text: str,
    known: Callable[[str], bool],
    starting: Callable[[str], Sequence[str]],
    similar: Callable[[str], Sequence[str]],
) -> Terms:
    """What ``text`` looks for (see ``Terms.finds_nothing``).

    ``known(term)`` says whether any page has a term; ``starting(prefix)``
    gives indexed terms that start with a prefix; ``similar(word)`` gives the
    indexed terms a typo or two away from a word no page has.
    """
    typed = words(text)[:MAX_WORDS]
    if not typed:
        return Terms((), ())
    still_typing = text[-1].isalnum()
    groups: list[tuple[str, ...]] = []
    missing: list[str] = []
    corrections: list[Correction] = []
    for word in dict.fromkeys(w for w in typed if w not in STOP_WORDS):
        term = stem(word)
        group = [term] if known(term) else []
        if not group and still_typing and word == typed[-1] and len(word) >= _PREFIX_MIN_LENGTH:
            group = list(starting(word))
        if not group and max_edits(word):
            group = list(similar(word))
            if group:
                corrections.append(Correction(word, tuple(group)))
        if group:
            groups.append(tuple(group))
        elif not word.isdigit():
            missing.append(word)
    phrase = tuple(stem(word) for word in typed[:_MAX_PHRASE]) if len(typed) > 1 else ()
    return Terms(
        tuple(groups),
        phrase,
        tuple(missing),
        tuple(corrections),
        bool(phrase) and all(known(term) for term in phrase),
    )
