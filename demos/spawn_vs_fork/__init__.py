"""The spawn-vs-fork demo: a Polars workload started with each start method.

Run it with ``python -m demos.spawn_vs_fork --help``.
"""
