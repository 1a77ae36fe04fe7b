"""Which part of the knowledge graph the explorer shows.

``build_view`` turns (graph, focus, depth, expanded nodes, type filter, show
all) into a small frozen ``View``: the visible page ids and the links between
them; ``view_of`` makes one of given pages (a tour, a path). ``path_edges``
names the links along a path of page ids. ``resolve_node_param`` turns the
``?node=`` value of a URL into a focus, or a message saying why it cannot be
one (with the closest ids). All pure: no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from rapidfuzz import fuzz, process

from heuristica.kb.identity_cache import IdentityCache
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import quoted
from heuristica.kb.model import PAGE_ID_PATTERN
from heuristica.kb.relations import PageType

__all__ = [
    "MAX_DEPTH",
    "Edge",
    "NodeRequest",
    "View",
    "build_view",
    "closest_ids",
    "default_focus",
    "every_link",
    "path_edges",
    "resolve_node_param",
    "view_of",
]

MAX_DEPTH = 3
_FALLBACK = "showing the default view."
_CLOSE_IDS = 3
_CLOSE_CUTOFF = 70.0
"""How alike (0-100, rapidfuzz ratio over the whole id) an id must be to be
suggested: a shared `heuristic/` prefix alone scores about 55."""


@dataclass(frozen=True, order=True)
class Edge:
    """A link as drawn: from the page it is written on to its target."""

    source: str
    target: str
    relation: str

    @property
    def id(self) -> str:
        return f"{self.source}|{self.relation}|{self.target}"


@dataclass(frozen=True)
class View:
    """What the explorer draws."""

    focus: str
    nodes: frozenset[str]
    edges: tuple[Edge, ...] = field(compare=False)
    """Every link between visible pages, sorted. Left out of equality and
    hashing: the edges follow from the nodes, and hashing 36,000 of them on
    every rerun would cost more than the rerun itself."""
    show_all: bool = False


def build_view(
    kg: KnowledgeGraph,
    focus: str,
    *,
    depth: int = 1,
    expanded: Iterable[str] = (),
    types: Collection[PageType] | None = None,
    show_all: bool = False,
) -> View:
    """The pages within ``depth`` links of ``focus`` (either direction), plus the
    direct neighbours of every visible page in ``expanded``.

    ``types`` keeps only pages of those types (the focus always stays);
    ``None`` keeps all. ``show_all`` shows every page (still filtered by type).
    ``depth`` is clamped to 1..MAX_DEPTH. KeyError if ``focus`` is not a page.
    """
    kg.page(focus)
    if show_all:
        nodes = set(kg.nx)
    else:
        nodes = kg.neighbourhood(focus, max(1, min(depth, MAX_DEPTH)))
        _add_expansions(kg, nodes, set(expanded))
    if types is not None:
        allowed = {PageType(t) for t in types}
        nodes = {n for n in nodes if n == focus or kg.page(n).page_type in allowed}
    whole = show_all and len(nodes) == len(kg)
    edges = every_link(kg) if whole else _edges_between(kg, nodes)
    return View(focus=focus, nodes=frozenset(nodes), edges=edges, show_all=show_all)


_EVERY_LINK: IdentityCache[tuple[Edge, ...]] = IdentityCache(2)
"""Per graph: every link, sorted; the same tuple each time (10,000 pages:
36,000 links, 0.1-0.2 s to make)."""


def every_link(kg: KnowledgeGraph) -> tuple[Edge, ...]:
    """Every link of ``kg`` as drawn, sorted (made once per graph)."""
    return _EVERY_LINK.get((kg,), None, lambda: _edges_between(kg, set(kg.nx)))


def view_of(
    kg: KnowledgeGraph, focus: str, pages: Iterable[str], *, expanded: Iterable[str] = ()
) -> View:
    """``pages`` (which must include ``focus``), the direct neighbours of those
    of them in ``expanded`` (as ``build_view`` adds them), and every link
    between them all."""
    nodes = set(pages)
    if focus not in nodes:
        raise ValueError(f"the focus {focus} is not among the pages")
    _add_expansions(kg, nodes, set(expanded))
    return View(focus=focus, nodes=frozenset(nodes), edges=_edges_between(kg, nodes))


def path_edges(kg: KnowledgeGraph, page_ids: Sequence[str]) -> tuple[Edge, ...]:
    """The link joining each page of ``page_ids`` to the next, in either
    direction (as ``KnowledgeGraph.shortest_path`` walks them); when two pages
    are joined by several links, the first relation by name. ValueError if
    two consecutive pages are not linked."""
    edges = []
    for a, b in pairwise(page_ids):
        ends = [(a, b, r) for r in kg.nx.succ[a].get(b, {})]
        ends += [(b, a, r) for r in kg.nx.succ[b].get(a, {})]
        if not ends:
            raise ValueError(f"{a} and {b} are not linked")
        edges.append(Edge(*min(ends, key=lambda end: end[2])))
    return tuple(edges)


def _add_expansions(kg: KnowledgeGraph, nodes: set[str], expanded: set[str]) -> None:
    """Add the neighbours of expanded pages, until no expanded page is left unexpanded.

    An expanded page counts only once it is visible, so expanding a page
    that itself appeared through an expansion works, and an expansion whose
    page is no longer shown is ignored.
    """
    pending = expanded & nodes
    done: set[str] = set()
    while pending:
        page_id = pending.pop()
        done.add(page_id)
        new = kg.neighbourhood(page_id, 1) - nodes
        nodes |= new
        pending |= (new & expanded) - done


def _edges_between(kg: KnowledgeGraph, nodes: set[str]) -> tuple[Edge, ...]:
    successors = kg.nx.succ
    ends = sorted(
        (source, target, relation)
        for source in nodes
        for target, by_relation in successors[source].items()
        if target in nodes
        for relation in by_relation
    )
    return tuple(Edge(*end) for end in ends)


def default_focus(kg: KnowledgeGraph, start_page: str | None) -> str | None:
    """The page the explorer opens on when the URL names none: the knowledge
    base's ``start_page`` setting (``kb.settings``) if that page exists, else
    the page with the most links (ties: the smallest id); None for an empty
    knowledge base."""
    if start_page is not None and start_page in kg:
        return start_page
    return kg.most_linked


@dataclass(frozen=True)
class NodeRequest:
    """What the URL's ``?node=`` asks for."""

    focus: str | None
    """The requested page, or None: use the default view."""
    problem: str | None = None
    """Why the request cannot be honoured, in words for the reader; None if fine."""
    suggestions: tuple[str, ...] = ()
    """Ids like the one asked for, best first, when it names no page."""


