"""``python -m graph``: check, export, start and verify pages, search them and find
how two are related, from the command line.

Exit codes: 0 sound (warnings allowed) or found, 1 the knowledge base has
errors or nothing was found, 2 bad usage (for example a path that does not
exist, an unknown type or page id).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from heuristica.graph.checks.record import RECORD_FILE, verification_problems
from heuristica.graph.export import to_graphml, to_node_link_json
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import LoadResult, load_knowledge
from heuristica.graph.paths import RelationPath, relation_paths, step_text, unknown_page
from heuristica.graph.relations import PageType
from heuristica.graph.search import SearchHit, SearchIndex, Span
from heuristica.graph.search.text import printable
from heuristica.graph.skeleton import skeleton

__all__ = ["main"]

DEFAULT_ROOT = Path("knowledge")


class UsageError(Exception):
    """Bad usage: reported on stderr, exit code 2."""


def _known_demos() -> list[str]:
    from heuristica.demos import REGISTRY

    return list(REGISTRY)


def _load(path: Path) -> LoadResult:
    if not path.exists():
        raise UsageError(f"{path}: no such folder")
    if not path.is_dir():
        raise UsageError(f"{path}: not a folder")
    return load_knowledge(path, demos=_known_demos())


def _summary(result: LoadResult) -> dict[str, object]:
    graph = KnowledgeGraph(result.pages)
    return {
        "pages": len(result.pages),
        "pages_per_type": {t.value: n for t, n in graph.stats().items()},
        "links": graph.link_count,
        "tours": len(result.tours),
        "errors": len(result.errors),
        "warnings": len(result.warnings),
    }


def _check(args: argparse.Namespace) -> int:
    result = _load(args.path)
    result.problems = sorted([*result.problems, *verification_problems(result)])
    summary = _summary(result)
    if args.format == "json":
        out = {"problems": [p.to_dict() for p in result.problems], "summary": summary}
        print(json.dumps(out, indent=2))
    else:
        for problem in result.problems:
            print(problem)
        per_type = ", ".join(f"{n} {t}" for t, n in summary["pages_per_type"].items())  # type: ignore[attr-defined]
        print(
            f"{summary['pages']} pages ({per_type}), {summary['links']} links, "
            f"{summary['tours']} tours, "
            f"{summary['errors']} errors, {summary['warnings']} warnings"
        )
    return 1 if result.errors else 0


def _export(args: argparse.Namespace) -> int:
    result = _load(args.path)
    graph = KnowledgeGraph(result.pages)
    data = to_graphml(graph) if args.format == "graphml" else to_node_link_json(graph)
    args.output.write_text(data, encoding="utf-8")
    print(
        f"wrote {len(graph)} pages and {graph.link_count} links to {args.output}"
        + (f" (left out {len(result.errors)} errors: run 'check')" if result.errors else "")
    )
    return 0


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def _new(args: argparse.Namespace) -> int:
    slug = _slug(args.title)
    if not slug:
        raise UsageError(f"title {args.title!r} has no letters or digits to make an id from")
    page_type = PageType(args.type)
    path = args.dir / page_type.value / f"{slug}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(skeleton(page_type, f"{page_type.value}/{slug}", args.title), "utf-8")
    print(f"wrote {path}: fill in every section, then run 'python -m graph check'")
    return 0


def _marked(text: str, marks: Sequence[Span]) -> str:
    """``text`` safe for a terminal, its marked words in bold when printing to one."""
    if not sys.stdout.isatty():
        return printable(text)
    pieces, at = [], 0
    for start, end in marks:
        pieces += [printable(text[at:start]), "\x1b[1m", printable(text[start:end]), "\x1b[0m"]
        at = end
    return "".join([*pieces, printable(text[at:])])


def _print_hits(hits: Sequence[SearchHit]) -> None:
    for rank, hit in enumerate(hits, 1):
        page = hit.page
        print(
            f"{rank}. {_marked(page.title, hit.title_marks)}  ({page.id}, {page.page_type.value})"
        )
        if hit.snippet and hit.snippet.text:
            print(f"   {hit.snippet.section}: {_marked(hit.snippet.text, hit.snippet.marks)}")


def _search(args: argparse.Namespace) -> int:
    graph = KnowledgeGraph(_load(args.path).pages)
    types = [PageType(name) for name in args.type or ()]
    hits = SearchIndex(graph.pages).search(args.query, limit=args.limit, types=types)
    if args.format == "json":
        print(json.dumps([hit.to_dict() for hit in hits], indent=2))
    elif hits:
        _print_hits(hits)
    else:
        print(f"No page matches {printable(args.query)!r}.")
    return 0 if hits else 1


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


def _path(args: argparse.Namespace) -> int:
    graph = KnowledgeGraph(_load(args.path).pages)
    unknown = [
        printable(unknown_page(graph, page_id, where))
        for where, page_id in (("SOURCE", args.source), ("TARGET", args.target))
        if page_id not in graph
    ]
    if unknown:
        raise UsageError("\n".join(unknown))
    paths = relation_paths(graph, args.source, args.target)
    if args.format == "json":
        out = {
            "source": args.source,
            "target": args.target,
            "paths": [_path_json(graph, path) for path in paths],
        }
        print(json.dumps(out, indent=2))
        return 0 if paths else 1
    source, target = (printable(graph.page(i).title) for i in (args.source, args.target))
    if paths == [()]:
        print(f"{source} and {target} are one page.")
        return 0
    if not paths:
        print(f"No path: {source} and {target} are not linked, not even through other pages.")
        return 1
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
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _verify(args: argparse.Namespace) -> int:
    from heuristica.graph.checks.command import run_verify  # only verify needs the runner

    return run_verify(_load(args.path), args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m graph", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="report every problem in a knowledge base")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.set_defaults(run=_check)

    export = commands.add_parser("export", help="write the graph as GraphML or node-link JSON")
    export.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    export.add_argument("--format", choices=["graphml", "json"], required=True)
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(run=_export)

    new = commands.add_parser("new", help="write a skeleton page with every section")
    new.add_argument("type", choices=[t.value for t in PageType])
    new.add_argument("title")
    new.add_argument("--dir", type=Path, default=DEFAULT_ROOT, help="knowledge base folder")
    new.set_defaults(run=_new)

    search = commands.add_parser("search", help="find pages by words, a question or an error")
    search.add_argument("query", help="what to look for (quote it in the shell)")
    search.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    search.add_argument(
        "--type",
        choices=[t.value for t in PageType],
        action="append",
        help="only pages of this type (repeat for several)",
    )
    search.add_argument("--limit", type=_positive, default=10, help="at most this many (10)")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.set_defaults(run=_search)

    path = commands.add_parser("path", help="how two pages are related: the shortest paths")
    path.add_argument("source", help="a page id, e.g. heuristic/polars-use-spawn-not-fork")
    path.add_argument("target", help="another page id")
    path.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    path.add_argument("--format", choices=["text", "json"], default="text")
    path.set_defaults(run=_path)

    verify = commands.add_parser(
        "verify", help="run the checks on pages: which claims hold on this interpreter"
    )
    verify.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    verify.add_argument("--page", action="append", metavar="ID", help="only this page (repeat)")
    verify.add_argument("--python", metavar="INTERPRETER", help="run the checks under it")
    verify.add_argument("--record", action="store_true", help=f"save results in PATH/{RECORD_FILE}")
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.add_argument("--jobs", type=int, metavar="N", help="checks at once (default: cores)")
    verify.set_defaults(run=_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"python -m graph {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"python -m graph {args.command}: error: {exc}", file=sys.stderr)
        return 2
