"""What ``heuristica path`` prints: for people, or JSON (``commands.find``
prints ``search``'s hits). Page text is untrusted: every
line is made safe to print (``search.text.printable``)."""

from __future__ import annotations

import json

from heuristica.draw.paths import RelationPath, step_text
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.search.text import printable

__all__ = ["print_paths", "print_paths_json"]


def _path_json(graph: KnowledgeGraph, path: RelationPath) -> list[dict[str, str]]:
    return [
        {
            "from": step.source,
            "from_title": graph.page(step.source).title,
            "relation": step.relation,
            "label": step.label,
            "direction": "forward" if step.forward else "backward",
            "to": step.target,
            "to_title": graph.page(step.target).title,
        }
        for step in path
    ]


def print_paths_json(
    graph: KnowledgeGraph, source: str, target: str, paths: list[RelationPath]
) -> None:
    out = {
        "source": source,
        "target": target,
        "paths": [_path_json(graph, path) for path in paths],
    }
    print(json.dumps(out, indent=2))


def print_paths(
    graph: KnowledgeGraph, source_id: str, target_id: str, paths: list[RelationPath]
) -> None:
    """The shortest paths from one page to another, step by step (``paths ==
    [()]``: they are one page; ``[]``: they are not linked)."""
    source, target = (printable(graph.page(i).title) for i in (source_id, target_id))
    if paths == [()]:
        print(f"{source} and {target} are one page.")
        return
    if not paths:
        print(f"No path: {source} and {target} are not linked, not even through other pages.")
        return
    steps = len(paths[0])
    print(
        f"{source} → {target}: {len(paths)} shortest path{'s' * (len(paths) != 1)} "
        f"of {steps} step{'s' * (steps != 1)}"
    )
    for number, path in enumerate(paths, 1):
        if len(paths) > 1:
            print(f"Path {number}:")
        for step in path:
            print(f"  {printable(step_text(graph, step))}")
