"""The knowledge base as a graph, and the questions the app asks of it.

``KnowledgeGraph`` wraps a ``networkx.MultiDiGraph``: nodes are page ids and
carry the page (attribute ``page``); edges run from the page a link is written
on to its target, keyed by relation name (attribute ``relation``). It answers
questions and changes nothing; finding pages by their words is
``heuristica.search``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from hashlib import blake2b

import networkx as nx

from heuristica.kb.gcpause import paused_gc
from heuristica.kb.model import Page
from heuristica.kb.nx_prebuilt import prebuilt_graph
from heuristica.kb.relations import RELATIONS, PageType

__all__ = ["KnowledgeGraph"]


_Keys = dict[str, dict[str, str]]
"""The links from one page to another, by relation: ``{relation: {"relation": relation}}``
(networkx's key dictionary of a multigraph edge)."""
_Adjacency = dict[str, dict[str, _Keys]]
_Hash = int
_MASK = (1 << 128) - 1
_REBUILD_SHARE = 4
"""``updated`` builds from scratch when more than 1/this of the pages changed."""


def _hash(*parts: str) -> _Hash:
    return int.from_bytes(blake2b("\0".join(parts).encode(), digest_size=16).digest(), "big")


class KnowledgeGraph:
    """A read-only graph of pages joined by typed links.

    ``updated`` makes the graph of a changed set of pages from this one,
    touching only the pages that changed and those they link to or from: the
    result is equal, to the order of every node and edge, to a graph built
    from scratch (tests/test_incremental.py).
    """

    def __init__(self, pages: Mapping[str, Page]) -> None:
        with paused_gc():
            node = {page_id: {"page": page} for page_id, page in pages.items()}
            dangling: dict[str, set[str]] = {}
            succ = {
                page_id: _out_edges(page_id, page, pages, dangling)
                for page_id, page in pages.items()
            }
            pred: _Adjacency = {page_id: {} for page_id in pages}
            for source, targets in succ.items():
                for target, keys in targets.items():
                    pred[target][source] = keys
            self._install(dict(pages), node, succ, pred, dangling)

    def _install(
        self,
        pages: dict[str, Page],
        node: dict[str, dict[str, Page]],
        succ: _Adjacency,
        pred: _Adjacency,
        dangling: dict[str, set[str]],
    ) -> None:
        """Wrap the adjacency as networkx's own (what ``add_edges_from`` makes,
        built directly: several times faster, and shareable between graphs)."""
        graph = prebuilt_graph(node, succ, pred)
        self._pages = pages
        self._node, self._succ, self._pred = node, succ, pred
        self._dangling = dangling
        """Target id -> pages with a link to it that is left out (no such page)."""
        self.nx: nx.MultiDiGraph[str] = nx.freeze(graph)
        self._undirected_view: nx.MultiGraph[str] | None = None
        self._link_count: int | None = None
        self._shape: _Hash | None = None
        self._most_linked: tuple[str | None] | None = None
        self._stats: dict[PageType, int] | None = None

    def updated(self, pages: Mapping[str, Page]) -> KnowledgeGraph:
        """The graph of ``pages``, made from this one: the pages added, removed
        or changed (another object than here) get their nodes and links
        anew, every other page keeps its own (shared: a graph never changes).
        This graph stays as it is."""
        with paused_gc():
            return self._updated(pages)

    def _updated(self, pages: Mapping[str, Page]) -> KnowledgeGraph:
        removed, added, changed = self._changes(pages)
        if (len(changed) + len(removed)) * _REBUILD_SHARE > max(len(pages), 1):
            return KnowledgeGraph(pages)
        kept = [page_id for page_id in pages if page_id not in changed]
        if kept != [
            page_id for page_id in self._pages if page_id in pages and page_id not in changed
        ]:
            return KnowledgeGraph(pages)  # the pages come in another order
        dangling = {
            target: still
            for target, sources in self._dangling.items()
            if target not in pages
            and (
                still := {source for source in sources if source in pages and source not in changed}
            )
        }
        rebuilt = {
            page_id: _out_edges(page_id, pages[page_id], pages, dangling) for page_id in changed
        }
        touched = self._touched(pages, changed, removed, rebuilt)
        pred_of = self._predecessors(pages, changed, rebuilt, touched)
        old_node, old_succ, old_pred = self._node, self._succ, self._pred
        node = {
            page_id: {"page": page} if page_id in changed else old_node[page_id]
            for page_id, page in pages.items()
        }
        succ = {
            page_id: rebuilt[page_id] if page_id in changed else old_succ[page_id]
            for page_id in pages
        }
        pred = {
            page_id: pred_of[page_id] if page_id in touched else old_pred[page_id]
            for page_id in pages
        }
        new = KnowledgeGraph.__new__(KnowledgeGraph)
        new._install(dict(pages), node, succ, pred, dangling)
        self._carry_figures(new, (*changed, *removed), removed, added, rebuilt, touched)
        return new

    def _changes(self, pages: Mapping[str, Page]) -> tuple[list[str], list[str], set[str]]:
        """The pages removed, added, and changed (added, another object, or
        with a link whose target came or went)."""
        old_pages = self._pages
        removed = [page_id for page_id in old_pages if page_id not in pages]
        added = [page_id for page_id in pages if page_id not in old_pages]
        changed = {page_id for page_id, page in pages.items() if old_pages.get(page_id) is not page}
        # A link kept before to a page now gone, or left out before for want
        # of a page now here, changes the page it is written on.
        for page_id in removed:
            changed.update(source for source in self._pred[page_id] if source in pages)
        for page_id in added:
            changed.update(source for source in self._dangling.get(page_id, ()) if source in pages)
        return removed, added, changed

    def _touched(
        self,
        pages: Mapping[str, Page],
        changed: set[str],
        removed: list[str],
        rebuilt: dict[str, dict[str, _Keys]],
    ) -> set[str]:
        """Pages whose links in or out may differ."""
        touched = set(changed)
        for page_id in (*changed, *removed):
            touched.update(self._succ.get(page_id, ()))
        for targets in rebuilt.values():
            touched.update(targets)
        return touched & pages.keys()

    def _predecessors(
        self,
        pages: Mapping[str, Page],
        changed: set[str],
        rebuilt: dict[str, dict[str, _Keys]],
        touched: set[str],
    ) -> _Adjacency:
        """The links into each touched page, in the order of ``pages``."""
        linking: dict[str, list[str]] = {}
        for source, targets in rebuilt.items():
            for target in targets:
                linking.setdefault(target, []).append(source)
        order = {page_id: index for index, page_id in enumerate(pages)}
        pred_of: _Adjacency = {}
        for target in touched:
            sources = [
                source
                for source in self._pred.get(target, ())
                if source in pages and source not in changed
            ]
            sources += linking.get(target, ())
            sources.sort(key=order.__getitem__)
            pred_of[target] = {
                source: rebuilt[source][target] if source in rebuilt else self._succ[source][target]
                for source in sources
            }
        return pred_of

    def _carry_figures(
        self,
        new: KnowledgeGraph,
        redrawn: tuple[str, ...],
        removed: list[str],
        added: list[str],
        rebuilt: dict[str, dict[str, _Keys]],
        touched: set[str],
    ) -> None:
        """Give ``new`` the link count, shape and most linked page already
        counted here, adjusted for the pages ``redrawn`` (changed or removed)."""
        old_succ = self._succ
        if self._link_count is not None:
            gone = sum(_count(old_succ[page_id]) for page_id in redrawn if page_id in old_succ)
            new._link_count = (
                self._link_count - gone + sum(_count(targets) for targets in rebuilt.values())
            )
        if self._shape is not None:
            shape = self._shape
            for page_id in redrawn:
                if page_id in old_succ:
                    shape -= _edges_hash(page_id, old_succ[page_id])
            shape -= sum(_hash("n", page_id) for page_id in removed)
            shape += sum(_hash("n", page_id) for page_id in added)
            shape += sum(_edges_hash(page_id, targets) for page_id, targets in rebuilt.items())
            new._shape = shape & _MASK
        if self._most_linked is not None:
            new._most_linked = new._most_linked_after(self, touched)

    def _most_linked_after(
        self, before: KnowledgeGraph, touched: set[str]
    ) -> tuple[str | None] | None:
        """The most linked page, from ``before``'s: only the pages whose links
        changed can have overtaken it, unless it lost links itself (then None:
        count again)."""
        (best,) = before._most_linked or (None,)
        if best is None or best not in self._pages:
            return None
        if best in touched and self.degree(best) < before.degree(best):
            return None
        candidates = {best, *touched}
        return (min(candidates, key=lambda page_id: (-self.degree(page_id), page_id)),)

    @property
    def _undirected(self) -> nx.MultiGraph[str]:
        """The graph with links in either direction (a view, made when first needed)."""
        if self._undirected_view is None:
            self._undirected_view = self.nx.to_undirected(as_view=True)
        return self._undirected_view

    def __len__(self) -> int:
        return self.nx.number_of_nodes()

    def __contains__(self, page_id: object) -> bool:
        return page_id in self.nx

    @property
    def pages(self) -> Iterable[Page]:
        return (data["page"] for _, data in self.nx.nodes(data=True))

    def page(self, page_id: str) -> Page:
        """The page with this id; KeyError if there is none."""
        page: Page = self.nx.nodes[page_id]["page"]
        return page

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
            wanted = relation
            graph = nx.subgraph_view(graph, filter_edge=lambda _u, _v, key: str(key) == wanted)
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
        """Links from and to the page (a link to itself counts twice)."""
        return _count(self._succ[page_id]) + _count(self._pred[page_id])

    @property
    def most_linked(self) -> str | None:
        """The page with the most links (ties: the smallest id); None when there are no pages."""
        if self._most_linked is None:
            self._most_linked = (
                min(
                    self._pages, key=lambda page_id: (-self.degree(page_id), page_id), default=None
                ),
            )
        return self._most_linked[0]

    @property
    def shape(self) -> str:
        """Changes whenever a page or a link between pages is added or removed
        (not when a page's text changes): the same in every process."""
        if self._shape is None:
            shape: int = sum(_hash("n", page_id) for page_id in self._pages)
            shape += sum(_edges_hash(page_id, targets) for page_id, targets in self._succ.items())
            self._shape = shape & _MASK
        return f"{self._shape:032x}"

    def shortest_path(self, source: str, target: str) -> list[str] | None:
        """Ids along a shortest path between two pages, ignoring direction; None if none."""
        try:
            return nx.shortest_path(self._undirected, source, target)
        except nx.NetworkXNoPath:
            return None

    def stats(self) -> dict[PageType, int]:
        """Number of pages per type (every type present, zero included)."""
        if self._stats is None:
            counts = Counter(page.type for page in self._pages.values())
            self._stats = {page_type: counts.get(page_type.value, 0) for page_type in PageType}
        return dict(self._stats)

    @property
    def link_count(self) -> int:
        if self._link_count is None:
            self._link_count = sum(_count(targets) for targets in self._succ.values())
        return self._link_count


def _out_edges(
    page_id: str, page: Page, pages: Mapping[str, Page], dangling: dict[str, set[str]]
) -> dict[str, _Keys]:
    """The page's links to pages in ``pages``, as networkx keeps them; a link
    to a page that is not there is noted in ``dangling``."""
    out: dict[str, _Keys] = {}
    for link in page.links:
        relation = link.relation
        if relation not in RELATIONS:
            continue
        if link.to not in pages:
            dangling.setdefault(link.to, set()).add(page_id)
            continue
        out.setdefault(link.to, {})[relation] = {"relation": relation}
    return out


def _count(adjacent: dict[str, _Keys]) -> int:
    return sum(len(keys) for keys in adjacent.values())


def _edges_hash(source: str, targets: dict[str, _Keys]) -> _Hash:
    return sum(_hash("e", source, target) * len(keys) for target, keys in targets.items())
