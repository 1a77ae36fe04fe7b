"""How long ``verify`` takes on the shipped knowledge base, one check at a
time against several at once (one per core), in the same run; with
``--matrix``, the whole matrix cold (every cell's environment built), warm
(the environments reused), and warm with the cells one after another.

    python -m bench.bench_verify [PATH] [--repeats N]
    python -m bench.bench_verify [PATH] --matrix [FILE] [--page ID ...]

Each check is a separate interpreter (most import Polars), so starting
processes dominates; running them side by side overlaps that start-up.
Checks that expect a hang wait out their seconds either way. "Cold" starts
from an empty environment cache (uv's own wheel cache is left as it is, so
nothing is downloaded twice). Timings depend on this machine and its load:
compare the columns, not the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from heuristica.checks.matrix import MatrixRun, run_matrix
from heuristica.checks.matrix_file import MATRIX_FILE, read_matrix
from heuristica.checks.verify import verify
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import Page


def wall_seconds(path: Path, jobs: int, repeats: int) -> tuple[float, int, dict[str, int]]:
    """Median wall time of ``verify`` with ``jobs`` at once; the checks run; their outcome."""
    pages = list(load_knowledge(path).pages.values())
    timings = []
    counts: dict[str, int] = {}
    checks = 0
    for _ in range(repeats):
        started = time.perf_counter()
        verification = verify(pages, jobs=jobs)
        timings.append(time.perf_counter() - started)
        counts, checks = verification.counts(), len(verification.results)
    return statistics.median(timings), checks, counts


def _outcome(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {status}" for status, n in counts.items())


def bench_checks(path: Path, repeats: int) -> None:
    cores = os.cpu_count() or 1
    print(f"verify {path}: median of {repeats} run(s), {cores} cores")
    for label, jobs in (("one at a time", 1), (f"{cores} at once", cores)):
        seconds, checks, counts = wall_seconds(path, jobs, repeats)
        print(f"  {label:<14} {seconds:6.2f} s  ({checks} checks: {_outcome(counts)})")


def _matrix_line(label: str, seconds: float, run: MatrixRun) -> str:
    built = [cell.built for cell in run.cells if cell.built]
    reused = sum(b.reused for b in built)
    building = sum(b.seconds for b in built if not b.reused)
    totals: dict[str, int] = {}
    for cell in run.cells:
        for status, n in (cell.verification.counts() if cell.verification else {}).items():
            totals[status] = totals.get(status, 0) + n
    return (
        f"  {label:<28} {seconds:7.1f} s  ({len(built)}/{len(run.cells)} cells built, "
        f"{reused} reused, {building:.1f} s building; {_outcome(totals)})"
    )


def bench_matrix(path: Path, file: Path, page_ids: list[str]) -> None:
    loaded = load_knowledge(path).pages
    pages: list[Page] = [loaded[i] for i in page_ids] if page_ids else list(loaded.values())
    matrix = read_matrix(file)
    cores = os.cpu_count() or 1
    print(f"verify --matrix {file}: {len(matrix.cells())} cells, {len(pages)} pages, {cores} cores")
    with tempfile.TemporaryDirectory(prefix="bench-matrix-") as folder:
        cache = Path(folder)
        for label, jobs in (
            (f"cold, {cores} cells at once", cores),
            (f"warm, {cores} cells at once", cores),
            ("warm, one cell after another", 1),
        ):
            started = time.perf_counter()
            run = run_matrix(pages, matrix, jobs=jobs, cache=cache)
            print(_matrix_line(label, time.perf_counter() - started, run), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=Path("knowledge"))
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--matrix", nargs="?", const="", metavar="FILE")
    parser.add_argument("--page", action="append", default=[], metavar="ID")
    args = parser.parse_args()
    if args.matrix is None:
        bench_checks(args.path, args.repeats)
    else:
        bench_matrix(args.path, Path(args.matrix or args.path / MATRIX_FILE), args.page)


if __name__ == "__main__":
    main()
