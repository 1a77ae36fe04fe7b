"""Every benchmark in bench/ still imports: they run by hand, not in CI, so a
name moved elsewhere in the package (``diff_sides`` went from
``commands.diff`` to ``commands.diff_report``) would otherwise break one
unseen until someone next measures."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
MODULES = sorted(path.stem for path in BENCH.glob("*.py") if path.stem != "__init__")


def test_the_benchmarks_are_found():
    assert {"bench_history", "bench_cli", "bench_browser", "generate"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_a_benchmark_imports(name: str):
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py says what it measures"
