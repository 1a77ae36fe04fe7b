"""How long ``verify`` takes on the shipped knowledge base, one check at a
time against several at once (one per core), in the same run.

    python -m bench.bench_verify [PATH] [--repeats N]

Each check is a separate interpreter (most import Polars), so starting
processes dominates; running them side by side overlaps that start-up.
Checks that expect a hang wait out their seconds either way. Timings depend
on this machine and its load: compare the two columns, not the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from heuristica.checks.verify import verify
from heuristica.kb.loader import load_knowledge


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=Path("knowledge"))
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(f"verify {args.path}: median of {args.repeats} run(s), {cores} cores")
    for label, jobs in (("one at a time", 1), (f"{cores} at once", cores)):
        seconds, checks, counts = wall_seconds(args.path, jobs, args.repeats)
        outcome = ", ".join(f"{n} {status}" for status, n in counts.items())
        print(f"  {label:<14} {seconds:6.2f} s  ({checks} checks: {outcome})")


if __name__ == "__main__":
    main()
