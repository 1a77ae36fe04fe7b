"""The knowledge base as a graph, and the questions the app asks of it.

``KnowledgeGraph`` wraps a ``networkx.MultiDiGraph``: nodes are page ids and
carry the page (attribute ``page``); edges run from the page a link is written
on to its target, keyed by relation name (attribute ``relation``). It answers
questions and changes nothing.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx
from rapidfuzz import fuzz, process

from heuristica.graph.gcpause import paused_gc
from heuristica.graph.model import Page
from heuristica.graph.relations import RELATIONS, PageType

__all__ = ["KnowledgeGraph", "SearchHit", "page_text"]

_WORD = re.compile(r"[a-z0-9]+")
_WORD_CUTOFF = 75.0
"""How alike (0-100, rapidfuzz ratio) a word must be to count as a match:
"forkservr"/"forkserver" is 95, "polrs"/"polars" 91, "gil"/"git" 67."""
_PREFIX_MIN = 3
"""Shorter words and phrases match only whole words: "f" is in every page's text."""
_PREFIX_SCORE = 90.0
"""A query word that starts a longer word ("multipro"): a near miss, not a typo."""
_TEXT_SCORE = 60.0
_MATCH_ORDER = {"title": 0, "domain": 1, "text": 2}
"""Among equal scores, a match in the title ranks first."""


@dataclass(frozen=True)
class SearchHit:
    page: Page
    score: float
    """0-100; higher is a better match."""
    matched: str
    """What matched: ``title``, ``domain`` or ``text``."""


def page_text(page: Page) -> str:
    """Every word of a page's prose, for full-text search."""
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
    """Lowercase words of ``text``; ``_`` and punctuation separate words."""
    return _WORD.findall(text.lower())


def _postings(words_per_page: Iterable[list[str]]) -> dict[str, list[int]]:
    """Word -> indexes of the pages that have it."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(words_per_page):
        for word in dict.fromkeys(words):
            postings[word].append(index)
    return dict(postings)


class KnowledgeGraph:
    """A read-only graph of pages joined by typed links."""

    def __init__(self, pages: Mapping[str, Page]) -> None:
        with paused_gc():
            self._build(pages)

    def _build(self, pages: Mapping[str, Page]) -> None:
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        graph.add_nodes_from((page_id, {"page": page}) for page_id, page in pages.items())
        # (u, v, key, data) tuples are valid for a multigraph; the stubs know only 2 and 3.
        graph.add_edges_from(
            (  # type: ignore[misc]
                page_id,
                link.to,
                link.relation,
                {"relation": link.relation},
            )
            for page_id, page in pages.items()
            for link in page.links
            if link.to in pages and link.relation in RELATIONS
        )
        self.nx: nx.MultiDiGraph = nx.freeze(graph)
        self._undirected = graph.to_undirected(as_view=True)
        self._ids = list(pages)
        self._title_words = _postings(_words(pages[i].title) for i in self._ids)
        self._domain_words = _postings(_words(" ".join(pages[i].domains)) for i in self._ids)
        self._vocabulary = sorted(self._title_words.keys() | self._domain_words.keys())
        self._texts: list[str] | None = None

    def __len__(self) -> int:
        return self.nx.number_of_nodes()

    def __contains__(self, page_id: object) -> bool:
        return page_id in self.nx

    @property
    def pages(self) -> Iterable[Page]:
        return (data["page"] for _, data in self.nx.nodes(data=True))

    def page(self, page_id: str) -> Page:
        """The page with this id; KeyError if there is none."""
        return self.nx.nodes[page_id]["page"]

    def neighbourhood(self, page_id: str, depth: int = 1) -> set[str]:
        """Ids of pages within ``depth`` links of ``page_id``, either direction, itself included."""
        return set(self.distances(page_id, depth))

    def distances(
        self, page_id: str, depth: int = 1, relation: str | None = None
    ) -> dict[str, int]:
        """Page id -> how many links away from ``page_id`` it is (either direction,
        at most ``depth``; itself at 0), following only ``relation`` links if given."""
        graph = self._undirected
        if relation is not None:
            graph = nx.subgraph_view(graph, filter_edge=lambda _u, _v, key: key == relation)
        return dict(nx.single_source_shortest_path_length(graph, page_id, cutoff=depth))

    def links(self, page_id: str) -> dict[str, list[Page]]:
        """Pages this page links to, grouped by relation label, in relation-table order."""
        return self._grouped(
            (relation, target) for _, target, relation in self.nx.out_edges(page_id, keys=True)
        )

    def backlinks(self, page_id: str) -> dict[str, list[Page]]:
        """Pages linking here, grouped by the relation's inverse label (e.g. "Used by")."""
        return self._grouped(
            ((relation, source) for source, _, relation in self.nx.in_edges(page_id, keys=True)),
            inverse=True,
        )

    def _grouped(
        self, pairs: Iterable[tuple[str, str]], inverse: bool = False
    ) -> dict[str, list[Page]]:
        groups: dict[str, list[Page]] = defaultdict(list)
        for relation, other in pairs:
            groups[relation].append(self.page(other))
        return {
            (RELATIONS[name].inverse if inverse else RELATIONS[name].label): sorted(
                groups[name], key=lambda p: p.title.lower()
            )
            for name in RELATIONS
            if name in groups
        }

    def degree(self, page_id: str) -> int:
        return self.nx.degree(page_id)

    def search(self, query: str, limit: int = 10) -> list[SearchHit]:
        """Pages matching ``query`` by title, domain or text, best first.

        Each word of the query is matched against the words of titles and
        domains: exactly, as the start of a word (as you type), or fuzzily (a
        small typo still finds the page); a page scores the mean over the
        query's words. The whole query also matches the full text by substring.
        """
        words = _words(query)
        if not words:
            return []
        best: dict[int, SearchHit] = {}

        def offer(index: int, score: float, matched: str) -> None:
            current = best.get(index)
            if current is None or score > current.score:
                best[index] = SearchHit(self.page(self._ids[index]), score, matched)

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
        """Page index -> for each query word, how well the page's best word matches it."""
        scores: dict[int, list[float]] = {}
        for position, word in enumerate(words):
            for candidate, score in self._similar_words(word).items():
                for index in postings.get(candidate, ()):
                    row = scores.setdefault(index, [0.0] * len(words))
                    row[position] = max(row[position], score)
        return scores

    def _similar_words(self, word: str) -> dict[str, float]:
        """Words of titles and domains like ``word``, with a 0-100 likeness."""
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
            self._texts = [page_text(self.page(i)).lower() for i in self._ids]
        return self._texts

    def shortest_path(self, source: str, target: str) -> list[str] | None:
        """Ids along a shortest path between two pages, ignoring direction; None if none."""
        try:
            return nx.shortest_path(self._undirected, source, target)
        except nx.NetworkXNoPath:
            return None

    def stats(self) -> dict[PageType, int]:
        """Number of pages per type (every type present, zero included)."""
        counts = Counter(page.page_type for page in self.pages)
        return {page_type: counts.get(page_type, 0) for page_type in PageType}

    @property
    def link_count(self) -> int:
        return self.nx.number_of_edges()
