"""The whole-graph layout that ``heuristica.draw.layout`` replaced (up to the
commit that brought the grid repulsion in), kept only as bench_layout's
baseline: Fruchterman-Reingold whose repulsion, each step, is the push of a
fresh random sample of 256 pages scaled up to all of them (O(pages x 256)
per step, 120 steps). Linked pages only: the ring of unlinked ones is the
same in both.
"""

from __future__ import annotations

import numpy as np

__all__ = ["previous_layout"]

_SAMPLE = 256
_GRAVITY = 0.2


def previous_layout(links: np.ndarray, count: int, iterations: int = 120) -> np.ndarray:
    """Positions (in links' lengths) of ``count`` pages joined by ``links``."""
    rng = np.random.default_rng(7)
    side = float(np.sqrt(count))
    pos = rng.uniform(-side / 2, side / 2, size=(count, 2))
    sample = min(_SAMPLE, count)
    temperature = side / 4
    for _ in range(iterations):
        others = pos[rng.choice(count, size=sample, replace=False)]
        delta = pos[:, None, :] - others[None, :, :]
        dist2 = np.einsum("ijk,ijk->ij", delta, delta) + 1e-2
        push = np.einsum("ij,ijk->ik", 1.0 / dist2, delta) * (count / sample)
        force = np.zeros_like(pos)
        pull = pos[links[:, 0]] - pos[links[:, 1]]
        pull *= np.linalg.norm(pull, axis=1, keepdims=True)
        np.add.at(force, links[:, 0], -pull)
        np.add.at(force, links[:, 1], pull)
        moves = push + force - _GRAVITY * pos
        length = np.maximum(np.linalg.norm(moves, axis=1, keepdims=True), 1e-9)
        pos += moves / length * np.minimum(length, temperature)
        temperature = max(temperature * 0.96, 0.05)
    return pos - pos.mean(axis=0)
