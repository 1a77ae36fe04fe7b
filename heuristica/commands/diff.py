"""``heuristica diff [BASE [HEAD]] [PATH]``: what a change does to the knowledge.

BASE defaults to where HEAD branched from the default branch (the merge-base),
HEAD to the working tree (uncommitted changes included), PATH to knowledge.
Exit 0 whether or not anything changed; 1 with --fail-on-problems when the
change introduces problems; 2 for bad usage: an unknown revision, a folder
that is not in a git repository.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from heuristica.draw.diff import diff_html
from heuristica.history.compare import Diff, compare
from heuristica.history.formats import to_json, to_markdown, to_text
from heuristica.history.git import WORKING_TREE, GitError, Repository, repository
from heuristica.history.snapshot import Loads, both_sides
from heuristica.kb.problems import Severity

__all__ = ["add_diff_command", "diff_sides", "run_diff"]

FORMATS: dict[str, Callable[..., str]] = {
    "text": to_text,
    "json": to_json,
    "markdown": to_markdown,
    "html": diff_html,
}


def add_diff_command(commands: Any, default_root: Path) -> None:
    """The ``diff`` subcommand, on the CLI's subparsers."""
    diff = commands.add_parser(
        "diff",
        help="what a change does to the knowledge: pages, links, tours, checks, problems",
        usage="%(prog)s [BASE [HEAD]] [PATH] [options]",
        description=__doc__.split("\n\n")[1].replace("\n", " "),
    )
    diff.add_argument(
        "args",
        nargs="*",
        metavar="BASE HEAD PATH",
        help="revisions (a branch, tag, commit, HEAD~2 or a date YYYY-MM-DD; "
        f"'{WORKING_TREE}' for the files on disk) and the knowledge folder "
        f"(default: {default_root})",
    )
    diff.add_argument("--format", choices=list(FORMATS), default="text")
    diff.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    diff.add_argument(
        "--fail-on-problems",
        nargs="?",
        const="error",
        choices=["error", "warning"],
        help="exit 1 when the change introduces an error (with 'warning': any problem)",
    )
    diff.add_argument(
        "--whole-diff-at",
        metavar="TEXT",
        default="",
        help="Markdown: where the whole diff is, said when the comment had to be shortened",
    )
    diff.set_defaults(run=run_diff, default_root=default_root)


def _split(given: list[str], default_root: Path) -> tuple[str | None, str, Path]:
    """(BASE or None for the default, HEAD, PATH) from the positional arguments."""
    if len(given) > 3:
        raise GitError(f"too many arguments ({len(given)}): at most BASE HEAD PATH")
    rest = list(given)
    path = default_root
    if rest and (len(rest) == 3 or Path(rest[-1]).is_dir()):
        path = Path(rest.pop())
    base = rest[0] if rest else None
    head = rest[1] if len(rest) > 1 else WORKING_TREE
    return base, head, path


def diff_sides(
    repo: Repository, base: str, head: str, folder: Path, *, named_from_here: bool = True
) -> Diff:
    """The diff of the knowledge folder between two revisions (``WORKING_TREE``:
    the files on disk), its files named from where the command runs (else
    relative to the folder). GitError for a revision that is not known."""
    from heuristica.demos import available

    loads = Loads(repo, available())
    sides = both_sides(repo, base, head, folder, loads)
    loads.done()

    def here(file: str) -> str:
        return os.path.normpath(os.path.join(folder, file)) if named_from_here else file

    return compare(*(side.side(here) for side in sides))


def _introduces(diff: Diff, level: str | None) -> bool:
    if level is None:
        return False
    return any(level == "warning" or p.severity is Severity.ERROR for p in diff.problems_introduced)


def run_diff(args: argparse.Namespace) -> int:
    try:
        base, head, folder = _split(args.args, args.default_root)
        repo = repository(folder)
        diff = diff_sides(repo, base if base is not None else repo.default_base(), head, folder)
    except GitError as error:
        print(f"{args.prog} diff: error: {error}", file=sys.stderr)
        return 2
    if args.format == "markdown":
        out = to_markdown(diff, where=args.whole_diff_at)
    else:
        out = FORMATS[args.format](diff)
    if args.output is not None:
        args.output.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 1 if _introduces(diff, args.fail_on_problems) else 0
