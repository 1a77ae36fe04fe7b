"""``heuristica`` (``python -m graph`` in a checkout): check, export, start and
verify pages, search them and find how two are related, serve the explorer,
serve the knowledge base to agents over MCP, and show what a change does to it.

Exit codes: 0 sound (warnings allowed, unless ``check --strict``) or found, 1
the knowledge base has errors or nothing was found, 2 bad usage (for example a
path that does not exist, an unknown type or page id).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from heuristica import EXAMPLE_KNOWLEDGE, KNOWLEDGE_ENV
from heuristica.graph.checks.matrix_file import MATRIX_FILE
from heuristica.graph.checks.record import RECORD_FILE, with_verification_problems
from heuristica.graph.diff.command import add_diff_command
from heuristica.graph.export import to_graphml, to_node_link_json
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import LoadResult, load_knowledge
from heuristica.graph.paths import RelationPath, relation_paths, step_text, unknown_page
from heuristica.graph.relations import PageType
from heuristica.graph.reports import FORMATS, Report, Summary
from heuristica.graph.search import SearchHit, Span, search
from heuristica.graph.search.text import printable
from heuristica.graph.skeleton import skeleton

__all__ = ["main"]

DEFAULT_ROOT = Path("knowledge")


class UsageError(Exception):
    """Bad usage: reported on stderr, exit code 2."""


def _known_demos() -> list[str]:
    from heuristica.demos import REGISTRY

    return list(REGISTRY)


def _folder(path: Path) -> Path:
    """``path`` if it is a folder, else a usage error that says what it is."""
    if not path.is_dir():
        raise UsageError(f"{path}: {'not a folder' if path.exists() else 'no such folder'}")
    return path


def _load(path: Path) -> LoadResult:
    return load_knowledge(_folder(path), demos=_known_demos())


def _from_here(result: LoadResult, folder: Path) -> LoadResult:
    """``result`` with its files named from where the command runs (the loader
    names them relative to the knowledge folder), so an editor or CI can open them."""

    def shown(file: str) -> str:
        return os.path.normpath(os.path.join(folder, file))

    problems = [dataclasses.replace(p, file=shown(p.file)) for p in result.problems]
    return dataclasses.replace(
        result, problems=problems, sources=[shown(file) for file in result.sources]
    )


def _check(args: argparse.Namespace) -> int:
    result = _from_here(with_verification_problems(_load(args.path)), args.path)
    report = Report(result, Summary.of(result), strict=args.strict)
    sys.stdout.write(FORMATS[args.format](report))
    return report.exit_code


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
    print(f"wrote {path}: fill in every section, then run '{args.prog} check'")
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
    hits = search(graph, args.query, limit=args.limit, types=types)
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


def _knowledge(given: Path | None) -> Path:
    """The folder to serve: the one given, else $HEURISTICA_KNOWLEDGE, else
    ./knowledge, else the example knowledge base that ships with heuristica.
    Says on stderr which one and why, since it may not be the one expected."""
    configured = os.environ.get(KNOWLEDGE_ENV, "").strip()
    if given is not None:
        return _folder(given).resolve()
    if configured:
        chosen, why = _folder(Path(configured).expanduser()), f"from ${KNOWLEDGE_ENV}"
    elif DEFAULT_ROOT.is_dir():
        chosen, why = DEFAULT_ROOT, "found in the working folder"
    else:
        chosen, why = EXAMPLE_KNOWLEDGE, "the example that ships with heuristica"
    print(f"knowledge base: {chosen.resolve()} ({why})", file=sys.stderr)
    return chosen.resolve()


def _serve(args: argparse.Namespace) -> int:
    from heuristica.graph.serve import exec_streamlit

    _check_streamlit_options(args.streamlit_options)
    exec_streamlit(_knowledge(args.knowledge), args.port, args.streamlit_options)


def _check_streamlit_options(options: Sequence[str]) -> None:
    """Each option is ``--name=value``, or ``--name`` followed by its value."""
    awaiting_value = False
    for token in options:
        if token.startswith("-"):
            awaiting_value = "=" not in token
        elif awaiting_value:
            awaiting_value = False
        elif Path(token).is_dir():
            raise UsageError(f"unexpected argument {token!r}: name the folder with --knowledge")
        else:
            raise UsageError(f"unexpected argument {token!r}: Streamlit options start with --")


def _mcp(args: argparse.Namespace) -> int:
    from heuristica.graph.mcp import serve_stdio

    serve_stdio(_knowledge(args.path))
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


def _verify(args: argparse.Namespace) -> int:
    from heuristica.graph.checks.command import run_verify  # only verify needs the runner

    return run_verify(_load(args.path), args)


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    parser.set_defaults(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="report every problem in a knowledge base")
    check.add_argument("path", nargs="?", type=Path, default=DEFAULT_ROOT)
    check.add_argument(
        "--format",
        choices=list(FORMATS),
        default="text",
        help="text for people; json; github (workflow annotations), sarif (code scanning) "
        "or junit (test reports) for CI",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
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
    verify.add_argument(
        "--jobs", type=int, metavar="N", help="checks (with the matrix: cells) at once (cores)"
    )
    verify.add_argument(
        "--matrix",
        nargs="?",
        const="",
        metavar="FILE",
        help=f"run every cell of the matrix (default FILE: PATH/{MATRIX_FILE})",
    )
    verify.add_argument("--cell", action="append", metavar="NAME", help="only this cell (repeat)")
    verify.add_argument(
        "--print-github-matrix",
        action="store_true",
        help="print the matrix as a GitHub Actions strategy.matrix (one job per cell)",
    )
    verify.add_argument(
        "--merge",
        nargs="+",
        metavar="RECORD",
        help=f"merge these records (one per cell, e.g. from CI jobs) into PATH/{RECORD_FILE}",
    )
    verify.set_defaults(run=_verify)

    serve = commands.add_parser(
        "serve",
        allow_abbrev=False,
        help="start the explorer on a knowledge folder",
        description="Start the explorer (Streamlit) on a knowledge folder. Options this "
        "command does not know, such as --server.address 0.0.0.0, go to Streamlit.",
    )
    serve.add_argument(
        "--knowledge",
        type=Path,
        help="the knowledge folder (default: $HEURISTICA_KNOWLEDGE, else ./knowledge, "
        "else the example knowledge base that ships with heuristica)",
    )
    serve.add_argument("--port", type=_port, help="the port to listen on (default 8501)")
    serve.set_defaults(run=_serve, takes_extra=True)

    mcp = commands.add_parser(
        "mcp",
        help="serve the knowledge base to agents over MCP (stdio)",
        description="Serve a knowledge folder to coding agents over the Model Context "
        "Protocol on stdin/stdout, read-only. Without a folder: $HEURISTICA_KNOWLEDGE, "
        "else ./knowledge, else the example knowledge base that ships with heuristica.",
    )
    mcp.add_argument("path", nargs="?", type=Path, help="the knowledge folder")
    mcp.set_defaults(run=_mcp)

    add_diff_command(commands, DEFAULT_ROOT)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "heuristica") -> int:
    """Run one command; returns the exit code (the ``heuristica`` entry point)."""
    parser = _parser(prog)
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_options = extra
    try:
        return args.run(args)
    except (UsageError, OSError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
