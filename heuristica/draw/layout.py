"""Positions for drawing a whole knowledge graph at once, computed once per
shape of the graph so the browser never runs a physics simulation over it.

``spread_layout`` is Fruchterman-Reingold (springs along links, every page
repelling every other, a weak pull to the centre) with the repulsion of all
pages on all pages computed on a grid, particle-mesh style: each step spreads
the pages over a grid (each page shared among its four nearest grid points),
convolves that density with the repulsion kernel by FFT (numpy's pocketfft)
and reads each page's push back from the grid. That is O(pages + grid log
grid) per step instead of O(pages^2), within a few per cent of the exact
push (tests/test_layout.py), and lays out 10,000 pages in 0.5-0.8 s of one
core (bench/bench_layout.py, which runs it beside networkx, igraph,
rustworkx and two ForceAtlas2s). Pages with no link are laid on a ring around the rest.

Given the positions of an earlier layout (``previous``), an edit is laid out
from them: pages keep their place and only settle a little; a new page, or
one now linked far from where it was, starts among its neighbours.

The app lays out in a process of its own (``live.whole_layout``, through
``processes.runner``):

    python -m heuristica.draw.layout REQUEST TARGET [PREVIOUS]

REQUEST is the JSON file of pages and links ``draw.layout_file.write_request``
writes; the process lays them out (from PREVIOUS's positions if that layout
file can be read), writes TARGET whole or not at all, and reports
``{"event": "result", "status": "ok"}`` on a line of its own, as the runner
expects. A plain interpreter started for this alone imports numpy and this
module (0.2 s); a ``multiprocessing`` spawn child of the Streamlit server
would import the server's main module, Streamlit, first.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from heuristica.draw.layout_file import Point, read_layout

__all__ = ["main", "repulsion", "spread_layout", "write_layout"]

_EDGE_PIXELS = 110.0
"""Roughly how long a link is drawn, in vis-network's pixels."""
_GRID = 64
"""Grid points per side for the repulsion (its error against the exact push:
tests/test_layout.py)."""
_SOFTEN = 0.3
"""Squared grid steps added to a distance, so pages in one cell push gently."""
_GRAVITY = 0.2
_ITERATIONS = 80
_SETTLE_ITERATIONS = 30
"""Steps after an edit, from the previous positions, at a low temperature."""
_STRAY = 3.0
"""A page further than this many links from its neighbours' middle starts there."""


def spread_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    previous: Mapping[str, Sequence[float]] | None = None,
    seed: int = 7,
) -> dict[str, Point]:
    """x, y (pixels, centred on 0, 0) for every node; the same input gives
    the same output. ``previous``: positions (pixels) of an earlier layout to
    start from."""
    if not nodes:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    links = np.array(
        [(index[a], index[b]) for a, b in edges if a != b and a in index and b in index],
        dtype=np.int64,
    ).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    linked = np.zeros(len(nodes), dtype=bool)
    linked[links.ravel()] = True
    count = int(linked.sum())
    inner = _renumber(links, linked)
    side = float(np.sqrt(max(count, 1)))
    if previous:
        known = [previous.get(node) for node, keep in zip(nodes, linked, strict=True) if keep]
        start = _start_from(known, inner, rng, side)
        pos = _force_directed(inner, start, _SETTLE_ITERATIONS, side / 40)
    else:
        start = rng.uniform(-side / 2, side / 2, size=(count, 2))
        pos = _force_directed(inner, start, _ITERATIONS, side / 8)
    spread = np.zeros((len(nodes), 2))
    spread[linked] = pos
    spread[~linked] = _ring(int((~linked).sum()), pos)
    spread *= _EDGE_PIXELS
    return {
        node: (round(float(x), 1), round(float(y), 1))
        for node, (x, y) in zip(nodes, spread, strict=True)
    }


