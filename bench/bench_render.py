"""Build the drawing of a whole synthetic knowledge base: ours vs the fastest
other layout and pyvis's own way, by turns.

    python -m bench.bench_render [--pages 1000 4000 10000] [--rounds 2] [--timeout 120]

For each size, in a fresh Python process with the knowledge base already
loaded before the clock starts, each way once per round, the ways by turns:
- ours, whole graph cold: what the app does on "Whole graph" with no layout
  on disk: ``live.whole_layout.WholeLayout`` lays it out in a spawned process
  (starting it included) while this one prepares the nodes' text, then
  ``draw.drawing.draw`` (the Drawing value) and ``draw.render.drawing_data``
  (the columnar JSON the browser reads);
- ours, whole graph warm: the same with the layout file already on disk (a
  restarted server);
- ours, standalone_html: the offline HTML download of the same view, its
  layout on disk;
- igraph: the fastest other layout tried (bench/bench_layout.py: igraph's grid
  Fruchterman-Reingold) in this process, then the same drawing; "not
  installed" without igraph;
- naive: pyvis ``Network.add_node`` / ``add_edge`` per page and link, and
  ``Network.from_nx`` on the same graph, with no positions (the browser's
  physics lays them out: bench/bench_browser.py times that). Both check
  duplicates by scanning a list, so they are quadratic; a run that passes
  ``--timeout`` is stopped and printed as such.
Budget: the 10,000-page whole graph, layout included, well inside the 1.5 s
the reader may wait from the toggle (bench_browser measures that end to end).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"

_SETUP = """
import time
from pathlib import Path
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.draw.view import build_view, default_focus
kg = KnowledgeGraph(load_knowledge(Path({root!r})).pages)
view = build_view(kg, default_focus(kg, None), show_all=True)
"""

_OURS = """
import tempfile
from heuristica.draw.drawing import draw
from heuristica.draw.render import drawing_data, standalone_html
from heuristica.live.whole_layout import WholeLayout
folder = Path(tempfile.mkdtemp())
"""
_WAYS = {
    "ours: whole graph cold (layout + draw + drawing_data)": f"""{_OURS}
start = time.perf_counter()
drawing_data(draw(view, kg, WholeLayout(folder, wait_before=0).positions(kg, "cold")))
""",
    "ours: whole graph warm (layout on disk)": f"""{_OURS}
WholeLayout(folder, wait_before=0).positions(kg, "before a restart")
start = time.perf_counter()
drawing_data(draw(view, kg, WholeLayout(folder, wait_before=0).positions(kg, "restarted")))
""",
    "ours: standalone_html (layout on disk)": f"""{_OURS}
WholeLayout(folder, wait_before=0).positions(kg, "before")
start = time.perf_counter()
standalone_html(view, kg, WholeLayout(folder, wait_before=0).positions(kg, "after"))
""",
    "igraph grid FR + draw + drawing_data": """
import igraph
from heuristica.draw.drawing import draw
from heuristica.draw.render import drawing_data
start = time.perf_counter()
nodes = sorted(kg.nx)
index = {node: i for i, node in enumerate(nodes)}
links = [(index[a], index[b]) for a, b, _ in kg.nx.edges(keys=True) if a != b]
coords = igraph.Graph(n=len(nodes), edges=links).layout_fruchterman_reingold(grid=True).coords
drawing_data(draw(view, kg, {node: (110 * x, 110 * y) for node, (x, y) in zip(nodes, coords)}))
""",
    "naive: pyvis add_node/add_edge": """
from pyvis.network import Network
start = time.perf_counter()
net = Network(directed=True)
for page in kg.pages:
    net.add_node(page.id, label=page.title, title=page.overview, group=page.type)
for source, target, relation in kg.nx.edges(keys=True):
    net.add_edge(source, target, title=relation)
""",
    "naive: pyvis from_nx": """
import networkx as nx
from pyvis.network import Network
plain = nx.DiGraph()
plain.add_nodes_from((p.id, {"label": p.title, "group": p.type}) for p in kg.pages)
plain.add_edges_from((a, b, {"title": r}) for a, b, r in kg.nx.edges(keys=True))
start = time.perf_counter()
Network(directed=True).from_nx(plain)
""",
}


def knowledge_base(pages: int) -> Path:
    """A generated knowledge base of ``pages`` pages under bench/out/, made once."""
    root = OUT / f"kb{pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != pages:
        generate(pages, root)
    return root


class NoFigure(Exception):
    """A timed script was stopped, failed, or lacks a module: the message says which."""


def last_line(script: str, timeout: float) -> str:
    """The last line ``script`` prints, run in a fresh interpreter."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise NoFigure(f"> {timeout:.0f} s (stopped)") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise NoFigure("not installed" if "ModuleNotFoundError" in last else last)
    return done.stdout.strip().splitlines()[-1]


def by_turns(rounds: int, ways: Mapping[str, str], run: Callable[[str], str]) -> None:
    """Print ``run(code)`` of each way once a round, the ways by turns, and
    the load average before and after."""
    print(f"  load average {os.getloadavg()}", flush=True)
    for turn in range(1, rounds + 1):
        for name, code in ways.items():
            print(f"  {turn} {name:55s} {run(code)}", flush=True)
    print(f"  load average after: {os.getloadavg()}", flush=True)


def _time_once(code: str, root: Path, timeout: float) -> str:
    script = _SETUP.format(root=str(root)) + code + "\nprint(time.perf_counter() - start)\n"
    try:
        return f"{float(last_line(script, timeout)):8.3f} s"
    except NoFigure as failed:
        return str(failed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 4000, 10000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    args = parser.parse_args()
    for pages in args.pages:
        root = knowledge_base(pages)
        print(f"\n{pages} pages ({root})")
        by_turns(args.rounds, _WAYS, lambda code, at=root: _time_once(code, at, args.timeout))


if __name__ == "__main__":
    main()
