"""The spawn-vs-fork demo: a Polars workload started with each start method.

Run it with ``python -m heuristica.demos.spawn_vs_fork --help``.

May import: ``heuristica.processes`` and the root (a run is its own process).
"""