def _renumber(links: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return (np.cumsum(keep) - 1)[links]


def _start_from(
    known: list[Sequence[float] | None],
    links: np.ndarray,
    rng: np.random.Generator,
    side: float,
) -> np.ndarray:
    """Where each page starts after an edit: where it was (in links' lengths),
    unless it is new or strays from its neighbours, then among them."""
    count = len(known)
    had = np.array([place is not None for place in known], dtype=bool)
    pos = rng.uniform(-side / 2, side / 2, size=(count, 2))
    if had.any():
        pos[had] = np.array([place for place in known if place is not None]) / _EDGE_PIXELS
    middle, neighbours = _neighbours_middle(pos, had, links)
    far = np.linalg.norm(pos - middle, axis=1) > _STRAY
    moved = (neighbours > 0) & (~had | far)
    pos[moved] = middle[moved] + rng.normal(0.0, 0.3, size=(int(moved.sum()), 2))
    return pos


def _neighbours_middle(
    pos: np.ndarray, had: np.ndarray, links: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each page's mean neighbour position (among pages that had one) and how
    many such neighbours it has."""
    count = len(pos)
    a, b = links[:, 0], links[:, 1]
    weight_b, weight_a = had[b].astype(float), had[a].astype(float)
    neighbours = np.bincount(a, weight_b, count) + np.bincount(b, weight_a, count)
    total = np.stack(
        [
            np.bincount(a, pos[b, k] * weight_b, count)
            + np.bincount(b, pos[a, k] * weight_a, count)
            for k in (0, 1)
        ],
        axis=1,
    )
    return total / np.maximum(neighbours, 1)[:, None], neighbours


def _force_directed(
    links: np.ndarray, start: np.ndarray, iterations: int, temperature: float
) -> np.ndarray:
    """Fruchterman-Reingold from ``start``, each step moving a page at most
    ``temperature`` (cooling to a twentieth of a link's length)."""
    pos = start.copy()
    if len(pos) == 0:
        return pos
    kernel = _Kernel(_GRID)
    cooling = (min(0.05, temperature) / temperature) ** (1 / max(iterations, 1))
    for _ in range(iterations):
        moves = kernel.push(pos) + _attraction(pos, links) - _GRAVITY * pos
        length = np.maximum(np.sqrt(np.einsum("ij,ij->i", moves, moves)), 1e-9)[:, None]
        pos += moves / length * np.minimum(length, temperature)
        temperature *= cooling
    return pos - pos.mean(axis=0)


class _Kernel:
    """The repulsion (x - y) / |x - y|^2 of every page on every page, on a grid."""

    def __init__(self, grid: int) -> None:
        self.grid, self.padded = grid, 2 * grid
        offsets = np.fft.fftfreq(self.padded, 1 / self.padded)
        dx, dy = np.meshgrid(offsets, offsets, indexing="ij")
        squared = dx * dx + dy * dy + _SOFTEN
        self.fx = np.fft.rfft2(dx / squared)
        self.fy = np.fft.rfft2(dy / squared)

    def push(self, pos: np.ndarray) -> np.ndarray:
        grid, padded = self.grid, self.padded
        low = pos.min(axis=0)
        step = max(float((pos.max(axis=0) - low).max()), 1e-9) / (grid - 1.001)
        scaled = (pos - low) / step
        cell = np.floor(scaled).astype(np.int64)
        fx, fy = (scaled - cell).T
        corner = cell[:, 0] * padded + cell[:, 1]
        corners = (corner, corner + padded, corner + 1, corner + padded + 1)
        weights = ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy)
        density = np.zeros(padded * padded)
        for at, weight in zip(corners, weights, strict=True):
            density += np.bincount(at, weight, padded * padded)
        spectrum = np.fft.rfft2(density.reshape(padded, padded))
        shape = (padded, padded)
        field_x = np.fft.irfft2(spectrum * self.fx, s=shape).ravel()
        field_y = np.fft.irfft2(spectrum * self.fy, s=shape).ravel()
        push = np.zeros_like(pos)
        for at, weight in zip(corners, weights, strict=True):
            push[:, 0] += field_x[at] * weight
            push[:, 1] += field_y[at] * weight
        return push / step


def repulsion(pos: np.ndarray) -> np.ndarray:
    """The push every page gets from all others, as the layout computes it."""
    return _Kernel(_GRID).push(pos)


def _attraction(pos: np.ndarray, links: np.ndarray) -> np.ndarray:
    """Springs along links: force grows with the square of the distance."""
    count = len(pos)
    a, b = links[:, 0], links[:, 1]
    delta = pos[a] - pos[b]
    pull = delta * np.sqrt(np.einsum("ij,ij->i", delta, delta))[:, None]
    return np.stack(
        [np.bincount(b, pull[:, k], count) - np.bincount(a, pull[:, k], count) for k in (0, 1)],
        axis=1,
    )


def _ring(count: int, around: np.ndarray) -> np.ndarray:
    """``count`` points evenly on a circle just outside ``around``."""
    radius = (np.abs(around).max() if len(around) else 0.0) + 2.0
    radius = max(radius, count / (2 * np.pi))
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def write_layout(
    nodes: Sequence[str],
    edges: Sequence[tuple[str, str]],
    target: Path,
    previous: Path | None = None,
) -> None:
    """Lay out ``nodes`` and ``edges`` into ``target``, written whole or not
    at all, starting from the layout in ``previous`` if it can be read."""
    positions = spread_layout(nodes, edges, previous=read_layout(previous))
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(positions), encoding="utf-8")
    partial.replace(target)


def main(argv: Sequence[str]) -> int:
    """``REQUEST TARGET [PREVIOUS]``: lay out the request into TARGET."""
    if len(argv) not in (2, 3):
        print("usage: python -m heuristica.draw.layout REQUEST TARGET [PREVIOUS]")
        return 2
    request = json.loads(Path(argv[0]).read_text("utf-8"))
    edges = [(str(a), str(b)) for a, b in request["edges"]]
    previous = Path(argv[2]) if len(argv) == 3 else None
    write_layout([str(node) for node in request["nodes"]], edges, Path(argv[1]), previous)
    print(json.dumps({"event": "result", "status": "ok"}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
