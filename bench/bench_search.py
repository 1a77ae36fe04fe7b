"""Search on a synthetic knowledge base: index build (in memory, kept on disk
and opened again, by turns with the previous search), query latency, and the
index after one edit, beside the previous search (KnowledgeGraph.search up to
38fa7d3, kept in bench/previous_search.py) in the same run; then how many of
the newcomer questions (tests/test_search_questions.py) each finds in its top
three on the shipped knowledge base.

    python -m bench.bench_search [--pages 10000] [--runs 3] [--queries 300]

Budget (2-core machine, 10,000 pages): index build <= 2 s, query p95 <= 50 ms.
Wall time and this process's CPU time are printed side by side: on a machine
shared with other work, CPU time is what the wall time would be on idle cores
(for the build, tantivy indexes on two threads, so its CPU time is above its
wall time when both cores are free).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from bench.generate import WORDS, generate
from bench.previous_search import PreviousSearch
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.search import SearchIndex
from heuristica.ui.knowledge_base import DEFAULT_ROOT
from tests.test_search_questions import QUESTIONS, wanted

OUT = Path(__file__).resolve().parent / "out"
T = TypeVar("T")


def _timed(make: Callable[[], T]) -> tuple[T, float, float]:
    """What ``make`` returns, and its wall and CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    made = make()
    return made, time.perf_counter() - wall, time.process_time() - cpu


def _typo(word: str, rng: random.Random) -> str:
    at = rng.randrange(1, len(word))
    return word[:at] + word[at + 1 :]


def queries(count: int, rng: random.Random) -> list[str]:
    """What people type: one to four words of the base's vocabulary, some
    with a typo, some as half a word, some as a question."""
    made = []
    for _ in range(count):
        chosen = rng.sample(WORDS, rng.randint(1, 4))
        kind = rng.random()
        if kind < 0.2:
            chosen[-1] = _typo(chosen[-1], rng)
        elif kind < 0.35:
            chosen[-1] = chosen[-1][: max(3, len(chosen[-1]) - 2)]
        elif kind < 0.5:
            chosen = ["why", "does", "my", *chosen, "hang"]
        made.append(" ".join(chosen))
    return made


