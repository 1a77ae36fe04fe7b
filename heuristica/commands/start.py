"""The arguments of a team's first steps on the command line ``init`` (a new knowledge base
from the template), ``new`` (a page, written into the knowledge base the
command runs in, found walking up like git) and ``docs`` (the documentation
that ships with heuristica, which messages point to); ``first_steps`` runs them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heuristica.commands.lazy import Handler
from heuristica.kb.relations import PageType

__all__ = ["add_docs", "add_init", "add_new"]

Subcommands = Any
"""What ``add_subparsers`` returns (argparse names no public type for it)."""
_RUN = "heuristica.commands.first_steps"
"""Where the three commands run (imported only when one does)."""


def add_new(commands: Subcommands) -> None:
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
    new.set_defaults(run=Handler(_RUN, "new"))


def add_init(commands: Subcommands) -> None:
    init_command = commands.add_parser(
        "init",
        help="start a knowledge base: sample pages, a tour, CI and a pre-commit hook",
        description="Write a new team's knowledge base into DIR (default: here): "
        "knowledge/ with one sample page of each type, a tour, a verification matrix "
        "and repositories.toml, GitHub Actions workflows that check and verify it (also "
        "on every cell of the matrix) and "
        "comment on each pull request what it does to it, "
        "a .pre-commit-config.yaml and a README. Refuses to overwrite any file.",
    )
    init_command.add_argument(
        "dir", nargs="?", type=Path, default=Path("."), help="where to write (default: here)"
    )
    init_command.add_argument(
        "--install",
        metavar="SPEC",
        help="what the workflows pip-install to get heuristica (default: where this one "
        "came from when that is an https URL, else heuristica==VERSION)",
    )
    init_command.set_defaults(run=Handler(_RUN, "init_here"))


def add_docs(commands: Subcommands) -> None:
    docs = commands.add_parser(
        "docs",
        help="list or print the documentation that ships with heuristica",
        description="Without NAME, list the documents; with one (e.g. page-format), print it.",
    )
    docs.add_argument("name", nargs="?", metavar="NAME", help="a document, e.g. page-format")
    docs.set_defaults(run=Handler(_RUN, "docs"))
