"""Which part of the knowledge graph the explorer shows.

``build_view`` turns (graph, focus, depth, expanded nodes, type filter, show
all) into a small frozen ``View``: the visible page ids and the links between
them. ``resolve_node_param`` turns the ``?node=`` value of a URL into a focus,
or a message saying why it cannot be one. Both are pure: no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.markdown import quoted
from heuristica.graph.model import PAGE_ID_PATTERN
from heuristica.graph.relations import PageType

__all__ = [
    "DEFAULT_FOCUS",
    "MAX_DEPTH",
    "Edge",
    "NodeRequest",
    "View",
    "build_view",
    "default_focus",
    "resolve_node_param",
]

DEFAULT_FOCUS = "heuristic/polars-use-spawn-not-fork"
"""The page the explorer opens on when the URL names none."""

MAX_DEPTH = 3
_FALLBACK = "showing the default view."


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
    return View(
        focus=focus, nodes=frozenset(nodes), edges=_edges_between(kg, nodes), show_all=show_all
    )


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


def default_focus(kg: KnowledgeGraph) -> str | None:
    """DEFAULT_FOCUS if that page exists, else the page with the most links
    (ties: the smallest id); None for an empty knowledge base."""
    if DEFAULT_FOCUS in kg:
        return DEFAULT_FOCUS
    degrees = kg.nx.degree()
    return min(kg.nx, key=lambda page_id: (-degrees[page_id], page_id), default=None)


@dataclass(frozen=True)
class NodeRequest:
    """What the URL's ``?node=`` asks for."""

    focus: str | None
    """The requested page, or None: use the default view."""
    problem: str | None = None
    """Why the request cannot be honoured, in words for the reader; None if fine."""


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
            f"`<type>/<slug>`, e.g. `{DEFAULT_FOCUS}`); {_FALLBACK}",
        )
    if value not in known:
        return NodeRequest(
            None,
            f"There is no page {quoted(value)} in this knowledge base; showing the default view.",
        )
    return NodeRequest(value)
