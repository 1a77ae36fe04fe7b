"""graph.layout: the whole-graph layout, and its command line."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from heuristica.draw.layout import spread_layout

REPO = Path(__file__).resolve().parents[1]
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


def test_the_command_line_writes_the_layout_file(tmp_path: Path):
    source, target = tmp_path / "graph.json", tmp_path / "layout.json"
    source.write_text(json.dumps({"nodes": NODES, "edges": EDGES}))
    subprocess.run(
        [sys.executable, "-m", "heuristica.draw.layout", str(source), str(target)],
        cwd=REPO,
        check=True,
    )
    written = {k: tuple(v) for k, v in json.loads(target.read_text()).items()}
    assert written == spread_layout(NODES, EDGES)
