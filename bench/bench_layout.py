"""Lay out the whole graph of a synthetic knowledge base: ours beside the
layout engines a user would pick instead, by turns, in one run.

    python -m bench.bench_layout [--pages 1000 10000] [--rounds 2] [--timeout 60]
                                 [--engines ours igraph ...]

Each engine lays out the same graph (every page of the generated base is
linked) in a fresh Python process, the graph already in memory when the
clock starts; the engines take turns, round after round, so a busy machine
slows each alike. Two figures per engine and round:
- cold: from nothing (random start), as after a start with no layout on disk;
- edit: the same engine again, after an edit that changes links (5 new pages
  linked to 3 others each, 10 links removed, 10 added), starting from its own
  cold positions (a new page starts at its neighbours' middle), with the
  engine's way of continuing a layout and fewer steps; engines that cannot
  start from given positions print "-".
Printed per figure: wall and CPU seconds (CPU is steadier on a shared
machine) and marks of the picture, the positions scaled so that the median
link is 1:
- link/any: the median link's length over the median distance between two
  pages at random (lower: linked pages drawn nearer each other);
- crowded: the share of pages in the fullest 1 % of a 100 x 100 grid over the
  drawing (about 0.01-0.03 when pages are spread evenly; high when they pile up);
- moved (edit only): the median distance an old page moved, in links.
The load average is printed before and after each size.

Engines: ours (``heuristica.draw.layout.spread_layout``: Fruchterman-Reingold,
repulsion on a grid by FFT, what the app runs), previous (bench/previous_layout.py:
sampled repulsion, the app's layout before ours), networkx's spring_layout (the
way before that), and, when installed (``pip install igraph==1.0.0
rustworkx==0.18.1 fa2==1.1.2 crategraph-forceatlas2==0.1.0``): igraph's grid
Fruchterman-Reingold (its default above 1,000 nodes), DrL and graphopt;
rustworkx's spring_layout; ForceAtlas2 with Barnes-Hut in Cython (fa2) and in
Rust (crategraph-forceatlas2, one thread and two).
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

from bench.bench_render import NoFigure, by_turns, knowledge_base, last_line

_SETUP = """
import json, time
import numpy as np
graph = json.load(open({graph!r}))
"""
_RUN = """
def timed(count, links, init):
    links = np.array(links, dtype=np.int64).reshape(-1, 2)
    start, cpu_start = time.perf_counter(), time.process_time()
    pos = np.asarray(lay(count, links, init), dtype=float)
    return pos, time.perf_counter() - start, time.process_time() - cpu_start

def marks(pos, links):
    links = np.array(links, dtype=np.int64).reshape(-1, 2)
    length = np.linalg.norm(pos[links[:, 0]] - pos[links[:, 1]], axis=1)
    pos = pos / np.median(length)
    pairs = np.random.default_rng(1).integers(0, len(pos), size=(20000, 2))
    anywhere = np.median(np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1))
    low, high = np.percentile(pos, 1, axis=0), np.percentile(pos, 99, axis=0)
    cells, _, _ = np.histogram2d(pos[:, 0], pos[:, 1], bins=100, range=list(zip(low, high)))
    return pos, 1 / anywhere, np.sort(cells.ravel())[-100:].sum() / len(pos)

def start_after_edit(before, count, links):
    init = np.zeros((count, 2))
    init[: len(before)] = before
    for new in range(len(before), count):
        near = [b if a == new else a for a, b in links if new in (a, b) and min(a, b) < len(before)]
        init[new] = before[near].mean(axis=0) + np.random.default_rng(new).normal(0, 0.3, 2)
    return init

pos, wall, cpu = timed(graph["count"], graph["links"], None)
scaled, link, crowded = marks(pos, graph["links"])
figures = [[wall, cpu, link, crowded, None]]
if EDITS:
    init = start_after_edit(pos, graph["edited_count"], graph["edited_links"])
    after, wall, cpu = timed(graph["edited_count"], graph["edited_links"], init)
    old = np.array(graph["links"])
    link = np.median(np.linalg.norm(pos[old[:, 0]] - pos[old[:, 1]], axis=1))
    moved = np.median(np.linalg.norm(after[: len(pos)] - pos, axis=1)) / link
    figures.append([wall, cpu, *marks(after, graph["edited_links"])[1:], float(moved)])
print(json.dumps(figures))
"""
ENGINES = {
    "ours (FR, grid FFT repulsion)": """
from heuristica.draw.layout import spread_layout
EDITS = True
def lay(count, links, init):
    names = [f"p{i:06d}" for i in range(count)]
    previous = None if init is None else dict(zip(names, init.tolist()))
    laid = spread_layout(names, [(names[a], names[b]) for a, b in links], previous=previous)
    return [laid[name] for name in names]
""",
    "previous (FR, sampled repulsion)": """
from bench.previous_layout import previous_layout
EDITS = False
def lay(count, links, init):
    return previous_layout(links, count)
""",
    "networkx spring_layout": """
import networkx as nx
EDITS = True
def lay(count, links, init):
    graph = nx.Graph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from(links.tolist())
    start = None if init is None else {i: tuple(p) for i, p in enumerate(init)}
    spring = nx.spring_layout(graph, pos=start, seed=7, iterations=50 if init is None else 15)
    return [spring[i] for i in range(count)]
