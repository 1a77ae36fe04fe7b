"""``heuristica diff [BASE [HEAD]] [PATH]``: what a change does to the knowledge.

BASE defaults to where HEAD branched from the default branch (the merge-base),
HEAD to the working tree (uncommitted changes included), PATH to knowledge.
Exit 0 whether or not anything changed; 1 with --fail-on-problems when the
change introduces problems; 2 for bad usage: an unknown revision, a folder
that is not in a git repository.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heuristica.commands.lazy import Handler
from heuristica.history.git import WORKING_TREE, GitError

__all__ = ["FORMATS", "add_diff_command", "split_arguments"]

FORMATS = ("text", "json", "markdown", "html")
"""What ``--format`` takes (``diff_report`` writes each)."""


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
    diff.add_argument("--format", choices=FORMATS, default="text")
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
    diff.set_defaults(
        run=Handler("heuristica.commands.diff_report", "run_diff"), default_root=default_root
    )


def split_arguments(given: list[str], default_root: Path) -> tuple[str | None, str, Path]:
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
