"""``python -m graph``: check, export, start and verify pages from the command line.

Exit codes: 0 sound (warnings allowed), 1 the knowledge base has errors,
2 bad usage (for example a path that does not exist).
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
from heuristica.graph.relations import PageType
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
