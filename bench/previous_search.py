"""The search that heuristica.search replaced (``KnowledgeGraph.search`` up to
commit 38fa7d3), kept only as bench_search's baseline.

Each word of a query was matched against the words of titles and domains
(exactly, as a prefix, or fuzzily with rapidfuzz) and a page scored the mean
over the words; the body matched only the whole query as an exact substring.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.model import Page

__all__ = ["PreviousHit", "PreviousSearch"]

_WORD = re.compile(r"[a-z0-9]+")
_WORD_CUTOFF = 75.0
_PREFIX_MIN = 3
_PREFIX_SCORE = 90.0
_TEXT_SCORE = 60.0
_MATCH_ORDER = {"title": 0, "domain": 1, "text": 2}


@dataclass(frozen=True)
class PreviousHit:
    page: Page
    score: float
    matched: str


def _page_text(page: Page) -> str:
    parts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, Mapping):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)

    walk(page.model_dump(exclude={"id", "type", "links", "last_updated", "sources", "demo"}))
    return "\n".join(parts)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _postings(words_per_page: Iterable[list[str]]) -> dict[str, list[int]]:
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(words_per_page):
        for word in dict.fromkeys(words):
            postings[word].append(index)
    return dict(postings)


class PreviousSearch:
    """What KnowledgeGraph built for search in its constructor, and its search."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self._pages = list(kg.pages)
        self._title_words = _postings(_words(page.title) for page in self._pages)
        self._domain_words = _postings(_words(" ".join(page.domains)) for page in self._pages)
        self._vocabulary = sorted(self._title_words.keys() | self._domain_words.keys())
        self._texts: list[str] | None = None

    def search(self, query: str, limit: int = 10) -> list[PreviousHit]:
        words = _words(query)
        if not words:
            return []
        best: dict[int, PreviousHit] = {}

        def offer(index: int, score: float, matched: str) -> None:
            current = best.get(index)
            if current is None or score > current.score:
                best[index] = PreviousHit(self._pages[index], score, matched)

        title = self._word_scores(words, self._title_words)
        domain = self._word_scores(words, self._domain_words)
        for index in title.keys() | domain.keys():
            by_title = title.get(index, [0.0] * len(words))
            by_domain = domain.get(index, [0.0] * len(words))
            score = sum(map(max, by_title, by_domain)) / len(words)
            if score >= _WORD_CUTOFF:
                offer(index, score, "title" if sum(by_title) >= sum(by_domain) else "domain")
        phrase = " ".join(query.lower().split())
        if len(phrase) >= _PREFIX_MIN:
            for index, text in enumerate(self._full_texts()):
                if phrase in text:
                    offer(index, _TEXT_SCORE, "text")
        ranked = sorted(
            best.values(),
            key=lambda hit: (-hit.score, _MATCH_ORDER[hit.matched], hit.page.title.lower()),
        )
        return ranked[:limit]

    def _word_scores(
        self, words: list[str], postings: Mapping[str, list[int]]
    ) -> dict[int, list[float]]:
        scores: dict[int, list[float]] = {}
        for position, word in enumerate(words):
            for candidate, score in self._similar_words(word).items():
                for index in postings.get(candidate, ()):
                    row = scores.setdefault(index, [0.0] * len(words))
                    row[position] = max(row[position], score)
        return scores

    def _similar_words(self, word: str) -> dict[str, float]:
        similar = {
            candidate: score
            for candidate, score, _ in process.extract(
                word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=_WORD_CUTOFF, limit=None
            )
        }
        if len(word) >= _PREFIX_MIN:
            for candidate in self._vocabulary:
                if candidate.startswith(word) and candidate != word:
                    similar[candidate] = max(similar.get(candidate, 0.0), _PREFIX_SCORE)
        return similar

    def _full_texts(self) -> list[str]:
        if self._texts is None:
            self._texts = [_page_text(page).lower() for page in self._pages]
        return self._texts
