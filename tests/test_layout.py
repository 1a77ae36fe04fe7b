"""draw.layout: the whole-graph layout, and the file the app's layout process writes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from heuristica.draw.layout import _EDGE_PIXELS, repulsion, spread_layout, write_layout
from heuristica.draw.layout_file import SPACING, read_layout, spaced

NODES = [f"n{i}" for i in range(60)]
EDGES = [(f"n{i}", f"n{(i + 1) % 50}") for i in range(50)]


def test_every_node_gets_a_distinct_position():
    positions = spread_layout(NODES, EDGES)
    assert set(positions) == set(NODES)
    assert len(set(positions.values())) == len(NODES)


def test_the_same_graph_gets_the_same_layout():
    assert spread_layout(NODES, EDGES) == spread_layout(NODES, EDGES)


def test_linked_pages_sit_closer_than_unlinked_ones():
    positions = spread_layout(NODES, EDGES)
    linked = [math.dist(positions[a], positions[b]) for a, b in EDGES]
    some = [math.dist(positions[f"n{i}"], positions[f"n{(i + 25) % 50}"]) for i in range(50)]
    assert sorted(linked)[len(linked) // 2] < sorted(some)[len(some) // 2]


def test_pages_without_links_ring_the_rest_instead_of_flying_off():
    positions = spread_layout(NODES, EDGES)
    core = max(math.hypot(*positions[f"n{i}"]) for i in range(50))
    loose = [math.hypot(*positions[f"n{i}"]) for i in range(50, 60)]
    assert all(core < r < 3 * core for r in loose)


def test_an_empty_graph_has_an_empty_layout():
    assert spread_layout([], []) == {}


def test_the_layout_file_is_the_layout_written_whole(tmp_path: Path):
    target = tmp_path / "layout.json"
    write_layout(NODES, EDGES, target)
    written = {k: tuple(v) for k, v in json.loads(target.read_text()).items()}
    assert written == spread_layout(NODES, EDGES)
    assert [path.name for path in tmp_path.iterdir()] == ["layout.json"]


def test_the_grid_repulsion_is_close_to_the_exact_push_of_every_page_on_every_other():
    pos = np.random.default_rng(0).normal(0.0, 5.0, size=(800, 2))
    delta = pos[:, None, :] - pos[None, :, :]
    squared = (delta**2).sum(axis=2)
    np.fill_diagonal(squared, np.inf)
    exact = (delta / squared[:, :, None]).sum(axis=1)
    error = np.linalg.norm(repulsion(pos) - exact, axis=1) / np.linalg.norm(exact, axis=1)
    assert np.median(error) < 0.1


def test_an_edit_starts_from_the_previous_positions_and_moves_pages_little():
    before = spread_layout(NODES, EDGES)
    nodes, edges = [*NODES, "new"], [*EDGES, ("new", "n7")]
    after = spread_layout(nodes, edges, previous=before)
    moved = sorted(math.dist(before[node], after[node]) for node in NODES)
    assert moved[len(moved) // 2] < _EDGE_PIXELS / 2
    assert math.dist(after["new"], after["n7"]) < 3 * _EDGE_PIXELS  # among its neighbours


def test_the_layout_file_of_an_edit_starts_from_a_readable_previous_one_only(tmp_path: Path):
    previous, target = tmp_path / "before.json", tmp_path / "after.json"
    write_layout(NODES, EDGES, previous)
    write_layout(NODES, EDGES[1:], target, previous)
    assert read_layout(target) == spread_layout(NODES, EDGES[1:], previous=read_layout(previous))
    previous.write_text('{"n0": [NaN, 1]}')
    assert read_layout(previous) is None
    write_layout(NODES, EDGES[1:], target, previous)
    assert read_layout(target) == spread_layout(NODES, EDGES[1:])


def _nearest(points: np.ndarray) -> np.ndarray:
    delta = points[:, None, :] - points[None, :, :]
    squared = (delta**2).sum(axis=2)
    np.fill_diagonal(squared, np.inf)
    return np.sqrt(squared.min(axis=1))


def test_packed_pages_are_spread_to_the_spacing_and_keep_their_places_relative():
    packed = np.random.default_rng(3).uniform(-50.0, 50.0, size=(2000, 2))
    before = {f"p{i}": (float(x), float(y)) for i, (x, y) in enumerate(packed)}
    after = spaced(before)
    points = np.array([after[node] for node in before])
    assert 0.8 * SPACING < np.median(_nearest(points)) < 1.25 * SPACING
    factor = float(np.median(points / packed))
    assert factor > 5 and np.abs(points - packed * factor).max() < 0.1  # rounded to 0.1 px


def test_pages_already_far_apart_are_left_where_they_are():
    apart = {f"p{i}-{j}": (200.0 * i, 200.0 * j) for i in range(10) for j in range(10)}
    assert spaced(apart) == apart
    assert spaced({"alone": (3.0, 4.0)}) == {"alone": (3.0, 4.0)}
