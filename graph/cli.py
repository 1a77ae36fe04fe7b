"""heuristica: keep, check, prove, search and serve a team's knowledge base.

Start one with "heuristica init", add pages with "heuristica new", check and
verify them, search them, find how two are related, serve the explorer, or
serve them to coding agents over MCP. Every command takes the knowledge folder
as its argument (default: ./knowledge). In a checkout, "python -m graph" is the
same command. "heuristica docs" lists the documentation that ships with it.

Exit codes: 0 sound (warnings allowed, unless check --strict) or found; 1 the
knowledge base has errors, a check fails, or nothing was found; 2 bad usage
(for example a folder that does not exist, an unknown type or page id).
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
from heuristica.graph.export import to_graphml, to_node_link_json
from heuristica.graph.extras import MissingExtra, require
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import LoadResult, load_knowledge
from heuristica.graph.paths import RelationPath, relation_paths, step_text, unknown_page
from heuristica.graph.relations import PageType
from heuristica.graph.reports import FORMATS, Report, Summary
from heuristica.graph.search import SearchHit, Span, search
from heuristica.graph.search.text import printable
from heuristica.graph.skeleton import skeleton
from heuristica.graph.where import DOCS, command, find_knowledge, folder_argument

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
    root = args.dir if args.dir is not None else find_knowledge(Path.cwd())
    if root is None:
        raise UsageError(
            "no knowledge base here or in any folder above (a folder with principle/, "
            "heuristic/... or one named knowledge/): start one with "
            f"'{command('init')}', or name the folder with --dir"
        )
    path = _folder(root) / page_type.value / f"{slug}.yaml"
    if path.exists():
        raise UsageError(f"{path} already exists; not overwriting it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(skeleton(page_type, f"{page_type.value}/{slug}", args.title), "utf-8")
    shown = folder_argument(path)
    print(
        f"wrote {shown}: fill in every section, then run: {command('check', folder_argument(root))}"
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    from heuristica.graph.init import KNOWLEDGE_FOLDER, InitError, init

    try:
        written = init(args.dir, args.install)
    except InitError as error:
        raise UsageError(str(error)) from None
    knowledge = folder_argument(written.folder / KNOWLEDGE_FOLDER)
    print(f"wrote {len(written.files)} files into {folder_argument(written.folder) or '.'}:")
    for path in written.files:
        print(f"  {folder_argument(path)}")
    steps = [
        command("check", knowledge, "--strict"),
        command("verify", knowledge),
        command("serve", knowledge),
        command("new", "heuristic", "Your first rule of thumb", "--dir", knowledge),
    ]
    print("Next:", *(f"  {step}" for step in steps), sep="\n")
    print(
        "Replace the sample pages with your own, commit, and CI checks and verifies "
        "them on every push (.github/workflows/knowledge.yml)."
    )
    if not written.install.known:
        print(
            f"Note: the workflow runs 'pip install {written.install.spec}', but this "
            "heuristica came from a local file, folder or checkout, which CI cannot reach. "
            "Point that line at a wheel your CI can download or at "
            "'heuristica @ git+https://...@TAG', or run init again with --install SPEC."
        )
    return 0


def _docs(args: argparse.Namespace) -> int:
    names = sorted(path.stem for path in DOCS.glob("*.md"))
    if args.name is None:
        print(
            "The documentation that ships with heuristica (print one with "
            f"'{command('docs', 'NAME')}'):"
        )
        print(*(f"  {name}" for name in names), sep="\n")
        return 0
    name = args.name.removesuffix(".md")
    if name not in names:
        raise UsageError(f"no document {args.name!r}; there are: {', '.join(names)}")
    sys.stdout.write((DOCS / f"{name}.md").read_text("utf-8"))
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
    require("streamlit", "app", "serve")
    from heuristica.graph.serve import exec_streamlit

    options, folder = _streamlit_options(args.streamlit_options)
    if folder is not None and args.knowledge is not None:
        raise UsageError(f"two folders: {folder} and --knowledge {args.knowledge}; give one")
    exec_streamlit(_knowledge(folder or args.knowledge), args.port, options)


def _streamlit_options(tokens: Sequence[str]) -> tuple[list[str], Path | None]:
    """The Streamlit options among ``tokens`` (each ``--name=value``, or ``--name``
    followed by its value) and the knowledge folder, the one other argument."""
    awaiting_value, folder, options = False, None, []
    for token in tokens:
        if token.startswith("-"):
            awaiting_value = "=" not in token
        elif awaiting_value:
            awaiting_value = False
        elif folder is None:
            folder = Path(token)
            continue
        else:
            raise UsageError(
                f"unexpected argument {token!r}: give one folder; Streamlit options start with --"
            )
        options.append(token)
    return options, folder


def _mcp(args: argparse.Namespace) -> int:
    require("mcp", "mcp", "mcp")
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


def _knowledge_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=DEFAULT_ROOT,
        metavar="FOLDER",
        help="the knowledge folder (default: ./knowledge)",
    )


def _parser(prog: str) -> argparse.ArgumentParser:
    about, _, exit_codes = __doc__.partition("\n\nExit codes")
    parser = argparse.ArgumentParser(
        prog=prog,
        description=about,
        epilog=f"Exit codes{exit_codes}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser(
        "check",
        help="report every problem in a knowledge base",
        description="Report every problem in a knowledge base.",
    )
    _knowledge_argument(check)
    check.add_argument(
        "--format",
        choices=list(FORMATS),
        default="text",
        help="text for people; json; github (workflow annotations), sarif (code scanning) "
        "or junit (test reports) for CI",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    check.set_defaults(run=_check)

    export = commands.add_parser(
        "export",
        help="write the graph as GraphML or node-link JSON",
        description="Write the graph as GraphML or node-link JSON.",
    )
    _knowledge_argument(export)
    export.add_argument("--format", choices=["graphml", "json"], required=True)
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(run=_export)

    new = commands.add_parser(
        "new",
        help="write a skeleton page with every section",
        description="Write a page with every section of its type into the knowledge base "
        "this is run in (found walking up from here, like git: a folder with principle/, "
        "heuristic/... or one named knowledge/), or into --dir.",
    )
    new.add_argument("type", choices=[t.value for t in PageType], help="the page's type")
    new.add_argument("title", help="its title, which also makes its id (quote it in the shell)")
    new.add_argument("--dir", type=Path, help="the knowledge folder (default: found from here)")
    new.set_defaults(run=_new)

    init = commands.add_parser(
        "init",
        help="start a knowledge base: sample pages, a tour, CI and a pre-commit hook",
        description="Write a new team's knowledge base into DIR (default: here): "
        "knowledge/ with one sample page of each type, a tour, a verification matrix "
        "and repositories.toml, a GitHub Actions workflow that checks and verifies it, "
        "a .pre-commit-config.yaml and a README. Refuses to overwrite any file.",
    )
    init.add_argument(
        "dir", nargs="?", type=Path, default=Path("."), help="where to write (default: here)"
    )
    init.add_argument(
        "--install",
        metavar="SPEC",
        help="what the workflow pip-installs to get heuristica (default: where this one "
        "came from when that is an https URL, else heuristica==VERSION)",
    )
    init.set_defaults(run=_init)

    docs = commands.add_parser(
        "docs",
        help="list or print the documentation that ships with heuristica",
        description="Without NAME, list the documents; with one (e.g. page-format), print it.",
    )
    docs.add_argument("name", nargs="?", metavar="NAME", help="a document, e.g. page-format")
    docs.set_defaults(run=_docs)

    search = commands.add_parser(
        "search",
        help="find pages by words, a question or an error",
        description="Find pages by words, a question or an error.",
    )
    search.add_argument("query", help="what to look for (quote it in the shell)")
    _knowledge_argument(search)
    search.add_argument(
        "--type",
        choices=[t.value for t in PageType],
        action="append",
        help="only pages of this type (repeat for several)",
    )
    search.add_argument("--limit", type=_positive, default=10, help="at most this many (10)")
    search.add_argument("--format", choices=["text", "json"], default="text")
    search.set_defaults(run=_search)

    path = commands.add_parser(
        "path",
        help="how two pages are related: the shortest paths",
        description="How two pages are related: the shortest paths.",
    )
    path.add_argument("source", help="a page id, e.g. heuristic/polars-use-spawn-not-fork")
    path.add_argument("target", help="another page id")
    _knowledge_argument(path)
    path.add_argument("--format", choices=["text", "json"], default="text")
    path.set_defaults(run=_path)

    verify = commands.add_parser(
        "verify",
        help="run the checks on pages: which claims hold on this interpreter",
        description="Run the checks on pages: which claims hold on this interpreter, or "
        "on every cell of the verification matrix.",
    )
    _knowledge_argument(verify)
    verify.add_argument("--page", action="append", metavar="ID", help="only this page (repeat)")
    verify.add_argument("--python", metavar="INTERPRETER", help="run the checks under it")
    verify.add_argument(
        "--record", action="store_true", help=f"save results in FOLDER/{RECORD_FILE}"
    )
    verify.add_argument("--format", choices=["text", "json"], default="text")
    verify.add_argument(
        "--jobs", type=int, metavar="N", help="checks (with the matrix: cells) at once (cores)"
    )
    verify.add_argument(
        "--matrix",
        nargs="?",
        const="",
        metavar="FILE",
        help=f"run every cell of the matrix (default FILE: FOLDER/{MATRIX_FILE})",
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
        help=f"merge these records (one per cell, e.g. from CI jobs) into FOLDER/{RECORD_FILE}",
    )
    verify.set_defaults(run=_verify)

    serve = commands.add_parser(
        "serve",
        allow_abbrev=False,
        help="start the explorer on a knowledge folder",
        usage=f"{prog} serve [FOLDER] [--port PORT] [STREAMLIT OPTIONS]",
        description="Start the explorer (Streamlit; needs heuristica[app]) on the "
        "knowledge folder FOLDER (default: $HEURISTICA_KNOWLEDGE, else ./knowledge, else "
        "the example knowledge base that ships with heuristica). Options this command "
        "does not know, such as --server.address 0.0.0.0, go to Streamlit.",
    )
    serve.add_argument("--knowledge", type=Path, help=argparse.SUPPRESS)
    serve.add_argument("--port", type=_port, help="the port to listen on (default 8501)")
    serve.set_defaults(run=_serve, takes_extra=True)

    mcp = commands.add_parser(
        "mcp",
        help="serve the knowledge base to agents over MCP (stdio)",
        description="Serve a knowledge folder to coding agents over the Model Context "
        "Protocol on stdin/stdout, read-only. Without a folder: $HEURISTICA_KNOWLEDGE, "
        "else ./knowledge, else the example knowledge base that ships with heuristica.",
    )
    mcp.add_argument("path", nargs="?", type=Path, metavar="FOLDER", help="the knowledge folder")
    mcp.set_defaults(run=_mcp)
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
    except (UsageError, MissingExtra, OSError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
