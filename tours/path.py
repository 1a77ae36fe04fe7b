"""A tour drawn as a graph: its pages, the knowledge links between them, and
the path from step to step.

The nodes come from ``graph.render.build_network`` (colours, tooltips and the
focus look are decided there); this module numbers them by step, fades the
steps not reached yet, ticks the ones visited and adds the path. The tour
page's live graph and the HTML hand-out both draw this one network.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from itertools import pairwise
from typing import Any

from pyvis.network import Network

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.model import Tour
from heuristica.graph.relations import PageType
from heuristica.graph.render import TYPE_COLOURS, build_network
from heuristica.graph.view import Edge, View

__all__ = ["PATH_COLOUR", "for_projector", "tour_network", "tour_view"]

PATH_COLOUR = "#6A1B9A"
_FADE = 0.6
"""How far a step not reached yet is blended towards white."""
_VISITED_MARK = "✓ "
_FADED_TEXT = "#757575"
_VIS_DEFAULT_FONT_SIZE = 14
_VIS_DEFAULT_LABEL_WIDTH = 180
_VIS_DEFAULT_SPRING = 100


def tour_view(tour: Tour, kg: KnowledgeGraph, current: int) -> View:
    """The tour's pages and every knowledge link between them, focused on step ``current``."""
    pages = {step.page for step in tour.steps}
    links = kg.nx.subgraph(pages).edges(keys=True)
    return View(
        focus=tour.steps[current].page,
        nodes=frozenset(pages),
        edges=tuple(sorted(Edge(source, target, relation) for source, target, relation in links)),
    )


def tour_network(
    tour: Tour, kg: KnowledgeGraph, current: int, visited: Collection[int] | None = None
) -> Network:
    """The network of ``tour`` at step ``current`` (0-based). With ``visited``
    (the steps already seen) those are ticked and the others not reached yet
    faded; without, every step looks alike (a hand-out). Every page of the
    tour must be in ``kg``."""
    net = build_network(tour_view(tour, kg, current), kg)
    steps_of: dict[str, list[int]] = defaultdict(list)
    for index, step in enumerate(tour.steps):
        steps_of[step.page].append(index)
    for node in net.nodes:
        indexes = steps_of[node["id"]]
        numbers = ", ".join(str(i + 1) for i in indexes)
        node["title"] = f"Step {numbers}\n{node['title']}"
        mark = ""
        if visited is not None and current not in indexes:
            if any(i in visited for i in indexes):
                mark = _VISITED_MARK
            else:
                _fade(node)
        node["label"] = f"{mark}{numbers} · {node['label']}"
    net.edges = net.edges + _path_edges(tour)
    return net


def for_projector(net: Network, scale: float) -> None:
    """Labels ``scale`` times larger, with room around them: springs and
    label width grow by the same factor."""
    options = net.options
    font = options["nodes"]["font"]
    font["size"] = round(font.get("size", _VIS_DEFAULT_FONT_SIZE) * scale)
    width = options["nodes"].setdefault("widthConstraint", {})
    width["maximum"] = round(width.get("maximum", _VIS_DEFAULT_LABEL_WIDTH) * scale)
    springs = options["physics"].setdefault("forceAtlas2Based", {})
    springs["springLength"] = round(springs.get("springLength", _VIS_DEFAULT_SPRING) * scale)
    for node in net.nodes:
        if "size" in node.get("font", {}):
            node["font"] = {**node["font"], "size": round(node["font"]["size"] * scale)}


def _path_edges(tour: Tour) -> list[dict[str, Any]]:
    pages = [step.page for step in tour.steps]
    return [
        {
            "id": f"tour-path|{index}",
            "from": source,
            "to": target,
            "relation": "tour_path",
            "title": f"Step {index + 1} → step {index + 2}",
            "arrows": "to",
            "color": {"color": PATH_COLOUR, "highlight": PATH_COLOUR, "hover": PATH_COLOUR},
            "width": 3,
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.15},
        }
        for index, (source, target) in enumerate(pairwise(pages))
        if source != target
    ]


def _fade(node: dict[str, Any]) -> None:
    faded = _blend_white(TYPE_COLOURS[PageType(node["group"])])
    node["color"] = {
        "background": faded,
        "border": faded,
        "highlight": {"background": faded, "border": _FADED_TEXT},
        "hover": {"background": faded, "border": _FADED_TEXT},
    }
    node["font"] = {**node.get("font", {}), "color": _FADED_TEXT}


def _blend_white(hex_colour: str) -> str:
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * _FADE):02X}" for c in channels)
