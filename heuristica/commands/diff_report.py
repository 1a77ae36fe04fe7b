"""``heuristica diff`` run: both sides loaded, compared and written in the
format asked for (``commands.diff`` is the command's arguments; this module,
with the loader and the drawing behind it, is imported only when it runs)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from heuristica.commands.diff import split_arguments
from heuristica.history.compare import Diff, compare
from heuristica.history.formats import to_json, to_markdown, to_text
from heuristica.history.git import GitError, Repository, repository
from heuristica.history.snapshot import Loads, both_sides
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.problems import Severity

__all__ = ["WRITERS", "diff_sides", "run_diff"]


def _html(diff: Diff) -> str:
    """The HTML drawing of ``diff``; the drawing's code (and networkx behind
    it) is imported only for this format."""
    from heuristica.draw.diff import diff_html

    return diff_html(diff)


WRITERS: dict[str, Callable[..., str]] = {
    "text": to_text,
    "json": to_json,
    "markdown": to_markdown,
    "html": _html,
}


def diff_sides(
    repo: Repository,
    base: str,
    head: str,
    folder: Path,
    *,
    named_from_here: bool = True,
    spread: bool = False,
) -> Diff:
    """The diff of the knowledge folder between two revisions (``WORKING_TREE``:
    the files on disk), its files named from where the command runs (else
    relative to the folder). ``spread``: files parsed in two processes where
    that is safe (the command; never a server, whose threads a fork would
    not copy). GitError for a revision that is not known."""
    from heuristica.demos import available

    # Two knowledge bases built in bulk, with no reference cycles among them:
    # the cyclic collector would walk them again and again, and once more
    # when it resumes unless what is alive then is set aside (kb.gcpause).
    with paused_gc(set_aside_after=True):

        def here(file: str) -> str:
            return os.path.normpath(os.path.join(folder, file)) if named_from_here else file

        loads = Loads(repo, available(), spread=spread)
        sides = both_sides(repo, base, head, folder, loads)
        loads.done()
        return compare(*(side.side(here) for side in sides))


def _introduces(diff: Diff, level: str | None) -> bool:
    if level is None:
        return False
    return any(level == "warning" or p.severity is Severity.ERROR for p in diff.problems_introduced)


def run_diff(args: argparse.Namespace) -> int:
    try:
        base, head, folder = split_arguments(args.args, args.default_root)
        repo = repository(folder)
        base = base if base is not None else repo.default_base()
        diff = diff_sides(repo, base, head, folder, spread=True)
    except GitError as error:
        print(f"{args.prog} diff: error: {error}", file=sys.stderr)
        return 2
    if args.format == "markdown":
        out = to_markdown(diff, where=args.whole_diff_at)
    else:
        out = WRITERS[args.format](diff)
    if args.output is not None:
        args.output.write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 1 if _introduces(diff, args.fail_on_problems) else 0
