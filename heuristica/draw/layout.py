"""Positions for drawing a whole knowledge graph at once, computed once per
knowledge base so the browser never runs a physics simulation over it.

``spread_layout`` is Fruchterman-Reingold (springs along links, every page
repelling every other, a weak pull to the centre) with the repulsion
estimated stochastically: each step, every page is pushed by a fresh random
sample of other pages, scaled up to the whole. That costs O(pages x sample)
per step instead of O(pages^2): about 6 s for 10,000 pages on one core, numpy
only (networkx's spring_layout needs scipy for large graphs and is O(n^2) per
step). Pages with no link are laid on a ring around the rest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

__all__ = ["spread_layout", "write_layout"]

_EDGE_PIXELS = 110.0
"""Roughly how long a link is drawn, in vis-network's pixels."""
_SAMPLE = 256
_GRAVITY = 0.2


def spread_layout(
    nodes: Sequence[str],
    edges: Iterable[tuple[str, str]],
    *,
    iterations: int = 120,
    seed: int = 7,
) -> dict[str, tuple[float, float]]:
    """x, y (pixels, centred on 0, 0) for every node; the same input gives the same output."""
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
    pos = np.zeros((len(nodes), 2))
    pos[linked] = _force_directed(_renumber(links, linked), int(linked.sum()), iterations, rng)
    pos[~linked] = _ring(int((~linked).sum()), pos[linked])
    pos *= _EDGE_PIXELS
    return {
        node: (round(float(x), 1), round(float(y), 1))
        for node, (x, y) in zip(nodes, pos, strict=True)
    }


def _renumber(links: np.ndarray, keep: np.ndarray) -> np.ndarray:
    return (np.cumsum(keep) - 1)[links]


def _force_directed(
    links: np.ndarray, count: int, iterations: int, rng: np.random.Generator
) -> np.ndarray:
    if count == 0:
        return np.zeros((0, 2))
    side = float(np.sqrt(count))
    pos = rng.uniform(-side / 2, side / 2, size=(count, 2))
    sample = min(_SAMPLE, count)
    temperature = side / 4
    for _ in range(iterations):
        others = pos[rng.choice(count, size=sample, replace=False)]
        delta = pos[:, None, :] - others[None, :, :]
        dist2 = np.einsum("ijk,ijk->ij", delta, delta) + 1e-2
        push = np.einsum("ij,ijk->ik", 1.0 / dist2, delta) * (count / sample)
        moves = push + _attraction(pos, links) - _GRAVITY * pos
        length = np.maximum(np.linalg.norm(moves, axis=1, keepdims=True), 1e-9)
        pos += moves / length * np.minimum(length, temperature)
        temperature = max(temperature * 0.96, 0.05)
    return pos - pos.mean(axis=0)


def _attraction(pos: np.ndarray, links: np.ndarray) -> np.ndarray:
    """Springs along links: force grows with the square of the distance."""
    force = np.zeros_like(pos)
    delta = pos[links[:, 0]] - pos[links[:, 1]]
    pull = delta * np.linalg.norm(delta, axis=1, keepdims=True)
    np.add.at(force, links[:, 0], -pull)
    np.add.at(force, links[:, 1], pull)
    return force


def _ring(count: int, around: np.ndarray) -> np.ndarray:
    """``count`` points evenly on a circle just outside ``around``."""
    radius = (np.abs(around).max() if len(around) else 0.0) + 2.0
    radius = max(radius, count / (2 * np.pi))
    angles = np.linspace(0, 2 * np.pi, count, endpoint=False)
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def write_layout(nodes: list[str], edges: list[tuple[str, str]], target: Path) -> None:
    """Lay out ``nodes`` and ``edges`` into ``target`` (JSON ``{node: [x, y]}``),
    written whole or not at all. The app runs this in a process of its own
    (``live.whole_layout``), so the server stays responsive meanwhile."""
    positions = spread_layout(nodes, edges)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps(positions), encoding="utf-8")
    partial.replace(target)
