"""The whole graph's layout as a file, with the standard library only (the
live knowledge base reads layouts without numpy; ``draw.layout`` computes and
writes them, in a process of its own).

A layout file is JSON ``{page id: [x, y]}``; ``read_layout`` takes one only if
it is exactly that, with finite numbers. ``write_request`` writes the pages
and links the layout's process reads (``python -m heuristica.draw.layout``).
``spaced`` is what the whole graph is drawn at.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["SPACING", "Point", "read_layout", "spaced", "write_request"]

Point = tuple[float, float]
SPACING = 60.0
"""Pixels from a page to its nearest neighbour, typically, in the whole
graph as drawn: a node is about 25 pixels across and its label wider, so
closer than this the pages at the first zoom cover each other."""
_PAGES_PER_CELL = 9
"""About how many pages a cell of the grid ``spaced`` counts them in holds
(so a cell's count says something, and 10,000 pages get 33 x 33 cells)."""


def read_layout(path: Path | None) -> dict[str, Point] | None:
    """The positions in a layout file; None if there is none or it is not one."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        positions = {str(node): (float(x), float(y)) for node, (x, y) in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    finite = all(math.isfinite(x) and math.isfinite(y) for x, y in positions.values())
    return positions if finite else None


def spaced(positions: Mapping[str, Point]) -> dict[str, Point]:
    """``positions`` spread apart from 0, 0 (the layout's centre), if need be, so that a
    page's nearest neighbour is typically ``SPACING`` pixels away.

    The force-directed layout puts a link about 110 pixels long, and a large
    graph's pages closer together the more there are (10,000 generated pages:
    20 pixels from the nearest, nodes on top of each other). The typical
    distance is estimated from the pages per cell of a grid over the drawing
    (half the cell's side over the square root of its count: the nearest
    neighbour of points spread at random at that density), so this costs one
    pass and no numpy; it is a function of the positions alone, so the layout
    file keeps the layout itself, and an edit starts from that."""
    if len(positions) < 2:
        return dict(positions)
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    low_x, low_y = min(xs), min(ys)
    per_side = max(1, round(math.sqrt(len(positions) / _PAGES_PER_CELL)))
    size = max(max(xs) - low_x, max(ys) - low_y, 1e-9) / per_side * 1.0001
    cells = [(int((x - low_x) / size), int((y - low_y) / size)) for x, y in positions.values()]
    counts = Counter(cells)
    typical = statistics.median(0.5 * size / math.sqrt(counts[cell]) for cell in cells)
    factor = max(1.0, SPACING / typical)
    if factor == 1.0:
        return dict(positions)
    return {
        node: (round(x * factor, 1), round(y * factor, 1)) for node, (x, y) in positions.items()
    }


def write_request(nodes: Sequence[str], edges: Sequence[tuple[str, str]], path: Path) -> None:
    """The pages and links for ``main`` to lay out."""
    path.write_text(json.dumps({"nodes": list(nodes), "edges": list(edges)}), encoding="utf-8")
