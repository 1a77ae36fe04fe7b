"""A tour drawn as a graph: its pages, the knowledge links between them, and
the path from step to step.

The nodes come from ``draw.drawing.draw`` (labels, tooltips and the focus
look are decided there); this module numbers them by step, dims the steps
not reached yet, ticks the ones visited and adds the path. The tour page's
live graph and the HTML hand-out both draw this one drawing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import replace
from itertools import pairwise

from heuristica.draw.drawing import (
    Drawing,
    DrawnEdge,
    EdgeStyle,
    Highlight,
    Options,
    draw,
    wrap_label,
)
from heuristica.draw.render import TOUR_STEP
from heuristica.draw.view import View, view_of
from heuristica.kb.identity_cache import IdentityCache
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.model import Tour

__all__ = [
    "TOUR_OPTIONS",
    "for_projector",
    "shared_tour_drawing",
    "tour_drawing",
    "tour_view",
    "with_counts",
]

TOUR_OPTIONS = Options(open_label="Go to this step")
_VISITED_MARK = "✓ "


def tour_view(tour: Tour, kg: KnowledgeGraph, current: int) -> View:
    """The tour's pages and every knowledge link between them, focused on step ``current``."""
    return view_of(kg, tour.steps[current].page, (step.page for step in tour.steps))


def tour_drawing(
    tour: Tour,
    kg: KnowledgeGraph,
    current: int,
    visited: Collection[int] | None = None,
    *,
    options: Options = TOUR_OPTIONS,
) -> Drawing:
    """The drawing of ``tour`` at step ``current`` (0-based). With ``visited``
    (the steps already seen) those are ticked and the others not reached yet
    dimmed; without, every step looks alike (a hand-out). Every page of the
    tour must be in ``kg``."""
    drawing = draw(tour_view(tour, kg, current), kg, options=options)
    steps_of: dict[str, list[int]] = defaultdict(list)
    for index, step in enumerate(tour.steps):
        steps_of[step.page].append(index)
    nodes = []
    for node in drawing.nodes:
        indexes = steps_of[node.id]
        numbers = ", ".join(str(i + 1) for i in indexes)
        mark, highlight = "", Highlight.PLAIN
        if visited is not None and current not in indexes:
            if any(i in visited for i in indexes):
                mark = _VISITED_MARK
            else:
                highlight = Highlight.DIMMED
        nodes.append(
            replace(
                node,
                label=wrap_label(f"{mark}{numbers} · {node.title}"),
                note=f"Step {numbers}",
                highlight=highlight,
            )
        )
    return replace(drawing, nodes=tuple(nodes), edges=drawing.edges + _path_edges(tour))


_shared: IdentityCache[Drawing] = IdentityCache(64)


def shared_tour_drawing(
    tour: Tour, kg: KnowledgeGraph, current: int, visited: Collection[int]
) -> Drawing:
    """``tour_drawing(tour, kg, current, visited)``, the same object for every
    browser at that step with those steps visited (a room woken by its
    presenter): drawn once, and its data for the browser built once
    (ui.graph_component keeps it per drawing). Kept for the last few
    (tour, step, visited) of this very ``kg`` and ``tour``."""
    return _shared.get(
        (kg, tour),
        (current, frozenset(visited)),
        lambda: tour_drawing(tour, kg, current, visited),
    )


def for_projector(drawing: Drawing, scale: float) -> Drawing:
    """Labels and nodes ``scale`` times larger, with room around them."""
    return drawing.with_options(scale=scale)


def with_counts(drawing: Drawing, counts: Mapping[str, int]) -> Drawing:
    """Each page with followers on it (``counts``: page id -> how many) labelled
    "(n here)" under its title: a presenter sees where the detached ones are."""
    if not any(counts.values()):
        return drawing
    nodes = tuple(
        replace(node, label=f"{node.label}\n({counts[node.id]} here)")
        if counts.get(node.id)
        else node
        for node in drawing.nodes
    )
    return replace(drawing, nodes=nodes)


def _path_edges(tour: Tour) -> tuple[DrawnEdge, ...]:
    """One arrow per pair of consecutive steps (once, however often the tour
    walks it)."""
    pairs = dict.fromkeys(pairwise(step.page for step in tour.steps))
    return tuple(
        DrawnEdge(source, target, TOUR_STEP, EdgeStyle.TOUR)
        for source, target in pairs
        if source != target
    )
