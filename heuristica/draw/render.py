"""Turn a ``Drawing`` into what a browser draws: the data ``heuristica/draw/web/graph.js``
reads, and whole HTML documents made from the one template in ``heuristica/draw/web/``.

The live explorer (``ui.graph_component`` serves ``heuristica/draw/web/`` as a Streamlit
component), the explorer's "Download as HTML" and the tour hand-out all run
the same page and script on the same data (``drawing_data``), so a graph
looks and behaves alike everywhere. Page text travels only as JSON, and
reaches the screen as canvas labels or DOM ``textContent``: never as HTML.

pyvis, which the product card names, is used for what it does well: naming
vis-network's physics settings in Python (``Network.force_atlas_2based``).
``_PHYSICS`` holds what it gives, and tests/test_render.py compares the two;
the server does not import pyvis, which imports IPython: 0.25-0.45 s of every
server's first run. Its HTML template is not used (it turns every tooltip
into HTML as soon as one contains "href"), nor its ``add_node``/``add_edge``
(a list scan per call: quadratic), nor its copy of vis-network
(``heuristica/draw/web/`` vendors one, recorded in ``vis-network.json``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from heuristica.draw.drawing import (
    Drawing,
    DrawnEdge,
    DrawnNode,
    EdgeStyle,
    Highlight,
    Position,
    draw,
)
from heuristica.draw.styles import (
    DIFF_COLOURS,
    DIFF_HIGHLIGHTS,
    EDGE_COLOUR,
    LABEL_COLOUR,
    PATH_COLOUR,
    TOUR_COLOUR,
    TYPE_BORDERS,
    TYPE_COLOURS,
    styles,
)
from heuristica.draw.view import View
from heuristica.kb.identity_cache import IdentityCache
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.relations import RELATIONS, PageType

__all__ = [
    "DIFF_COLOURS",
    "EDGE_COLOUR",
    "LABEL_COLOUR",
    "LEGEND_TEXT",
    "LEGIBLE_LABEL_PIXELS",
    "PATH_COLOUR",
    "TOUR_COLOUR",
    "TOUR_STEP",
    "TYPE_BORDERS",
    "TYPE_COLOURS",
    "VIS_NETWORK",
    "VIS_NETWORK_MANIFEST",
    "WEB_DIR",
    "drawing_data",
    "drawing_json",
    "graph_document",
    "json_for_html",
    "legend",
    "prepare_drawing_json",
    "standalone_html",
    "web_file",
]

WEB_DIR = Path(__file__).parent / "web"
"""The one page that draws graphs (``index.html``), its script and style, and
the vendored vis-network."""
VIS_NETWORK = WEB_DIR / "vis-network.min.js"
VIS_NETWORK_MANIFEST = WEB_DIR / "vis-network.json"

_LABEL_BACKGROUND = "rgba(255, 255, 255, 0.9)"
"""Behind each label: a link passing under a label never crosses its text out."""
_FONT = "Source Sans Pro, Source Sans 3, Helvetica, Arial, sans-serif"
_EDGE_LABEL_SIZE = 14
LEGIBLE_LABEL_PIXELS = 12
"""A view opens with its smallest label this tall on screen (or larger).
Zoomed out, vis-network fades labels over the pixel below this and draws
none under 11 px."""

LEGEND_TEXT = {
    "lit": "Search hit",
    "path": "Path (each link names its relation)",
    "tour": "Tour path",
    Highlight.ADDED.value: "Page added",
    Highlight.REMOVED.value: "Page removed",
    Highlight.CHANGED.value: "Page changed",
    EdgeStyle.ADDED.value: "Link added",
    EdgeStyle.REMOVED.value: "Link removed",
}
TOUR_STEP = "tour_step"
"""The relation name of a tour's own step-to-step arrow."""


def legend() -> list[tuple[str, str]]:
    """(type label, colour) for every page type, in table order."""
    return [(page_type.label, colour) for page_type, colour in TYPE_COLOURS.items()]


def drawing_data(drawing: Drawing) -> dict[str, Any]:
    """``drawing`` as the JSON ``graph.js`` reads: per-node fields as columns,
    edges as node indexes, styles once per type (compact for 10,000 pages)."""
    nodes, edges = _columns(drawing.nodes, drawing.edges)
    head, tail = _around(drawing)
    return {**head, "nodes": nodes, "edges": edges, **tail}


