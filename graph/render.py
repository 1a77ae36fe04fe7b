"""Draw a View with pyvis / vis-network, in time linear in its size.

``build_network`` fills a pyvis ``Network`` directly (pyvis's own
``add_node``/``add_edge`` check duplicates by scanning a list: quadratic).
The explorer component and ``standalone_html`` both draw from that one
network, so colours, tooltips and vis options are decided here only.

Page text reaches the browser only as vis-network labels (drawn on a canvas)
and tooltips (set with ``innerText``), never as HTML.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pyvis
from pyvis.network import Network

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.relations import RELATIONS, PageType
from heuristica.graph.view import Edge, View

__all__ = [
    "TYPE_COLOURS",
    "VIS_NETWORK_DIR",
    "Position",
    "build_network",
    "json_for_html",
    "legend",
    "standalone_html",
    "vis_network_css",
    "vis_network_js",
]

Position = tuple[float, float]

TYPE_COLOURS: dict[PageType, str] = {
    PageType.PRINCIPLE: "#2196F3",
    PageType.IMPLEMENTATION: "#FF9800",
    PageType.HEURISTIC: "#F44336",
    PageType.ENVIRONMENT: "#00BCD4",
}

VIS_NETWORK_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
"""The vis-network build pyvis ships (JS and CSS, Apache-2.0 / MIT)."""

_FOCUS_BORDER = "#212121"
_EDGE_COLOUR = "#9E9E9E"
_LABEL_CHARS = 36
_TOOLTIP_OVERVIEW_CHARS = 180
_LARGE = 500
"""From this many nodes on, drawing is simplified (no label wrapping work,
edges hidden while dragging)."""


def legend() -> list[tuple[str, str]]:
    """(type label, colour) for every page type, in table order."""
    return [(page_type.label, colour) for page_type, colour in TYPE_COLOURS.items()]


def build_network(
    view: View, kg: KnowledgeGraph, positions: Mapping[str, Position] | None = None
) -> Network:
    """A pyvis Network of ``view``: one node per visible page, one edge per link.

    With ``positions`` (page id -> x, y) for every node, physics is off and
    the nodes stay where they are put; without, vis-network lays them out.
    Colours come from vis groups (one per page type); from _LARGE nodes on,
    tooltips are shorter so the drawing stays a few MB for 10,000 pages.
    """
    large = len(view.nodes) >= _LARGE
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    nodes = [_node(kg, page_id, page_id == view.focus, large) for page_id in sorted(view.nodes)]
    if positions is not None:
        for node in nodes:
            node["x"], node["y"] = positions[node["id"]]
    net.nodes = nodes
    net.node_ids = [node["id"] for node in nodes]
    net.node_map = {node["id"]: node for node in nodes}
    net.edges = [_edge(kg, edge, large) for edge in view.edges]
    net.options = _options(large, physics=positions is None)
    return net


def _node(kg: KnowledgeGraph, page_id: str, focused: bool, large: bool) -> dict[str, Any]:
    page = kg.page(page_id)
    details = [page.title, f"{page.page_type.label} · {', '.join(page.domains)}"]
    if not large:
        details.append(_shorten(page.overview, _TOOLTIP_OVERVIEW_CHARS))
    node: dict[str, Any] = {
        "id": page_id,
        "label": page.title if focused else _shorten(page.title, _LABEL_CHARS),
        "title": "\n".join(details),
        "group": page.page_type.value,
    }
    if focused:
        node.update(
            size=26,
            borderWidth=4,
            color=_colour(page.page_type, _FOCUS_BORDER),
            font={"size": 20, "bold": True},
        )
    return node


def _edge(kg: KnowledgeGraph, edge: Edge, large: bool) -> dict[str, Any]:
    label = RELATIONS[edge.relation].label
    title = (
        label
        if large
        else f"{kg.page(edge.source).title}\n— {label} →\n{kg.page(edge.target).title}"
    )
    return {"from": edge.source, "to": edge.target, "relation": edge.relation, "title": title}


def _groups() -> dict[str, Any]:
    return {
        page_type.value: {
            "shape": "dot",
            "size": 14,
            "borderWidth": 1,
            "color": _colour(page_type, TYPE_COLOURS[page_type]),
        }
        for page_type in TYPE_COLOURS
    }


def _colour(page_type: PageType, border: str) -> dict[str, Any]:
    fill = TYPE_COLOURS[page_type]
    selected = {"background": fill, "border": _FOCUS_BORDER}
    return {"background": fill, "border": border, "highlight": selected, "hover": selected}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _options(large: bool, physics: bool) -> dict[str, Any]:
    return {
        "groups": _groups(),
        "nodes": {
            "font": {
                "size": 16,
                "face": "Source Sans Pro, Helvetica, Arial, sans-serif",
                "color": "#212121",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
            "widthConstraint": {"maximum": 180},
        },
        "edges": {
            "color": {"color": _EDGE_COLOUR, "highlight": "#424242", "hover": "#424242"},
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "smooth": False,
            "width": 1.2,
            "hoverWidth": 0.8,
            "selectionWidth": 1.5,
        },
        "interaction": {
            "hover": not large,
            "tooltipDelay": 200,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
        },
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "physics": {
            "enabled": physics,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -110,
                "centralGravity": 0.015,
                "springLength": 130,
                "springConstant": 0.05,
                "avoidOverlap": 0.9,
            },
            "stabilization": {"enabled": True, "iterations": 400, "fit": True},
        },
    }


_DOCUMENT_STYLE = """
html, body { margin: 0; height: 100%; font-family: Helvetica, Arial, sans-serif; }
#graph { position: absolute; inset: 0; }
div.vis-tooltip { white-space: pre-wrap; max-width: 340px; }
"""

_DOCUMENT_SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById("graph-data").textContent);
  window.network = new vis.Network(
    document.getElementById("graph"),
    { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) },
    data.options,
  );
})();
"""


def standalone_html(
    view: View, kg: KnowledgeGraph, positions: Mapping[str, Position] | None = None
) -> str:
    """A self-contained HTML document drawing ``view``: vis-network inlined,
    nothing loaded from anywhere else.

    Page text travels only inside a JSON block that cannot end its
    ``<script>`` element, and reaches the screen as vis-network labels (drawn
    on a canvas) and string tooltips (which vis-network 9 sets as text).
    pyvis's own template is not used: it switches every tooltip to
    ``innerHTML`` as soon as one contains "href".
    """
    net = build_network(view, kg, positions)
    data = {"nodes": net.nodes, "edges": net.edges, "options": net.options}
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            "<title>Heuristica graph</title>",
            f"<style>{vis_network_css()}</style>",
            f"<style>{_DOCUMENT_STYLE}</style>",
            "</head>",
            "<body>",
            '<div id="graph" role="img" aria-label="Knowledge graph"></div>',
            f"<script>{vis_network_js()}</script>",
            f'<script type="application/json" id="graph-data">{json_for_html(data)}</script>',
            f"<script>{_DOCUMENT_SCRIPT}</script>",
            "</body>",
            "</html>",
        ]
    )


def json_for_html(value: object) -> str:
    """JSON that cannot end the ``<script>`` block it sits in."""
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def vis_network_js() -> str:
    return (VIS_NETWORK_DIR / "vis-network.min.js").read_text(encoding="utf-8")


@cache
def vis_network_css() -> str:
    return (VIS_NETWORK_DIR / "vis-network.css").read_text(encoding="utf-8")
