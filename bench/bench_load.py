"""Load + validate + build the graph for a synthetic knowledge base, cold.

    python -m bench.bench_load [--pages 10000] [--runs 3]

Each measurement runs in a fresh Python process (imports done before the
clock starts; the OS file cache is warm after the first run). Printed beside
it, in the same run: libyaml alone (``yaml.load`` with CSafeLoader, no
validation), and the naive way, PyYAML's pure-Python ``SafeLoader`` with the
same validation. Budget: <= 1.5 s for 10,000 pages on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"

_WAYS = {
    "heuristica load_knowledge + KnowledgeGraph": """
from heuristica.graph.loader import load_knowledge
from heuristica.graph.knowledge import KnowledgeGraph
start = time.perf_counter()
result = load_knowledge(root)
graph = KnowledgeGraph(result.pages)
assert len(result.pages) == count and not result.errors, result.problems[:3]
""",
    "libyaml alone (yaml.load, CSafeLoader, no validation)": """
import yaml
files = sorted(root.rglob("*.yaml"))
start = time.perf_counter()
for path in files:
    yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
""",
    "naive: pure-Python yaml.SafeLoader + validation + graph": """
import yaml
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.model import PAGE_ADAPTER
files = sorted(root.rglob("*.yaml"))
start = time.perf_counter()
pages = {}
for path in files:
    page = PAGE_ADAPTER.validate_python(yaml.load(path.read_text("utf-8"), Loader=yaml.SafeLoader))
    pages[page.id] = page
graph = KnowledgeGraph(pages)
""",
}


def _time_once(code: str, root: Path, count: int) -> float:
    script = (
        "import time, sys\nfrom pathlib import Path\n"
        f"root = Path({str(root)!r}); count = {count}\n{code}\n"
        "print(time.perf_counter() - start)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-runs", type=int, default=1, help="the naive way is slow")
    args = parser.parse_args()
    root = OUT / f"kb{args.pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != args.pages:
        generate(args.pages, root)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 1e6
    print(f"{args.pages} pages, {size:.1f} MB of YAML in {root}")
    for name, code in _WAYS.items():
        runs = args.naive_runs if name.startswith("naive") else args.runs
        if not runs:
            continue
        times = [_time_once(code, root, args.pages) for _ in range(runs)]
        print(
            f"{name:58s} median {statistics.median(times):6.2f} s"
            f"  (runs: {', '.join(f'{t:.2f}' for t in times)})"
        )


if __name__ == "__main__":
    main()