""",
    "igraph Fruchterman-Reingold (grid)": """
import igraph
EDITS = True
def lay(count, links, init):
    graph = igraph.Graph(n=count, edges=links.tolist())
    if init is None:
        return graph.layout_fruchterman_reingold(grid=True).coords
    return graph.layout_fruchterman_reingold(seed=init.tolist(), niter=30, grid=True).coords
""",
    "igraph DrL": """
import igraph
EDITS = False
def lay(count, links, init):
    return igraph.Graph(n=count, edges=links.tolist()).layout_drl().coords
""",
    "igraph graphopt": """
import igraph
EDITS = True
def lay(count, links, init):
    graph = igraph.Graph(n=count, edges=links.tolist())
    if init is None:
        return graph.layout_graphopt().coords
    return graph.layout_graphopt(seed=init.tolist(), niter=30).coords
""",
    "rustworkx spring_layout": """
import rustworkx
EDITS = False
def lay(count, links, init):
    graph = rustworkx.PyGraph()
    graph.add_nodes_from(range(count))
    graph.add_edges_from_no_data([tuple(map(int, link)) for link in links])
    spring = rustworkx.spring_layout(graph, seed=7)
    return [spring[i] for i in range(count)]
""",
    "fa2 ForceAtlas2 (Cython, Barnes-Hut)": """
import scipy.sparse
from fa2 import ForceAtlas2
EDITS = True
def lay(count, links, init):
    ones = np.ones(len(links))
    matrix = scipy.sparse.coo_matrix((ones, (links[:, 0], links[:, 1])), shape=(count, count))
    return ForceAtlas2(verbose=False).forceatlas2(
        (matrix + matrix.T).tocsr(), pos=init, iterations=100 if init is None else 30)
""",
    "crategraph-forceatlas2 (Rust, 1 thread)": """
import crategraph_forceatlas2 as fa
EDITS = True
def lay(count, links, init):
    steps = None if init is None else 30
    return fa.layout(count, links, init=init, iterations=steps, threads=1,
                     **fa.infer_settings(count))
""",
    "crategraph-forceatlas2 (Rust, 2 threads)": """
import crategraph_forceatlas2 as fa
EDITS = True
def lay(count, links, init):
    steps = None if init is None else 30
    return fa.layout(count, links, init=init, iterations=steps, threads=2,
                     **fa.infer_settings(count))
""",
}


def _edited(count: int, links: list[tuple[int, int]]) -> tuple[int, list[tuple[int, int]]]:
    """The graph after an edit: 5 new pages linked to 3 old ones each, 10
    links removed and 10 added (pages and links chosen by a fixed seed)."""
    rng = random.Random(21)
    kept = list(links)
    for _ in range(10):
        kept.pop(rng.randrange(len(kept)))
    present = set(kept)
    while len(kept) < len(links):
        a, b = sorted(rng.sample(range(count), 2))
        if (a, b) not in present:
            present.add((a, b))
            kept.append((a, b))
    for new in range(count, count + 5):
        kept += [(old, new) for old in rng.sample(range(count), 3)]
    return count + 5, kept


def _graph_file(pages: int, folder: Path) -> Path:
    """The generated base's links as page numbers, before and after an edit,
    for every engine to read."""
    from heuristica.kb.knowledge import KnowledgeGraph
    from heuristica.kb.loader import load_knowledge

    kg = KnowledgeGraph(load_knowledge(knowledge_base(pages)).pages)
    nodes = sorted(kg.nx)
    index = {node: i for i, node in enumerate(nodes)}
    links = sorted(
        {tuple(sorted((index[a], index[b]))) for a, b, _ in kg.nx.edges(keys=True) if a != b}
    )
    edited_count, edited_links = _edited(len(nodes), links)
    target = folder / f"graph{pages}.json"
    target.write_text(
        json.dumps(
            {
                "count": len(nodes),
                "links": links,
                "edited_count": edited_count,
                "edited_links": edited_links,
            }
        )
    )
    return target


def _figure(wall: float, cpu: float, link: float, crowded: float, moved: float | None) -> str:
    shown = f"wall {wall:6.2f} s cpu {cpu:6.2f} s link/any {link:5.3f} crowded {crowded:5.3f}"
    return shown + ("" if moved is None else f" moved {moved:5.2f}")


def _run(code: str, graph: Path, timeout: float) -> str:
    try:
        figures = json.loads(last_line(_SETUP.format(graph=str(graph)) + code + _RUN, timeout))
    except NoFigure as failed:
        return str(failed)
    edit = _figure(*figures[1]) if len(figures) > 1 else "-"
    return f"cold {_figure(*figures[0])}\n{'':62s}edit {edit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run")
    parser.add_argument(
        "--engines", nargs="+", default=[], help="only the engines whose name has one of these"
    )
    args = parser.parse_args()
    engines = {
        name: code
        for name, code in ENGINES.items()
        if not args.engines or any(word in name for word in args.engines)
    }
    with tempfile.TemporaryDirectory(prefix="heuristica-bench-layout-") as folder:
        for pages in args.pages:
            graph = _graph_file(pages, Path(folder))
            print(f"\n{pages} pages", flush=True)
            by_turns(args.rounds, engines, lambda code, at=graph: _run(code, at, args.timeout))


if __name__ == "__main__":
    main()
