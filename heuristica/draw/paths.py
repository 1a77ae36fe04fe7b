"""How is page A related to page B: the shortest chains of links between them.

A chain may follow a link either way; each step says which relation joins
the two pages and reads it in the direction walked: "Requires" along a link,
its inverse ("Required by", from kb.relations) against it. Pure functions
of a KnowledgeGraph: the path screen, ``heuristica path`` and the MCP
server all use them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice, pairwise

import networkx as nx
from rapidfuzz import fuzz, process

from heuristica.draw.view import Edge
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import one_line, quoted
from heuristica.kb.relations import RELATIONS
from heuristica.search import search

__all__ = [
    "MAX_PATHS",
    "PathRequest",
    "RelationPath",
    "Step",
    "did_you_mean",
    "path_pages_and_links",
    "relation_paths",
    "resolve_path_params",
    "step_text",
    "unknown_page",
]

MAX_PATHS = 5
"""Shortest paths listed at most: more than this many equally short ones say
little more than the first few."""
_CANDIDATE_PATHS = 200
"""Shortest paths read before the first MAX_PATHS in a stable order are kept."""
_SUGGESTIONS = 3
_NEAR_MISS = 85.0
"""How alike (0-100, rapidfuzz ratio) an id must be to a mistyped one to be
suggested first: "environment/macos2"/"environment/macos" is 97."""


@dataclass(frozen=True)
class Step:
    """One link on a path, as walked from ``source`` to ``target``."""

    source: str
    target: str
    relation: str
    """The relation's name, e.g. ``requires_env``."""
    forward: bool
    """True when the link is written on ``source`` and points at ``target``;
    False when the path walks it backwards."""

    @property
    def ends(self) -> tuple[str, str]:
        return self.source, self.target

    @property
    def label(self) -> str:
        """The relation read in the direction walked: "Requires" or "Required by"."""
        relation = RELATIONS[self.relation]
        return relation.label if self.forward else relation.inverse


RelationPath = tuple[Step, ...]
"""The steps from the first page to the last; empty when both are one page."""


def relation_paths(
    kg: KnowledgeGraph, source: str, target: str, limit: int = MAX_PATHS
) -> list[RelationPath]:
    """The shortest paths of links from ``source`` to ``target``, links
    followed either way, at most ``limit`` of them, ordered by the titles
    along them. ``[()]`` when the two are one page; ``[]`` when no path joins
    them. KeyError when either is not a page of ``kg``."""
    for page_id in (source, target):
        kg.page(page_id)
    undirected = kg.nx.to_undirected(as_view=True)
    try:
        found = list(islice(nx.all_shortest_paths(undirected, source, target), _CANDIDATE_PATHS))
    except nx.NetworkXNoPath:
        return []
    found.sort(key=lambda ids: [kg.page(page_id).title.lower() for page_id in ids])
    return [_steps(kg, ids) for ids in found[:limit]]


def _steps(kg: KnowledgeGraph, ids: Sequence[str]) -> RelationPath:
    return tuple(_step(kg, a, b) for a, b in pairwise(ids))


def _step(kg: KnowledgeGraph, source: str, target: str) -> Step:
    """The link joining two neighbours; of several, the first in the relation
    table, one written on ``source`` before one written on ``target``."""
    forward = kg.nx.get_edge_data(source, target) or {}
    backward = kg.nx.get_edge_data(target, source) or {}
    name = next(n for n in RELATIONS if n in forward or n in backward)
    return Step(source, target, name, name in forward)


def step_text(kg: KnowledgeGraph, step: Step) -> str:
    """A step in words: "Polars: use spawn, not fork —requires→ Linux with glibc"."""
    source, target = (one_line(kg.page(i).title) for i in (step.source, step.target))
    return f"{source} —{step.label.lower()}→ {target}"


def path_pages_and_links(paths: Sequence[RelationPath]) -> tuple[frozenset[str], tuple[Edge, ...]]:
    """The pages on ``paths`` and their links as written (from the page a link
    is written on): what a drawing lights up, e.g. ``Drawing.with_path``."""
    pages = frozenset(page_id for path in paths for step in path for page_id in step.ends)
    links = dict.fromkeys(
        Edge(step.source, step.target, step.relation)
        if step.forward
        else Edge(step.target, step.source, step.relation)
        for path in paths
        for step in path
    )
    return pages, tuple(links)


def did_you_mean(kg: KnowledgeGraph, text: str) -> list[str]:
    """Ids of pages ``text`` may have meant, best first: ids spelled almost
    like it, then the pages a search for its words finds."""
    near = process.extract(
        text, list(kg.nx), scorer=fuzz.ratio, score_cutoff=_NEAR_MISS, limit=_SUGGESTIONS
    )
    found = search(kg, text, limit=_SUGGESTIONS, snippets=False)
    return list(dict.fromkeys([page_id for page_id, _, _ in near] + [h.page.id for h in found]))[
        :_SUGGESTIONS
    ]


def unknown_page(kg: KnowledgeGraph, text: str, where: str) -> str:
    """What to say about ``text``, given as ``where`` (e.g. "from"), when no
    page has that id; Markdown-safe."""
    suggestions = did_you_mean(kg, text)
    hint = (
        "; did you mean " + " or ".join(quoted(page_id) for page_id in suggestions) + "?"
        if suggestions
        else "."
    )
    return f"No page has the id {quoted(text)} ({where}){hint}"


@dataclass(frozen=True)
class PathRequest:
    """The two pages a ``?from=<id>&to=<id>`` link asks about."""

    source: str | None
    target: str | None
    problems: tuple[str, ...] = ()
    """One Markdown-safe sentence per parameter that names no page."""


def resolve_path_params(
    kg: KnowledgeGraph, sources: Sequence[str], targets: Sequence[str]
) -> PathRequest:
    """Read the ``from`` and ``to`` query parameters (all their values, as the
    URL gives them). A missing one is None; one that names no page, or comes
    more than once, is None with a problem saying so."""
    chosen: list[str | None] = []
    problems: list[str] = []
    for where, values in (("from", sources), ("to", targets)):
        value = values[0].strip() if len(values) == 1 else ""
        if len(values) > 1:
            problems.append(f"The link gives {where} more than once; choose the page below.")
        elif value and value not in kg:
            problems.append(unknown_page(kg, value, where))
            value = ""
        chosen.append(value or None)
    return PathRequest(chosen[0], chosen[1], tuple(problems))
