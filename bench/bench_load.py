"""Loading a synthetic knowledge base: cold and warm beside libyaml alone by
turns, after editing one page beside the previous way, in the same run.

    python -m bench.bench_load [--pages 10000] [--runs 3] [--edits 7]
                               [--parts load edit server app]

- load, by turns (ours cold, ours warm, libyaml alone; again ``--runs``
  times), each in a fresh Python process, imports done before the clock
  starts, the OS file cache warm:
  cold: no parse cache: scan, read, parse (libyaml), the depth bound,
  validation, the checks across pages and the graph; warm: the same with the
  parse cache a previous run saved (a server restart); beside libyaml alone
  parsing the same files (``yaml.load(text, Loader=yaml.CSafeLoader)``, no
  validation, nothing else): the best a user could pick for reading them.
- one page edited, then reloaded (what the app does on its next rerun): the
  folder scan, the load and the graph, with each file's parse result kept
  (ours) beside parsing every file again (the previous way).
- server side, what the app does: one page edited, then the folder reloaded
  as the app reloads it (``live.reload.Reloader``: scan, parse what changed,
  checks across pages, verification warnings, graph and the figures the
  pages show, all updated for what changed) beside the previous way (the
  same scan and parse cache, then everything after rebuilt from scratch);
  then the real app (Streamlit's AppTest, Explore page): the first run after
  a server start with the saved parse cache, a rerun, and the rerun that
  shows an edit.

Budgets (2 cores, 10,000 pages): cold at or below libyaml alone, one page
edited <= 300 ms server side, warm (first load after a restart) <= 3 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.generate import generate

OUT = Path(__file__).resolve().parent / "out"

_LOAD = """
from heuristica.kb.files import scan_folder
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.parsecache import ParseCache
"""

_EDITED = """
def edited_in_turn(word):
    # the middle page edited `edits` times (its title), yielding after each
    # write; put back as it was afterwards, whatever happens
    edited = sorted(root.rglob("*.yaml"))[count // 2]
    original = edited.read_text("utf-8")
    try:
        for number in range(edits):
            edited.write_text(original.replace("title: ", f"title: {word} {number} ", 1), "utf-8")
            yield number
    finally:
        edited.write_text(original, "utf-8")
"""

OURS_COLD = "ours, cold (no parse cache)"
OURS_WARM = "ours, warm (the saved parse cache)"
LIBYAML = "libyaml alone (yaml.load, CSafeLoader)"

_WAYS = {
    OURS_COLD: _LOAD
    + """
start, cpu = time.perf_counter(), time.process_time()
result = load_knowledge(root)
graph = KnowledgeGraph(result.pages)
assert len(result.pages) == count and not result.errors, result.problems[:3]
""",
    OURS_WARM: _LOAD
    + """
start, cpu = time.perf_counter(), time.process_time()
cache = ParseCache.load(Path(saved))
result = load_knowledge(root, cache=cache)
graph = KnowledgeGraph(result.pages)
assert cache.parsed == 0 and len(result.pages) == count, cache.parsed
""",
    LIBYAML: """
import yaml
start, cpu = time.perf_counter(), time.process_time()
for path in sorted(root.rglob("*.yaml")):
    yaml.load(path.read_text("utf-8"), Loader=yaml.CSafeLoader)
""",
}
"""Each in a fresh Python, imports done before the clock starts (the OS file
cache is warm after the first run)."""

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
    + _EDITED
    + """
import statistics
cache = ParseCache()
load_knowledge(root, cache=cache)
ways = {"kept": [], "scan": [], "load": [], "graph": [], "again": []}
for _ in edited_in_turn("Edit"):
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
print(" ".join(f"{name}={statistics.median(times)}" for name, times in ways.items()))
"""
)


_RELOADS = (
    _LOAD
    + _EDITED
    + """
import statistics
from heuristica import demos
from heuristica.checks.record import with_verification_problems
from heuristica.live.fingerprint import folder_fingerprint
from heuristica.live.reload import Reloader
from heuristica.draw.view import default_focus

def figures(graph):
    # what the sidebar and Explore ask of every new graph
    return graph.link_count, graph.stats(), default_focus(graph, None), graph.shape

known = demos.available()
reloader = Reloader(root)
figures(reloader.load(scan_folder(root), known)[1])
previous = ParseCache()
load_knowledge(root, known, cache=previous)
ways = {"ours": [], "scan": [], "reload": [], "figures": [], "previous": []}
for _ in edited_in_turn("Reload"):
    start = time.perf_counter()
    scan = scan_folder(root)
    folder_fingerprint(root, scan)
    scanned = time.perf_counter()
    result, graph = reloader.load(scan, known)
    loaded = time.perf_counter()
    figures(graph)
    done = time.perf_counter()
    assert reloader.cache.parsed == 1 and not result.errors, result.problems[:3]
    ways["ours"].append(done - start)
    ways["scan"].append(scanned - start)
    ways["reload"].append(loaded - scanned)
    ways["figures"].append(done - loaded)
    start = time.perf_counter()
    scan = scan_folder(root)
    folder_fingerprint(root, scan)
    result = load_knowledge(root, known, cache=previous, scan=scan)
    result = with_verification_problems(result)
    figures(KnowledgeGraph(result.pages))
    ways["previous"].append(time.perf_counter() - start)
    assert previous.parsed == 1
print(" ".join(f"{name}={statistics.median(times)}" for name, times in ways.items()))
"""
)

_APP = """
import logging, os, statistics
logging.disable(logging.WARNING)
os.environ["HEURISTICA_KNOWLEDGE"] = str(root)
os.environ["HEURISTICA_CACHE"] = cache_folder
from streamlit.testing.v1 import AppTest
from heuristica.ui.knowledge_base import RESCAN_SECONDS
app = AppTest.from_file(app_file, default_timeout=600)
start = time.perf_counter()
app.run()
first = time.perf_counter() - start
assert not app.exception, app.exception
edited = sorted(root.rglob("*.yaml"))[count // 3]
original = edited.read_text("utf-8")
ways = {"rerun": [], "edited": []}
try:
    for number in range(edits):
        start = time.perf_counter()
        app.run()
        ways["rerun"].append(time.perf_counter() - start)
        edited.write_text(original.replace("title: ", f"title: App {number} ", 1), "utf-8")
        time.sleep(RESCAN_SECONDS + 0.1)
        start = time.perf_counter()
        app.run()
        ways["edited"].append(time.perf_counter() - start)
        assert not app.exception, app.exception
finally:
    edited.write_text(original, "utf-8")
deadline = time.monotonic() + 120  # the parse cache is written by a background thread
while not list(Path(cache_folder).glob("parsed-*.json")) and time.monotonic() < deadline:
    time.sleep(0.2)
print(f"first={first} " + " ".join(f"{k}={statistics.median(v)}" for k, v in ways.items() if v))
"""


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


def _timed(code: str, root: Path, count: int, **names: object) -> tuple[float, float]:
    """Seconds from ``start`` to the end of ``code`` in a fresh Python: on the
    clock, and of CPU in that process (less swayed by the others on the machine)."""
    ended = "\nprint(time.perf_counter() - start, time.process_time() - cpu)"
    wall, cpu = _run(code + ended, root, count, **names).split()
    return float(wall), float(cpu)


def _line(name: str, times: list[float]) -> str:
    runs = ", ".join(f"{t:.2f}" for t in times)
    return f"  {name:40s} median {statistics.median(times):6.2f} s  (runs: {runs})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--edits", type=int, default=7, help="pages edited, one at a time")
    parts = ("load", "edit", "server", "app")
    parser.add_argument(
        "--parts", nargs="+", choices=parts, default=parts, help="what to measure (default: all)"
    )
    args = parser.parse_args()
    root = OUT / f"kb{args.pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != args.pages:
        generate(args.pages, root)
    size = sum(p.stat().st_size for p in root.rglob("*.yaml")) / 1e6
    print(f"{args.pages} pages, {size:.1f} MB of YAML in {root}")

    if "load" in args.parts:
        _load(root, args)
    if "edit" in args.parts:
        _edit(root, args)
    if "server" in args.parts:
        _server(root, args)
    if "app" in args.parts:
        _app(root, args)


def _load(root: Path, args: argparse.Namespace) -> None:
    """Ours cold, ours warm and libyaml alone, by turns (A, B, C, A, B, C ...),
    so that the load of the machine weighs on each alike."""
    saved = str(OUT / f"parse-cache-{args.pages}.json")
    _run(_SAVE, root, args.pages, saved=saved)
    wall: dict[str, list[float]] = {name: [] for name in _WAYS}
    cpu: dict[str, list[float]] = {name: [] for name in _WAYS}
    for turn in range(args.runs):
        for name, code in _WAYS.items():
            seconds, used = _timed(code, root, args.pages, saved=saved)
            wall[name].append(seconds)
            cpu[name].append(used)
        shown = ", ".join(f"{wall[name][-1]:.2f}" for name in _WAYS)
        print(f"  turn {turn + 1} ({shown} s): load average {_load_average()}", flush=True)
    print(
        "Load, fresh process, by turns (ours cold: scan, read, parse, the depth bound, "
        "validation, checks across pages, graph; libyaml: yaml.load of each file, nothing else):"
    )
    libyaml_wall, libyaml_cpu = statistics.median(wall[LIBYAML]), statistics.median(cpu[LIBYAML])
    for name in (OURS_COLD, LIBYAML, OURS_WARM):
        print(
            _line(name, wall[name])
            + f" {statistics.median(wall[name]) / libyaml_wall:4.2f}x libyaml;"
            + f" CPU {statistics.median(cpu[name]):5.2f} s,"
            + f" {statistics.median(cpu[name]) / libyaml_cpu:4.2f}x"
        )


def _load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def _edit(root: Path, args: argparse.Namespace) -> None:
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


def _server(root: Path, args: argparse.Namespace) -> None:
    print(f"Server side, one page edited, then reloaded (budget 0.3 s; median of {args.edits}):")
    medians = dict(
        part.split("=") for part in _run(_RELOADS, root, args.pages, edits=args.edits).split()
    )
    seconds = {name: float(value) for name, value in medians.items()}
    print(
        f"  {'reload what changed (ours, live.reload)':56s} median {seconds['ours']:6.3f} s"
        f"  (scan {seconds['scan']:.3f}, reload {seconds['reload']:.3f}, "
        f"figures {seconds['figures']:.3f})"
    )
    print(
        f"  {'rebuild all after the parse cache (previous way)':56s}"
        f" median {seconds['previous']:6.3f} s"
    )


def _app(root: Path, args: argparse.Namespace) -> None:
    print("The app (AppTest, Explore), fresh process, saved parse cache (budget 3 s / 0.3 s):")
    with tempfile.TemporaryDirectory(prefix="heuristica-bench-cache-") as cache_folder:
        app_file = str(Path(__file__).resolve().parent.parent / "heuristica" / "shell.py")
        names = {"cache_folder": cache_folder, "app_file": app_file, "edits": args.edits}
        _run(_APP, root, args.pages, **{**names, "edits": 0})  # writes the parse cache
        figures = dict(part.split("=") for part in _run(_APP, root, args.pages, **names).split())
    print(f"  {'first run after a server start':56s} {float(figures['first']):6.2f} s")
    print(f"  {'a rerun, nothing changed':56s} median {float(figures['rerun']):6.3f} s")
    print(f"  {'the rerun after one page was edited':56s} median {float(figures['edited']):6.3f} s")


if __name__ == "__main__":
    main()
