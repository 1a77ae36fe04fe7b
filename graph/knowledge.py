"""The knowledge base as a graph, and the questions the app asks of it.

``KnowledgeGraph`` wraps a ``networkx.MultiDiGraph``: nodes are page ids and
carry the page (attribute ``page``); edges run from the page a link is written
on to its target, keyed by relation name (attribute ``relation``). It answers
questions and changes nothing; finding pages by their words is
``graph.search``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

import networkx as nx

from heuristica.graph.gcpause import paused_gc
from heuristica.graph.model import Page
from heuristica.graph.relations import RELATIONS, PageType

__all__ = ["KnowledgeGraph"]


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
