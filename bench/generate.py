"""Write a synthetic, linked knowledge base of N valid pages (about 2 KB each).

    python bench/generate.py 10000 /tmp/kb10k

Pages follow the relation table, so the result loads with no errors; every
page gets a few links, so the graph is one connected piece.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

import yaml

from heuristica.kb.relations import RELATIONS, PageType

__all__ = ["generate"]

WORDS = (
    "fork spawn forkserver thread pool mutex lock child parent process worker polars rayon "
    "pickle import guard context executor queue pipe signal memory copy write deadlock "
    "latency start method default platform linux macos windows python interpreter runtime"
).split()

_TYPES = list(PageType)
_SHARES = {PageType.PRINCIPLE: 0.2, PageType.IMPLEMENTATION: 0.35, PageType.HEURISTIC: 0.25}


def _prose(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _type_of(index: int, total: int) -> PageType:
    fraction = index / total
    edge = 0.0
    for page_type, share in _SHARES.items():
        edge += share
        if fraction < edge:
            return page_type
    return PageType.ENVIRONMENT


def _sections(page_type: PageType, rng: random.Random) -> dict[str, object]:
    if page_type is PageType.PRINCIPLE:
        return {"theoretical_basis": _prose(rng, 60) + "\n\n$$t = n \\cdot c$$"}
    if page_type is PageType.IMPLEMENTATION:
        param = {"name": "method", "type": "str", "description": _prose(rng, 8)}
        return {
            "code_reference": {
                "repository": "https://github.com/python/cpython",
                "file": "Lib/multiprocessing/context.py",
                "lines": "180-240",
                "signature": "def get_context(method=None)",
                "import": "import multiprocessing",
            },
            "io_contract": {"inputs": [param], "outputs": [dict(param)]},
            "usage_examples": [
                {
                    "title": "Example",
                    "code": "import multiprocessing as mp\nmp.get_context('spawn')",
                }
            ],
        }
    if page_type is PageType.HEURISTIC:
        return {
            "insight": {
                "action": _prose(rng, 12),
                "value": _prose(rng, 12),
                "trade_off": _prose(rng, 12),
            },
            "reasoning": _prose(rng, 60),
        }
    return {
        "system_requirements": [{"name": "OS", "requirement": "Linux"}],
        "dependencies": [{"name": "polars", "version": ">=1.0"}],
        "credentials": "None.",
        "quick_install": "pip install polars",
        "common_errors": [
            {"error": "RuntimeError", "cause": _prose(rng, 8), "fix": _prose(rng, 8)}
        ],
        "compatibility_notes": _prose(rng, 30),
    }


def _pairs_from(source: PageType) -> list[tuple[str, PageType]]:
    return [(name, t) for name, rel in RELATIONS.items() for s, t in rel.pairs if s == source]


def generate(count: int, out: Path, seed: int = 7) -> list[str]:
    """Write ``count`` pages under ``out`` (replacing it); returns their ids."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    types = [_type_of(i, count) for i in range(count)]
    ids = [f"{t.value}/page-{i:05d}" for i, t in enumerate(types)]
    by_type: dict[PageType, list[str]] = {t: [] for t in _TYPES}
    for page_id, page_type in zip(ids, types, strict=True):
        by_type[page_type].append(page_id)
    for index, (page_id, page_type) in enumerate(zip(ids, types, strict=True)):
        links = []
        for relation, target_type in _pairs_from(page_type):
            pool = by_type[target_type]
            # One link to a "near" page keeps the graph connected; more add shortcuts.
            near = pool[min(len(pool) - 1, int(index / count * len(pool)))]
            for target in {near, rng.choice(pool)} - {page_id}:
                links.append({"relation": relation, "to": target})
        page = {
            "type": page_type.value,
            "id": page_id,
            "title": f"{_prose(rng, 4)[:-1]} {index}",
            "domains": rng.sample(["Debugging", "Python_Performance", "Concurrency", "Polars"], 2),
            "last_updated": "2026-11-25",
            "sources": [{"title": "Docs", "url": f"https://example.org/{index}", "kind": "doc"}],
            "overview": _prose(rng, 30),
            "description": _prose(rng, 80),
            "usage": _prose(rng, 30),
            **_sections(page_type, rng),
            "links": links,
        }
        path = out / page_type.value / f"page-{index:05d}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(page, sort_keys=False, allow_unicode=True), "utf-8")
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    generate(args.count, args.out)
    size = sum(p.stat().st_size for p in args.out.rglob("*.yaml"))
    print(f"wrote {args.count} pages, {size / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
