"""A warm ``search`` and a warm MCP server's first answer, answered from the
index kept on disk without loading the knowledge base (ours), beside the
previous way in the same run: the branch's base (commit ``BASE``, unpacked
from git into a folder of its own), which loaded the whole knowledge base
from its parse cache before its kept index answered.

Each way has its own cache folder, filled by one run before the turns (so
every timed run is warm: nothing changed since). Each turn runs every way
once, in turn (previous, ours, previous, ours ...), each a real process
timed from its start to its exit (the MCP server: to its first answer); the
median of the turns is printed with each turn, the CPU seconds of the
processes (user + system; the MCP server's whole life) and the load average
(1, 5, 15 min) at the start and end of each size. "start only" is
``--version``: the interpreter and the imports every command pays before it
reads a file; "its own imports only" is the kept search in a process that
imports only what it needs (``live.kept_search``), not the whole CLI, as a
CLI that imports each command's modules when it runs will; "import the MCP
SDK" is ``python -c 'import mcp.server.mcpserver'`` alone, which every MCP
server start pays. The knowledge folder is not changed.

    python -m bench.bench_search_kept [--pages 1000 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_cli import OUT, QUERY, REPO, Took, _children_cpu, _cli, _load, _mcp, table_rows
from bench.bench_cli import _previous_checkout as checkout
from bench.generate import generate

BASE = "0ea2fbd"
"""main when this way was built: a warm search loaded the knowledge base."""


Run = Callable[[Path, Path], Took]
"""Seconds one run takes, given the code to run and the cache folder."""


def _python(code: Path, cache: Path, program: str, *args: str) -> Took:
    """How long ``python -c PROGRAM ARGS`` takes, run from ``code`` with HEURISTICA_CACHE=cache."""
    env = {**os.environ, "HEURISTICA_CACHE": str(cache), "PYTHONPATH": str(code)}
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-c", program, *args], cwd=code, env=env, check=True)
    return time.perf_counter() - started, _children_cpu() - cpu


def _import_sdk(code: Path, cache: Path) -> Took:
    return _python(code, cache, "import mcp.server.mcpserver")


_ALONE = """
import sys
from pathlib import Path
from heuristica.live.kept_search import find_without_loading
assert find_without_loading(Path(sys.argv[1]), sys.argv[2]) is not None
"""
"""The kept search with only the imports it needs (not the whole CLI's)."""


def _alone(root: Path) -> Run:
    return lambda code, cache: _python(code, cache, _ALONE, str(root), QUERY)


_OURS_ONLY = ("search, warm, its own imports only", "import the MCP SDK only")
"""Rows with no previous way: the same SDK either way; no kept search before."""


def _runs(root: Path) -> dict[str, Run]:
    return {
        "start only (--version)": lambda code, cache: _cli(code, cache, "--version"),
        "search, warm": lambda code, cache: _cli(code, cache, "search", QUERY, str(root)),
        "search --format json --type heuristic, warm": lambda code, cache: _cli(
            code,
            cache,
            "search",
            "deadlok polrs",
            str(root),
            "--format",
            "json",
            "--type",
            "heuristic",
        ),
        "search, warm, its own imports only": _alone(root),
        "mcp first answer, warm": lambda code, cache: _mcp(code, cache, root),
        "import the MCP SDK only": _import_sdk,
    }


def bench_size(pages: int, runs: int, ways: dict[str, Path], scratch: Path) -> list[str]:
    root = OUT / f"kb{pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != pages:
        generate(pages, root)
    caches = {way: Path(tempfile.mkdtemp(dir=scratch)) for way in ways}
    for way, code in ways.items():
        _cli(code, caches[way], "search", QUERY, str(root))  # fills its cache
    times: dict[tuple[str, str], list[Took]] = {}
    began = _load()
    for _ in range(runs):
        for what, run in _runs(root).items():
            for way, code in ways.items():
                if what not in _OURS_ONLY or code == REPO:
                    times.setdefault((what, way), []).append(run(code, caches[way]))
    return table_rows(pages, times, f"{began} → {_load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ways = {f"previous ({BASE}, loads)": checkout(BASE), "ours (kept index)": REPO}
    print(f"{os.cpu_count()} cores; query {QUERY!r}\n")
    print(
        "| pages | what | way | median wall s | median CPU s | wall each turn s "
        "| load average (start → end) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    with tempfile.TemporaryDirectory(prefix="bench-search-kept-") as scratch:
        for pages in args.pages:
            for row in bench_size(pages, args.runs, ways, Path(scratch)):
                print(row, flush=True)


if __name__ == "__main__":
    main()
