"""The commands that read a knowledge folder and say what they find:
``export``, ``path`` and ``verify`` (``check`` is ``commands.check``, ``search``
``commands.find``).
``cli`` imports this module only when one of them runs, so the others (and
``--version``) start without loading the knowledge base's code."""

from __future__ import annotations

import argparse
from pathlib import Path

from heuristica.commands.export import to_graphml, to_node_link_json
from heuristica.commands.loaded import knowledge_base
from heuristica.commands.terminal import print_paths, print_paths_json
from heuristica.commands.usage import UsageError
from heuristica.commands.verify import run_verify
from heuristica.draw.paths import relation_paths, unknown_page
from heuristica.kb.loader import LoadResult
from heuristica.search.text import printable

__all__ = ["export", "path", "verify"]


def _load(path: Path) -> LoadResult:
    return knowledge_base(path).result


def export(args: argparse.Namespace) -> int:
    kb = knowledge_base(args.path)
    result, graph = kb.result, kb.graph
    data = to_graphml(graph) if args.format == "graphml" else to_node_link_json(graph)
    args.output.write_text(data, encoding="utf-8")
    print(
        f"wrote {len(graph)} pages and {graph.link_count} links to {args.output}"
        + (f" (left out {len(result.errors)} errors: run 'check')" if result.errors else "")
    )
    return 0


def path(args: argparse.Namespace) -> int:
    graph = knowledge_base(args.path).graph
    unknown = [
        printable(unknown_page(graph, page_id, where))
        for where, page_id in (("SOURCE", args.source), ("TARGET", args.target))
        if page_id not in graph
    ]
    if unknown:
        raise UsageError("\n".join(unknown))
    paths = relation_paths(graph, args.source, args.target)
    if args.format == "json":
        print_paths_json(graph, args.source, args.target, paths)
    else:
        print_paths(graph, args.source, args.target, paths)
    return 0 if paths else 1


def verify(args: argparse.Namespace) -> int:
    return run_verify(_load(args.path), args)
