"""Live experiments that prove what a knowledge page claims.

A page names a demo (``demo: spawn_vs_fork``); ``REGISTRY`` maps each demo
name to what the app shows about it, so the loader can reject an unknown name
and the panel can offer a "Run the live demo" button. A run is a process
started by ``heuristica.processes.runner``; ``runs`` keeps the runs of this
server, ``slots`` limits how many run at once across servers
(``slot_line``, ``redis_slots``).

May import: ``heuristica.processes``, ``heuristica.shared_store`` and the root.
No Streamlit.
"""

from dataclasses import dataclass

__all__ = ["REGISTRY", "DemoInfo", "available"]


@dataclass(frozen=True)
class DemoInfo:
    """What the app shows about one demo before it runs."""

    title: str
    description: str


REGISTRY: dict[str, DemoInfo] = {
    "spawn_vs_fork": DemoInfo(
        title="spawn vs fork with Polars",
        description=(
            "Start a pool of real worker processes that run a Polars group_by, "
            "with fork, spawn or forkserver: watch fork deadlock after the parent "
            "used Polars, and measure what spawn costs to start."
        ),
    ),
}


def available() -> list[str]:
    """Names of the demos a page may name in its ``demo`` field, sorted."""
    return sorted(REGISTRY)
