"""heuristica: keep, check, prove, search and serve a team's knowledge base.

Start one with "heuristica init", add pages with "heuristica new", check and
verify them, search them, find how two are related, show what a change does
to them ("heuristica diff"), serve the explorer, or serve them to coding agents
over MCP. Every command takes the knowledge folder as its argument (default:
./knowledge). In a checkout, "python -m graph" is the same command.
"heuristica docs" lists the documentation that ships with it.

Exit codes: 0 sound (warnings allowed, unless check --strict) or found; 1 the
knowledge base has errors, a check fails, or nothing was found; 2 bad usage
(for example a folder that does not exist, an unknown type or page id); 141
what it printed was not all read (the reader left, as "| head" does).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from heuristica import (
    EXAMPLE_KNOWLEDGE,
    KNOWLEDGE_ENV,
    MATRIX_FILE,
    RECORD_FILE,
    __version__,
)
from heuristica.commands.diff import add_diff_command
from heuristica.commands.lazy import Handler
from heuristica.commands.reports import FORMATS
from heuristica.commands.start import add_docs, add_init, add_new
from heuristica.commands.usage import UsageError, folder
from heuristica.extras import MissingExtra, require
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.relations import PageType

__all__ = ["main"]

DEFAULT_ROOT = Path("knowledge")
_QUERIES = "heuristica.commands.queries"
Subcommands = Any
"""What ``add_subparsers`` returns (argparse names no public type for it)."""


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
        return folder(given).resolve()
    if configured:
        chosen, why = folder(Path(configured).expanduser()), f"from ${KNOWLEDGE_ENV}"
    elif DEFAULT_ROOT.is_dir():
        chosen, why = DEFAULT_ROOT, "found in the working folder"
    else:
        chosen, why = EXAMPLE_KNOWLEDGE, "the example that ships with heuristica"
    print(f"knowledge base: {chosen.resolve()} ({why})", file=sys.stderr)
    return chosen.resolve()


def _serve(args: argparse.Namespace) -> int:
    require("streamlit", "app", "serve")
    from heuristica.commands.serve import exec_streamlit

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
    # The MCP SDK builds some thousands of pydantic models as it is imported
    # (0.6 s or more): without the collector walking them meanwhile, a tenth
    # of that less; and none of them walked again by later collections.
    with paused_gc(set_aside_after=True):
        from heuristica.commands.mcp import serve_stdio

    serve_stdio(_knowledge(args.path))
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return int(text)


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
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.set_defaults(prog=prog)
    commands = parser.add_subparsers(dest="command", required=True)

    _add_check(commands)
    _add_export(commands)
    add_new(commands)
    add_init(commands)
    add_docs(commands)
    _add_search(commands)
    _add_path(commands)
    _add_verify(commands)
    _add_serve(commands)
    _add_mcp(commands)
    add_diff_command(commands, DEFAULT_ROOT)
    return parser


def _add_check(commands: Subcommands) -> None:
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
    check.set_defaults(run=Handler("heuristica.commands.check", "run"))


def _add_export(commands: Subcommands) -> None:
    export = commands.add_parser(
        "export",
        help="write the graph as GraphML or node-link JSON",
        description="Write the graph as GraphML or node-link JSON.",
    )
    _knowledge_argument(export)
    export.add_argument("--format", choices=["graphml", "json"], required=True)
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(run=Handler(_QUERIES, "export"))


def _add_search(commands: Subcommands) -> None:
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
    search.set_defaults(run=Handler("heuristica.commands.find", "run"))


def _add_path(commands: Subcommands) -> None:
    path = commands.add_parser(
        "path",
        help="how two pages are related: the shortest paths",
        description="How two pages are related: the shortest paths.",
    )
    path.add_argument("source", help="a page id, e.g. heuristic/polars-use-spawn-not-fork")
    path.add_argument("target", help="another page id")
    _knowledge_argument(path)
    path.add_argument("--format", choices=["text", "json"], default="text")
    path.set_defaults(run=Handler(_QUERIES, "path"))


def _add_verify(commands: Subcommands) -> None:
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
    verify.set_defaults(run=Handler(_QUERIES, "verify"))


def _add_serve(commands: Subcommands) -> None:
    serve = commands.add_parser(
        "serve",
        allow_abbrev=False,
        help="start the explorer on a knowledge folder",
        usage="%(prog)s [FOLDER] [--port PORT] [STREAMLIT OPTIONS]",
        description="Start the explorer (Streamlit; needs heuristica[app]) on the "
        "knowledge folder FOLDER (default: $HEURISTICA_KNOWLEDGE, else ./knowledge, else "
        "the example knowledge base that ships with heuristica). Options this command "
        "does not know, such as --server.address 0.0.0.0, go to Streamlit.",
    )
    serve.add_argument("--knowledge", type=Path, help=argparse.SUPPRESS)
    serve.add_argument("--port", type=_port, help="the port to listen on (default 8501)")
    serve.set_defaults(run=_serve, takes_extra=True)


def _add_mcp(commands: Subcommands) -> None:
    mcp = commands.add_parser(
        "mcp",
        help="serve the knowledge base to agents over MCP (stdio)",
        description="Serve a knowledge folder to coding agents over the Model Context "
        "Protocol on stdin/stdout, read-only. Without a folder: $HEURISTICA_KNOWLEDGE, "
        "else ./knowledge, else the example knowledge base that ships with heuristica.",
    )
    mcp.add_argument("path", nargs="?", type=Path, metavar="FOLDER", help="the knowledge folder")
    mcp.set_defaults(run=_mcp)


STDOUT_CLOSED = 141
"""The exit code when the reader of what a command prints leaves before the
end ("| head"): a shell's for a command ended by SIGPIPE, 128 + 13."""


def main(argv: Sequence[str] | None = None, prog: str = "heuristica") -> int:
    """Run one command; returns the exit code (the ``heuristica`` entry point).

    A reader that leaves early ("heuristica search fork | head -3") ends the
    command quietly, as it ends ``cat`` or ``grep``: no error, no traceback,
    exit code ``STDOUT_CLOSED``."""
    try:
        try:
            return _run(argv, prog)
        finally:
            sys.stdout.flush()  # here, not at exit, where a closed pipe cannot be caught
    except BrokenPipeError:
        # What is still buffered goes nowhere, so that the interpreter's own
        # flush at exit finds nothing to complain about.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return STDOUT_CLOSED


def _run(argv: Sequence[str] | None, prog: str) -> int:
    parser = _parser(prog)
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_extra", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.streamlit_options = extra
    try:
        return args.run(args)
    except BrokenPipeError:
        raise
    except (UsageError, MissingExtra, OSError) as exc:
        print(f"{prog} {args.command}: error: {exc}", file=sys.stderr)
        return 2