def _latencies(
    search: Callable[[str], object], asked: Sequence[str]
) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each query."""
    walls, cpus = [], []
    for query in asked:
        _, wall, cpu = _timed(lambda: search(query))  # noqa: B023 (called right here)
        walls.append(wall)
        cpus.append(cpu)
    return walls, cpus


def _percentiles(times: tuple[list[float], list[float]]) -> str:
    def summary(seconds: list[float]) -> str:
        ms = sorted(t * 1000 for t in seconds)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        return f"p50 {statistics.median(ms):6.1f}  p95 {p95:6.1f}  max {ms[-1]:6.1f}"

    walls, cpus = times
    return f"wall ms {summary(walls)}   cpu ms {summary(cpus)}"


def _line(name: str, wall: list[float], cpu: list[float]) -> str:
    return (
        f"  {name:56s} wall median {statistics.median(wall):6.2f} s"
        f"   cpu median {statistics.median(cpu):6.2f} s"
        f"   (wall runs: {', '.join(f'{t:.2f}' for t in wall)})"
    )


def bench_build(kg: KnowledgeGraph, runs: int) -> SearchIndex:
    """By turns: ours in memory, ours kept on disk (built, then opened as the
    next process opens it), the previous search."""
    print("index build (by turns)")
    pages = list(kg.pages)
    versions = {page.id: "1" for page in pages}

    def previous() -> PreviousSearch:
        made = PreviousSearch(kg)
        made.search("a phrase")  # it read every page's full text on its first query
        return made

    ways: dict[str, Callable[[Path], object]] = {
        "ours: SearchIndex in memory (tantivy)": lambda _: SearchIndex(pages),
        "ours: kept on disk, built": lambda kept: SearchIndex(pages, kept, versions=versions),
        "ours: kept on disk, opened by the next process": lambda kept: SearchIndex(
            pages, kept, versions=versions
        ),
        "previous: word postings + full texts": lambda _: previous(),
    }
    took: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    index = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-search-") as kept:
            for name, make in ways.items():
                made, wall, cpu = _timed(lambda: make(Path(kept)))  # noqa: B023 (called here)
                took[name].append((wall, cpu))
                if index is None and isinstance(made, SearchIndex):
                    index = made  # the in-memory one, made first, for the queries
    for name, times in took.items():
        print(_line(name, [wall for wall, _ in times], [cpu for _, cpu in times]))
    assert index is not None
    return index


def bench_queries(kg: KnowledgeGraph, index: SearchIndex, asked: list[str]) -> None:
    print(f"\nqueries ({len(asked)}, limit 10, as the sidebar asks)")
    index.search(asked[0])
    ours = _latencies(lambda q: index.search(q, limit=10), asked)
    print(f"  {'ours: with snippets (first time each page is read)':56s} {_percentiles(ours)}")
    again = _latencies(lambda q: index.search(q, limit=10), asked)
    print(f"  {'ours: with snippets (asked again)':56s} {_percentiles(again)}")
    bare = _latencies(lambda q: index.search(q, limit=10, snippets=False), asked)
    print(f"  {'ours: ranking only, no snippets':56s} {_percentiles(bare)}")
    whole = _latencies(lambda q: index.search(q, limit=None, snippets=False), asked[:50])
    print(f"  {'ours: every match (Browse), 50 queries':56s} {_percentiles(whole)}")
    previous = PreviousSearch(kg)
    previous.search("a phrase")
    before = _latencies(lambda q: previous.search(q, limit=10), asked)
    print(f"  {'previous: KnowledgeGraph.search':56s} {_percentiles(before)}")


def bench_edit(kg: KnowledgeGraph, index: SearchIndex, asked: list[str]) -> None:
    pages = list(kg.pages)
    edited = pages[len(pages) // 2]
    changed = [
        page if page is not edited else page.model_copy(update={"overview": "Zorblax edited."})
        for page in pages
    ]
    newer, wall, cpu = _timed(lambda: index.updated(changed))
    assert [hit.page.id for hit in newer.search("zorblax")] == [edited.id]
    print("\none page edited (the app loads the base again and asks for its index)")
    print(_line("ours: SearchIndex.updated, other pages the same objects", [wall], [cpu]))
    # A page replaced: known words, prefixes and typos are now checked against live pages.
    after = _latencies(lambda q: newer.search(q, limit=10), asked)
    print(f"  {'ours: queries after the edit, with snippets':56s} {_percentiles(after)}")
    copies = [page.model_copy() for page in changed]
    _, wall, cpu = _timed(lambda: newer.updated(copies))
    print(_line("ours: SearchIndex.updated, every page a new object", [wall], [cpu]))


def bench_questions() -> None:
    kg = KnowledgeGraph(load_knowledge(DEFAULT_ROOT).pages)
    index = SearchIndex(kg.pages)
    previous = PreviousSearch(kg)
    ours = sum(
        set(wanted(pages)) <= {h.page.id for h in index.search(q, limit=3)}
        for q, pages in QUESTIONS
    )
    before = sum(
        set(wanted(pages)) <= {h.page.id for h in previous.search(q, limit=3)}
        for q, pages in QUESTIONS
    )
    print(f"\nnewcomer questions, right page in the top 3 ({len(kg)} shipped pages)")
    print(f"  {'ours':56s} {ours} of {len(QUESTIONS)}")
    print(f"  {'previous':56s} {before} of {len(QUESTIONS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    root = OUT / f"kb{args.pages}"
    if not root.exists() or sum(1 for _ in root.rglob("*.yaml")) != args.pages:
        generate(args.pages, root)
    kg = KnowledgeGraph(load_knowledge(root).pages)
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{len(kg)} pages in {root}; {os.cpu_count()} cores, load average {load}\n")
    index = bench_build(kg, args.runs)
    asked = queries(args.queries, random.Random(11))
    bench_queries(kg, index, asked)
    bench_edit(kg, index, asked)
    bench_questions()


if __name__ == "__main__":
    main()
