"""Loading a synthetic knowledge base: cold, after editing one page, and after
a server restart, each beside the previous way in the same run.

    python -m bench.bench_load [--pages 10000] [--runs 3] [--edits 7]

- cold: load + validate + graph in a fresh Python process (imports done
  before the clock starts; the OS file cache is warm after the first run),
  beside libyaml alone and the naive pure-Python PyYAML loader.
- one page edited, then reloaded (what the app does on its next rerun): the
  folder scan, the load and the graph, with each file's parse result kept
  (ours) beside parsing every file again (the previous way).
- first load after a restart: a fresh process with the saved parse cache
  beside one without it.

Budgets (2 cores, 10,000 pages): cold <= 1.5 s, one page edited <= 300 ms,
first load after a restart <= 3 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"

_LOAD = """
from heuristica.graph.files import scan_folder
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import load_knowledge
from heuristica.graph.parsecache import ParseCache
"""

_COLD = {
    "heuristica load_knowledge + KnowledgeGraph": _LOAD
    + """
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

_RESTART = {
    "with the saved parse cache (ours)": _LOAD
    + """
start = time.perf_counter()
cache = ParseCache.load(Path(saved))
result = load_knowledge(root, cache=cache)
graph = KnowledgeGraph(result.pages)
assert cache.parsed == 0 and len(result.pages) == count, cache.parsed
""",
    "without it (previous way: parse every file)": _LOAD
    + """
start = time.perf_counter()
result = load_knowledge(root)
graph = KnowledgeGraph(result.pages)
""",
}

_SAVE = (
    _LOAD
    + """
cache = ParseCache()
load_knowledge(root, cache=cache)
cache.save(Path(saved))
"""
)

_EDITS = (
    _LOAD
    + """
import statistics
edited = sorted(root.rglob("*.yaml"))[count // 2]
original = edited.read_text("utf-8")
cache = ParseCache()
load_knowledge(root, cache=cache)
ways = {"kept": [], "scan": [], "load": [], "graph": [], "again": []}
try:
    for number in range(edits):
        edited.write_text(original.replace("title: ", f"title: Edit {number} ", 1), "utf-8")
        start = time.perf_counter()
        scan = scan_folder(root)
        scanned = time.perf_counter()
        result = load_knowledge(root, cache=cache, scan=scan)
        loaded = time.perf_counter()
        graph = KnowledgeGraph(result.pages)
        done = time.perf_counter()
        assert cache.parsed == 1 and not result.errors, (cache.parsed, result.problems[:3])
        ways["kept"].append(done - start)
        ways["scan"].append(scanned - start)
        ways["load"].append(loaded - scanned)
        ways["graph"].append(done - loaded)
        start = time.perf_counter()
        graph = KnowledgeGraph(load_knowledge(root, scan=scan_folder(root)).pages)
        ways["again"].append(time.perf_counter() - start)
finally:
    edited.write_text(original, "utf-8")
print(" ".join(f"{name}={statistics.median(times)}" for name, times in ways.items()))
"""
)


def _run(code: str, root: Path, count: int, **names: object) -> str:
    """Run ``code`` in a fresh Python; what it prints."""
    values = "".join(f"{name} = {value!r}\n" for name, value in names.items())
    script = (
        "import time, sys\nfrom pathlib import Path\n"
        f"root = Path({str(root)!r}); count = {count}\n{values}{code}\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _timed(code: str, root: Path, count: int, **names: object) -> float:
    """Seconds from ``start`` to the end of ``code``, in a fresh Python."""
    return float(_run(code + "\nprint(time.perf_counter() - start)", root, count, **names))


def _line(name: str, times: list[float]) -> str:
    runs = ", ".join(f"{t:.2f}" for t in times)
    return f"  {name:56s} median {statistics.median(times):6.2f} s  (runs: {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--naive-runs", type=int, default=1, help="the naive way is slow")
    parser.add_argument("--edits", type=int, default=7, help="pages edited, one at a time")
    args = parser.parse_args()
    root = OUT / f"kb{args.pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != args.pages:
        generate(args.pages, root)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 1e6
    print(f"{args.pages} pages, {size:.1f} MB of YAML in {root}")

    print("Cold load, fresh process (budget 1.5 s):")
    for name, code in _COLD.items():
        runs = args.naive_runs if name.startswith("naive") else args.runs
        if runs:
            print(_line(name, [_timed(code, root, args.pages) for _ in range(runs)]))

    print(f"One page edited, then reloaded (budget 0.3 s; median of {args.edits} edits):")
    medians = dict(
        part.split("=") for part in _run(_EDITS, root, args.pages, edits=args.edits).split()
    )
    kept, again = float(medians["kept"]), float(medians["again"])
    print(
        f"  {'parse only the edited file (ours)':56s} median {kept:6.3f} s"
        f"  (scan {float(medians['scan']):.3f}, load {float(medians['load']):.3f}, "
        f"graph {float(medians['graph']):.3f})"
    )
    print(f"  {'parse every file again (previous way)':56s} median {again:6.3f} s")

    print("First load after a restart, fresh process (budget 3 s):")
    saved = str(OUT / f"parse-cache-{args.pages}.json")
    _run(_SAVE, root, args.pages, saved=saved)
    for name, code in _RESTART.items():
        times = [_timed(code, root, args.pages, saved=saved) for _ in range(args.runs)]
        print(_line(name, times))


if __name__ == "__main__":
    main()