def resolve_node_param(values: Sequence[str], known: Collection[str]) -> NodeRequest:
    """Validate the ``node`` query parameter (all its values, as the URL gives them).

    No value: no focus, no problem. A value that is not a page id, names no
    page, or comes more than once gives no focus and a problem naming it.
    """
    if not values:
        return NodeRequest(None)
    if len(values) > 1:
        shown = ", ".join(quoted(v) for v in values[:3])
        return NodeRequest(
            None, f"The link names more than one page ({shown}); showing the default view."
        )
    value = values[0].strip()
    if not re.fullmatch(PAGE_ID_PATTERN, value):
        return NodeRequest(
            None,
            f"The link's page id {quoted(value)} is not a page id (expected "
            "`<type>/<slug>`, the type one of principle, implementation, heuristic or "
            f"environment); {_FALLBACK}",
        )
    if value not in known:
        close = closest_ids(value, known)
        suggestion = f" Did you mean {_or_list([quoted(c) for c in close])}?" if close else ""
        return NodeRequest(
            None,
            f"There is no page {quoted(value)} in this knowledge base; {_FALLBACK}{suggestion}",
            tuple(close),
        )
    return NodeRequest(value)


def closest_ids(value: str, known: Collection[str], limit: int = _CLOSE_IDS) -> list[str]:
    """Up to ``limit`` ids of ``known`` most like ``value``, best first."""
    matches = process.extract(
        value, list(known), scorer=fuzz.ratio, limit=limit, score_cutoff=_CLOSE_CUTOFF
    )
    return [match[0] for match in matches]


def _or_list(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
