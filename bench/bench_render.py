"""Build the drawing of a whole synthetic knowledge base: ours vs pyvis's own way.

    python -m bench.bench_render [--pages 1000 4000 10000] [--timeout 120]

For each size, in a fresh Python process with the knowledge base already
loaded before the clock starts:
- ours: ``draw.drawing.draw`` (the Drawing value) plus ``draw.render.drawing_data``
  (the columnar JSON the browser reads), and ``standalone_html`` for the same
  view (the offline HTML with vis-network inlined); the whole-graph layout is
  computed once and timed on its own;
- naive: pyvis ``Network.add_node`` / ``add_edge`` per page and link, and
  ``Network.from_nx`` on the same graph. Both check duplicates by scanning a
  list, so they are quadratic; a run that passes ``--timeout`` is stopped
  and printed as such.
Budget: the 10,000-page drawing (HTML included) in <= 1 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
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
view = build_view(kg, default_focus(kg), show_all=True)
"""

_WAYS = {
    "layout (once per knowledge base)": """
from heuristica.draw.layout import spread_layout
start = time.perf_counter()
spread_layout(sorted(kg.nx), [(a, b) for a, b, _ in kg.nx.edges(keys=True)])
""",
    "ours: draw + drawing_data": """
from heuristica.draw.drawing import draw
from heuristica.draw.render import drawing_data
start = time.perf_counter()
drawing_data(draw(view, kg))
""",
    "ours: standalone_html (drawing + offline HTML)": """
from heuristica.draw.render import standalone_html
start = time.perf_counter()
standalone_html(view, kg)
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


def _time_once(code: str, root: Path, timeout: float) -> str:
    script = _SETUP.format(root=str(root)) + code + "\nprint(time.perf_counter() - start)\n"
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:.0f} s (stopped)"
    return f"{float(done.stdout.strip().splitlines()[-1]):8.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 4000, 10000])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per naive run")
    args = parser.parse_args()
    for pages in args.pages:
        root = knowledge_base(pages)
        print(f"\n{pages} pages ({root})")
        for name, code in _WAYS.items():
            print(f"  {name:48s} {_time_once(code, root, args.timeout)}", flush=True)


if __name__ == "__main__":
    main()
