"""draw.layout: the whole-graph layout, and the file the app's layout process writes."""

from __future__ import annotations

import json
import math
from pathlib import Path

from heuristica.draw.layout import spread_layout, write_layout

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
