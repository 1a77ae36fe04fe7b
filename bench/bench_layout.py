"""Lay out the whole graph of a synthetic knowledge base: ours beside the
compiled engines a user would pick instead, by turns, in one run.

    python -m bench.bench_layout [--pages 1000 10000] [--rounds 2] [--timeout 300]

Each engine lays out the linked pages of the same graph (every page of the
generated base is linked) in a fresh Python process, the graph already in
memory when the clock starts; the engines take turns, round after round, so
a busy machine slows each alike. Printed per engine: wall and CPU seconds
(CPU is steadier on a shared machine), and two marks of the picture, the
positions scaled so that the median link is 1:
- link/any: the median link's length over the median distance between two
  pages at random (lower: linked pages drawn nearer each other);
- crowded: the share of pages in the fullest 1 % of a 100 x 100 grid over the
  drawing (about 0.01-0.03 when pages are spread evenly; high when they pile up).
The load average is printed before and after.

Engines: ours (``heuristica.draw.layout``: Fruchterman-Reingold, repulsion on
a grid by FFT), previous (bench/previous_layout.py: sampled repulsion), and,
when installed (``pip install igraph==1.0.0 rustworkx==0.18.1 fa2==1.1.2``),
igraph's grid Fruchterman-Reingold (its default above 1,000 nodes) and DrL,
rustworkx's spring_layout and fa2's ForceAtlas2 (Cython, Barnes-Hut).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.bench_render import knowledge_base

_SETUP = """
import json, time
import numpy as np
graph = json.load(open({graph!r}))
count, links = graph["count"], np.array(graph["links"], dtype=np.int64).reshape(-1, 2)
"""
_MARKS = """
cpu = time.process_time() - cpu_start
wall = time.perf_counter() - start
pos = np.asarray(pos, dtype=float)
length = np.linalg.norm(pos[links[:, 0]] - pos[links[:, 1]], axis=1)
pos = pos / np.median(length)
pairs = np.random.default_rng(1).integers(0, count, size=(20000, 2))
anywhere = np.median(np.linalg.norm(pos[pairs[:, 0]] - pos[pairs[:, 1]], axis=1))
low, high = np.percentile(pos, 1, axis=0), np.percentile(pos, 99, axis=0)
cells, _, _ = np.histogram2d(pos[:, 0], pos[:, 1], bins=100, range=list(zip(low, high)))
fullest = np.sort(cells.ravel())[-100:].sum() / count
print(json.dumps([wall, cpu, 1 / anywhere, fullest]))
"""
_CLOCK = "start = time.perf_counter(); cpu_start = time.process_time()\n"
ENGINES = {
    "ours (grid FFT repulsion)": f"""
from heuristica.draw.layout import _ITERATIONS, _force_directed
side = float(np.sqrt(count))
{_CLOCK}pos = _force_directed(links, np.random.default_rng(7).uniform(-side / 2, side / 2,
    size=(count, 2)), _ITERATIONS, side / 8)
""",
    "previous (sampled repulsion)": f"""
from bench.previous_layout import previous_layout
{_CLOCK}pos = previous_layout(links, count)
""",
    "igraph Fruchterman-Reingold (grid)": f"""
import igraph
{_CLOCK}graph = igraph.Graph(n=count, edges=links.tolist())
pos = graph.layout_fruchterman_reingold(grid=True).coords
""",
    "igraph DrL": f"""
import igraph
{_CLOCK}pos = igraph.Graph(n=count, edges=links.tolist()).layout_drl().coords
""",
    "rustworkx spring_layout": f"""
import rustworkx
{_CLOCK}graph = rustworkx.PyGraph()
graph.add_nodes_from(range(count))
graph.add_edges_from_no_data([tuple(map(int, link)) for link in links])
spring = rustworkx.spring_layout(graph, seed=7)
pos = [spring[i] for i in range(count)]
""",
    "fa2 ForceAtlas2 (Barnes-Hut, 100 steps)": f"""
import scipy.sparse
from fa2 import ForceAtlas2
{_CLOCK}ones = np.ones(len(links))
matrix = scipy.sparse.coo_matrix((ones, (links[:, 0], links[:, 1])), shape=(count, count))
pos = ForceAtlas2(verbose=False).forceatlas2((matrix + matrix.T).tocsr(), iterations=100)
""",
}


def _graph_file(pages: int, folder: Path) -> Path:
    """The generated base's links as page numbers, for every engine to read."""
    from heuristica.kb.knowledge import KnowledgeGraph
    from heuristica.kb.loader import load_knowledge

    kg = KnowledgeGraph(load_knowledge(knowledge_base(pages)).pages)
    nodes = sorted(kg.nx)
    index = {node: i for i, node in enumerate(nodes)}
    links = sorted({(index[a], index[b]) for a, b, _ in kg.nx.edges(keys=True) if a != b})
    target = folder / f"graph{pages}.json"
    target.write_text(json.dumps({"count": len(nodes), "links": links}))
    return target


def _run(code: str, graph: Path, timeout: float) -> str:
    script = _SETUP.format(graph=str(graph)) + code + _MARKS
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        return "not installed" if "ModuleNotFoundError" in last else last
    wall, cpu, link, crowded = json.loads(done.stdout.strip().splitlines()[-1])
    return f"wall {wall:7.2f} s  cpu {cpu:7.2f} s  link/any {link:5.3f}  crowded {crowded:5.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="heuristica-bench-layout-") as folder:
        for pages in args.pages:
            graph = _graph_file(pages, Path(folder))
            print(f"\n{pages} pages, load average {os.getloadavg()}", flush=True)
            for turn in range(1, args.rounds + 1):
                for name, code in ENGINES.items():
                    print(f"  {turn}  {name:42s} {_run(code, graph, args.timeout)}", flush=True)
            print(f"  load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
