"""How the graph looks: each page type's colours, and the full vis-network
node and edge styles per highlight and type that ``render.drawing_data``
sends to ``heuristica/draw/web/graph.js`` (search hits, paths, tours, dimmed
pages, and a diff's added, removed and changed pages and links)."""

from __future__ import annotations

from typing import Any

from heuristica.draw.drawing import EdgeStyle, Highlight
from heuristica.kb.relations import PageType

__all__ = [
    "DIFF_COLOURS",
    "DIFF_HIGHLIGHTS",
    "EDGE_COLOUR",
    "LABEL_COLOUR",
    "PATH_COLOUR",
    "TOUR_COLOUR",
    "TYPE_BORDERS",
    "TYPE_COLOURS",
    "styles",
]

TYPE_COLOURS: dict[PageType, str] = {
    PageType.PRINCIPLE: "#2196F3",
    PageType.IMPLEMENTATION: "#FF9800",
    PageType.HEURISTIC: "#F44336",
    PageType.ENVIRONMENT: "#00BCD4",
}
TYPE_BORDERS: dict[PageType, str] = {
    PageType.PRINCIPLE: "#0D47A1",
    PageType.IMPLEMENTATION: "#A84300",
    PageType.HEURISTIC: "#B71C1C",
    PageType.ENVIRONMENT: "#00626F",
}
"""Each type's circle outline: the fills are as light as 1.9:1 on white, the
outlines at least 3:1 (WCAG's minimum for graphics)."""
LABEL_COLOUR = "#212121"
EDGE_COLOUR = "#6E6E6E"
"""Links: 5.1:1 on white (the grey drawn before, #9E9E9E, was 2.7:1)."""
PATH_COLOUR = "#6A1B9A"
TOUR_COLOUR = PATH_COLOUR
_FOCUS_BORDER = "#212121"
_LIT_GLOW = "rgba(255, 179, 0, 0.95)"
_DIMMED_TEXT = "#767676"
"""4.5:1 on white: a dimmed page's label is still text to read."""
_DIMMED_BORDER = "#8C8C8C"
"""3.4:1 on white: a dimmed circle is faded, but still a shape to see."""
_DIMMED_EDGE = "#949494"
"""3.0:1 on white: a link to a dimmed page is fainter than a link, still seen."""
_DIM = 0.7
"""How far a dimmed page's colours are blended towards white."""
_NODE_SIZE = 12
_FOCUS_SIZE = 22
_MARKED_SIZE = 16
_LABEL_SIZE = 14
_FOCUS_LABEL_SIZE = 17

DIFF_COLOURS = {
    Highlight.ADDED.value: "#1B7F3B",
    Highlight.REMOVED.value: "#C62828",
    Highlight.CHANGED.value: "#7B4BB7",
}
"""A drawn diff's outlines and links, each at least 4.5:1 on white; removed
ones are dashed too, so colour is not the only sign."""
DIFF_HIGHLIGHTS = (Highlight.ADDED, Highlight.REMOVED, Highlight.CHANGED)
_DASHES = [4, 3]
_LINK_DASHES = [8, 6]


def _node_style(
    page_type: PageType, highlight: Highlight, focus: bool, scale: float
) -> dict[str, Any]:
    fill, border = TYPE_COLOURS[page_type], TYPE_BORDERS[page_type]
    text = LABEL_COLOUR
    if highlight is Highlight.DIMMED:
        fill, border, text = _blend_white(fill), _DIMMED_BORDER, _DIMMED_TEXT
    marked = highlight in DIFF_HIGHLIGHTS
    if marked:
        border = DIFF_COLOURS[highlight.value]
    if highlight is Highlight.REMOVED:
        fill = _blend_white(fill)
    if focus:
        border = _FOCUS_BORDER
    chosen = {"background": fill, "border": _FOCUS_BORDER}
    glows = highlight is Highlight.LIT or marked
    glow = _glow(DIFF_COLOURS[highlight.value]) if marked else _LIT_GLOW
    return {
        "size": round(
            (_FOCUS_SIZE if focus else _MARKED_SIZE if marked else _NODE_SIZE) * scale, 1
        ),
        "borderWidth": 4 if focus else 5 if marked else 2,
        "borderWidthSelected": 4,
        "shapeProperties": {"borderDashes": _DASHES if highlight is Highlight.REMOVED else False},
        "color": {"background": fill, "border": border, "highlight": chosen, "hover": chosen},
        "font": {
            "size": round((_FOCUS_LABEL_SIZE if focus else _LABEL_SIZE) * scale, 1),
            "color": text,
            "mod": "bold" if focus else "",
        },
        "shadow": {"enabled": glows, "color": glow, "size": 16, "x": 0, "y": 0},
    }


def _edge_style(
    colour: str, width: float, smooth: object, dashes: object = False
) -> dict[str, Any]:
    return {
        "color": {"color": colour, "highlight": _FOCUS_BORDER, "hover": _FOCUS_BORDER},
        "width": width,
        "smooth": smooth,
        "dashes": dashes,
    }


def styles(scale: float) -> dict[str, Any]:
    """Full vis-network node and edge styles per highlight and type, so that
    an update sets every attribute and nothing of a previous style remains."""
    edge = _edge_style
    added, removed = (DIFF_COLOURS[h.value] for h in (Highlight.ADDED, Highlight.REMOVED))

    def nodes(focus: bool) -> dict[str, Any]:
        return {
            h.value: {t.value: _node_style(t, h, focus, scale) for t in PageType} for h in Highlight
        }

    return {
        "nodes": nodes(False),
        "focus": nodes(True),
        "edges": {
            EdgeStyle.LINK.value: edge(EDGE_COLOUR, 1.4, False),
            EdgeStyle.PATH.value: edge(PATH_COLOUR, 4, False),
            EdgeStyle.TOUR.value: edge(
                TOUR_COLOUR, 3, {"enabled": True, "type": "curvedCW", "roundness": 0.15}
            ),
            EdgeStyle.ADDED.value: edge(added, 3, False),
            EdgeStyle.REMOVED.value: edge(removed, 2.5, False, _LINK_DASHES),
            "dimmed": {"color": {"color": _DIMMED_EDGE}},
        },
    }


def _glow(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, 0.75)"


def _blend_white(hex_colour: str) -> str:
    channels = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (255 - c) * _DIM):02X}" for c in channels)
