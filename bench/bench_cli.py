"""The command line and the MCP server on synthetic knowledge bases of several
sizes, each run a real process timed from its start to its exit (or, for the
MCP server, to its first answer), beside the previous way in the same run:

- previous: the CLI and server as they were before they kept anything
  (commit 438096f, unpacked from git into a folder of its own);
- cold: ours with an empty cache folder (everything parsed and indexed, and
  the cache written for next time);
- warm: ours again, nothing changed since;
- one edit: ours after one page file changed (that file parsed and indexed).

"start only" is ``heuristica --version``: the interpreter and the imports
every command pays before it reads a file. The previous MCP server saved its
parse results ten seconds after a load, which a one-question session never
reached, so its runs here start without them, as an agent's did. CPU time is
that of the processes a run started (user + system; for the MCP server its
whole life, the save as it leaves included): on a shared machine it moves
less than the wall time.

Each turn runs every way once (previous, cold, warm, one edit, ...), so the
load on a shared machine falls on each alike; the median of the turns is
printed with every turn and the load average (1, 5, 15 min) at the start and
end of each size.

    python -m bench.bench_cli [--pages 1000 10000 30000] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mcp import StdioServerParameters

from bench.generate import generate
from tests.agent import Agent, connected

OUT = Path(__file__).resolve().parent / "out"
REPO = Path(__file__).resolve().parent.parent
PREVIOUS = "438096f"
QUERY = "fork deadlock polars"


def _previous_checkout(commit: str = PREVIOUS) -> Path:
    """The repository at ``commit``, unpacked once into bench/out."""
    folder = OUT / f"previous-{commit}"
    if not (folder / "graph").exists():
        folder.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "archive", commit], cwd=REPO, capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


Took = tuple[float, float]
"""Wall seconds, and CPU seconds of the processes it ran (user + system)."""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(code: Path, cache: Path, *args: str) -> Took:
    """How long ``python -m graph ARGS`` takes, run from ``code`` with HEURISTICA_CACHE=cache."""
    env = {**os.environ, "HEURISTICA_CACHE": str(cache), "PYTHONPATH": str(code)}
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "graph", *args], cwd=code, env=env, capture_output=True
    )
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(done.stderr.decode())
    return took, _children_cpu() - cpu


def _mcp(code: Path, cache: Path, root: Path) -> Took:
    """Seconds from starting ``python -m graph mcp ROOT`` to its first search's
    answer (CPU: the server's whole life, its save as it leaves included)."""
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "graph", "mcp", str(root)],
        cwd=code,
        env={"HEURISTICA_CACHE": str(cache), "PYTHONPATH": str(code)},
    )
    cpu, started = _children_cpu(), time.perf_counter()
    agent: Agent
    with connected(server) as agent:
        result = agent.call("search", query=QUERY)
        took = time.perf_counter() - started
    if result.is_error:
        raise RuntimeError(str(result.content))
    return took, _children_cpu() - cpu


def _load() -> str:
    return ", ".join(f"{n:.2f}" for n in os.getloadavg())


def _edit(root: Path, turn: int) -> None:
    """Change one page's overview (a new word each turn)."""
    page = next(iter(sorted((root / "heuristic").glob("*.yaml"))))
    text = page.read_text()
    start = text.index("overview: ") + len("overview: ")
    page.write_text(f"{text[:start]}Edited{turn} {text[start:]}")


Run = Callable[[Path, Path], Took]
"""Seconds one run takes, given the code to run and the cache folder."""


def _runs(root: Path) -> dict[str, Run]:
    return {
        "start only (--version)": lambda code, cache: _cli(code, cache, "--version"),
        "check": lambda code, cache: _cli(code, cache, "check", str(root)),
        "search": lambda code, cache: _cli(code, cache, "search", QUERY, str(root)),
        "mcp first answer": lambda code, cache: _mcp(code, cache, root),
    }


def _turn(root: Path, previous: Path, turn: int) -> dict[tuple[str, str], Took]:
    """Every way of every command once: previous, cold, warm, one edit."""
    took = {}
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as scratch:
        for what, run in _runs(root).items():
            took[what, "previous"] = run(previous, Path(tempfile.mkdtemp(dir=scratch)))
            kept = Path(tempfile.mkdtemp(dir=scratch))
            took[what, "cold"] = run(REPO, kept)
            took[what, "warm"] = run(REPO, kept)
            _edit(root, turn)
            took[what, "one edit"] = run(REPO, kept)
    return took


def bench_size(pages: int, runs: int, previous: Path) -> list[str]:
    root = OUT / f"kb{pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != pages:
        generate(pages, root)
    times: dict[tuple[str, str], list[Took]] = {}
    began = _load()
    for turn in range(runs):
        for key, seconds in _turn(root, previous, turn).items():
            times.setdefault(key, []).append(seconds)
    return table_rows(pages, times, f"{began} → {_load()}")


def table_rows(pages: int, times: dict[tuple[str, str], list[Took]], load: str) -> list[str]:
    """A row per (what, way): the medians of its turns, wall and CPU, and each turn."""
    rows = []
    for (what, way), took in times.items():
        wall = statistics.median(t for t, _ in took)
        cpu = statistics.median(c for _, c in took)
        turns = ", ".join(f"{t:.2f}" for t, _ in took)
        rows.append(f"| {pages:,} | {what} | {way} | {wall:.2f} | {cpu:.2f} | {turns} | {load} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1000, 10_000, 30_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    previous = _previous_checkout()
    print(f"{os.cpu_count()} cores; previous = {PREVIOUS}; query {QUERY!r}\n")
    print(
        "| pages | what | way | median wall s | median CPU s | wall each turn s "
        "| load average (start → end) |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for pages in args.pages:
        for row in bench_size(pages, args.runs, previous):
            print(row, flush=True)


if __name__ == "__main__":
    main()