def drawing_json(drawing: Drawing) -> bytes:
    """``drawing_data`` as UTF-8 JSON. Its nodes and edges (nearly all of
    it) are made once per pair of tuples (``prepare_drawing_json``): the
    whole graph drawn around any page shares them, so only the few small
    fields around them are made for each."""
    head, tail = _around(drawing)
    return b"".join(
        (
            _json(head)[:-1],
            b',"nodes":',
            *_column_json(drawing.nodes, drawing.edges),
            b",",
            _json(tail)[1:],
        )
    )


def prepare_drawing_json(nodes: tuple[DrawnNode, ...], edges: tuple[DrawnEdge, ...]) -> None:
    """Make now the JSON of these nodes and edges (the whole graph's, ahead
    of need), for ``drawing_json`` to find."""
    _column_json(nodes, edges)


def _json(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


_COLUMNS: IdentityCache[tuple[bytes, bytes, bytes]] = IdentityCache(4)
"""Per nodes and edges tuples (by identity): their JSON, and the separator."""


def _column_json(
    nodes: tuple[DrawnNode, ...], edges: tuple[DrawnEdge, ...]
) -> tuple[bytes, bytes, bytes]:
    def make() -> tuple[bytes, bytes, bytes]:
        node_columns, edge_columns = _columns(nodes, edges)
        return _json(node_columns), b',"edges":', _json(edge_columns)

    return _COLUMNS.get((nodes, edges), None, make)


def _around(drawing: Drawing) -> tuple[dict[str, Any], dict[str, Any]]:
    """What ``drawing_data`` holds before its nodes and after its edges."""
    types = list(PageType)
    head = {
        "focus": drawing.focus,
        "layout": "computed" if drawing.positioned else "physics",
        "types": [
            {"id": t.value, "label": t.label, "colour": TYPE_COLOURS[t], "border": TYPE_BORDERS[t]}
            for t in types
        ],
        "relations": [_relation(name) for name in [*RELATIONS, TOUR_STEP]],
    }
    tail = {
        "styles": styles(drawing.options.scale),
        "options": _vis_options(drawing),
        "actions": {
            "open_label": drawing.options.open_label,
            "open_link": drawing.options.open_link,
            "can_expand": drawing.options.can_expand,
        },
        "legend": LEGEND_TEXT,
        "label_pixels": LEGIBLE_LABEL_PIXELS,
    }
    return head, tail


def _columns(
    nodes: tuple[DrawnNode, ...], edges: tuple[DrawnEdge, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    index = {node.id: i for i, node in enumerate(nodes)}
    types = list(PageType)
    relation_index = {name: i for i, name in enumerate([*RELATIONS, TOUR_STEP])}
    placed = any(node.position is not None for node in nodes)
    node_columns = {
        "id": [node.id for node in nodes],
        "label": [node.label for node in nodes],
        "title": [node.title for node in nodes],
        "type": [types.index(node.page_type) for node in nodes],
        "domains": [list(node.domains) for node in nodes],
        "summary": [node.summary for node in nodes],
        "x": [_coordinate(node.position, 0) for node in nodes] if placed else None,
        "y": [_coordinate(node.position, 1) for node in nodes] if placed else None,
        "lit": [i for i, node in enumerate(nodes) if node.highlight is Highlight.LIT],
        "dimmed": [i for i, node in enumerate(nodes) if node.highlight is Highlight.DIMMED],
        "expanded": [i for i, node in enumerate(nodes) if node.expanded],
        "note": [[i, node.note] for i, node in enumerate(nodes) if node.note],
        "marked": [
            [i, node.highlight.value]
            for i, node in enumerate(nodes)
            if node.highlight in DIFF_HIGHLIGHTS
        ],
    }
    edge_columns = {
        "from": [index[edge.source] for edge in edges],
        "to": [index[edge.target] for edge in edges],
        "relation": [relation_index[edge.relation] for edge in edges],
        "special": [
            [i, edge.style.value, edge.label]
            for i, edge in enumerate(edges)
            if edge.style is not EdgeStyle.LINK or edge.label
        ],
    }
    return node_columns, edge_columns


def _relation(name: str) -> dict[str, str]:
    if name == TOUR_STEP:
        return {"name": name, "label": "Next step", "inverse": "Previous step"}
    relation = RELATIONS[name]
    return {"name": name, "label": relation.label, "inverse": relation.inverse}


def _coordinate(position: Position | None, axis: int) -> float | None:
    return None if position is None else position[axis]


def _vis_options(drawing: Drawing) -> dict[str, Any]:
    large, scale = drawing.large, drawing.options.scale
    return {
        "groups": {
            t.value: {"shape": "dot", "color": {"background": TYPE_COLOURS[t]}} for t in PageType
        },
        "nodes": {
            "shape": "dot",
            "font": {
                "face": _FONT,
                "color": LABEL_COLOUR,
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "background": _LABEL_BACKGROUND,
            },
            "labelHighlightBold": False,
            "scaling": _LABEL_SCALING,
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "hoverWidth": 0.8,
            "selectionWidth": 1.5,
            "font": {
                "face": _FONT,
                "size": round(_EDGE_LABEL_SIZE * scale, 1),
                "color": LABEL_COLOUR,
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
                "background": _LABEL_BACKGROUND,
                "align": "horizontal",
            },
            "scaling": _LABEL_SCALING,
        },
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "keyboard": False,
            "selectConnectedEdges": not large,
        },
        "layout": {"improvedLayout": not large, "randomSeed": 7},
        "physics": _physics(scale),
    }


_LABEL_SCALING = {"label": {"enabled": False, "drawThreshold": LEGIBLE_LABEL_PIXELS}}
"""vis-network draws no label under drawThreshold - 1 pixels and fades those
between that and drawThreshold. ("enabled": labels are not sized by value.)"""

_PHYSICS: dict[str, Any] = {
    "enabled": True,
    "solver": "forceAtlas2Based",
    "forceAtlas2Based": {
        "gravitationalConstant": -70,
        "centralGravity": 0.02,
        "springLength": 110,
        "springConstant": 0.05,
        "damping": 0.4,
        "avoidOverlap": 1,
    },
    "stabilization": {"enabled": True, "iterations": 400, "fit": False},
}
"""vis-network's physics for a neighbourhood: the settings pyvis's
``Network().force_atlas_2based(gravity=-70, central_gravity=0.02,
spring_length=110, spring_strength=0.05, damping=0.4, overlap=1)`` names
(tests/test_render.py holds the two together), with our own stabilization."""


def _physics(scale: float) -> dict[str, Any]:
    physics = json.loads(json.dumps(_PHYSICS))
    physics["forceAtlas2Based"]["springLength"] = round(
        physics["forceAtlas2Based"]["springLength"] * scale
    )
    return physics


def graph_document(
    drawing: Drawing, *, title: str, head: str = "", before: str = "", after: str = ""
) -> str:
    """A self-contained HTML document drawing ``drawing``: the graph page of
    ``heuristica/draw/web/`` with its script, style and vis-network inlined and the
    drawing as JSON; nothing is loaded from anywhere else.

    ``head``, ``before`` and ``after`` are trusted HTML for the document's
    head and around the graph (the tour hand-out's steps); ``title`` is text.
    """
    document = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    inlined = {
        "<title>Knowledge graph</title>": f"<title>{html.escape(title)}</title>",
        '<link rel="stylesheet" href="graph.css" />': f"<style>{web_file('graph.css')}</style>",
        '<script src="vis-network.min.js"></script>': (
            f"<script>{web_file(VIS_NETWORK.name)}</script>"
        ),
        '<script src="untangle.js"></script>': f"<script>{web_file('untangle.js')}</script>",
        '<script src="graph.js"></script>': f"<script>{web_file('graph.js')}</script>",
        "<!-- slot:head -->": head,
        "<!-- slot:before -->": before,
        "<!-- slot:after -->": after,
        "<!-- slot:data -->": (
            '<script type="application/json" id="graph-data">'
            f"{json_for_html(drawing_data(drawing))}</script>"
        ),
    }
    for marker, replacement in inlined.items():
        if document.count(marker) != 1:
            raise RuntimeError(
                f"heuristica/draw/web/index.html should hold {marker!r} exactly once"
            )
        document = document.replace(marker, replacement)
    return document


def standalone_html(
    view: View, kg: KnowledgeGraph, positions: Mapping[str, Position] | None = None
) -> str:
    """The explorer's download: ``view`` as one HTML file that works offline."""
    return graph_document(draw(view, kg, positions), title="Heuristica graph")


def json_for_html(value: object) -> str:
    """JSON that cannot end the ``<script>`` block it sits in."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def web_file(name: str) -> str:
    """The text of a script or style of ``heuristica/draw/web/``, to inline in a document;
    RuntimeError if it holds what could end the element it is inlined into
    early, or late (``<!--`` with ``<script`` makes a parser skip the end tag)."""
    text = (WEB_DIR / name).read_text(encoding="utf-8")
    lowered = text.lower()
    for risky in ("</script", "</style", "<!--", "<script"):
        if risky in lowered:
            raise RuntimeError(f"heuristica/draw/web/{name} holds {risky!r} and cannot be inlined")
    return text
