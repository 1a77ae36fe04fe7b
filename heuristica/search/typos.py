"""Which indexed terms a word no page has may be a typo of.

Terms are stems ("warning" is indexed as "warn"), so a word is compared
both with the terms (as typed, and as stemmed) and, through the strings one
typo from it, with the stems of the words it may have meant: a typo in a
word's ending ("warnign") is then still read as the word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import OSA

from heuristica.search.query import STOP_WORDS, max_edits, stem

__all__ = ["Vocabulary", "one_typo_away"]

_CHOICES = 2
"""Indexed words a typo is read as at most: of those fewest typos away, the
ones most pages have, and only those at least half as common as the most
common ("threds" is "thread", not "three")."""

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_typo_away(word: str) -> set[str]:
    """Every string one typo from ``word``: a letter left out, swapped with
    the next, replaced or added. Their stems find the word meant when the typo
    is in its ending ("warnign" is "warning", whose term is "warn": three
    edits from the typo, which comparing terms alone would not accept)."""
    cuts = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    left_out = {a + b[1:] for a, b in cuts if b}
    swapped = {a + b[1] + b[0] + b[2:] for a, b in cuts if len(b) > 1}
    replaced = {a + c + b[1:] for a, b in cuts if b for c in _LETTERS}
    added = {a + c + b for a, b in cuts for c in _LETTERS}
    return (left_out | swapped | replaced | added) - {word}


class Vocabulary:
    """The terms of an index a typo may be read as: words of letters, never a
    stop word."""

    def __init__(self, terms: Iterable[str]) -> None:
        self._sorted = sorted({t for t in terms if t.isalpha() and t not in STOP_WORDS})
        self._terms = frozenset(self._sorted)

    def similar(self, word: str, pages: Callable[[str], int]) -> list[str]:
        """The terms ``word`` may be a typo of: as few typos away as any (at
        most ``max_edits``, from the word, its stem or a word one typo away
        whose stem is a term), the ones on most ``pages`` first."""
        edits = max_edits(word)
        distance: dict[str, int] = {}
        for form in dict.fromkeys((word, stem(word))):
            for found, typos, _ in process.extract(
                form, self._sorted, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                distance[found] = min(typos, distance.get(found, typos))
        if edits:  # a typo in a word's ending: its stem is no term, the word's is
            for found in {stem(near) for near in one_typo_away(word)} & self._terms:
                distance[found] = min(1, distance.get(found, 1))
        if not distance:
            return []
        fewest = min(distance.values())
        counts = {found: pages(found) for found, n in distance.items() if n == fewest}
        most = max(counts.values())
        likely = [found for found, count in counts.items() if 2 * count >= most]
        return sorted(likely, key=lambda found: (-counts[found], found))[:_CHOICES]
