"""A team's first steps on the command line: ``init`` (a new knowledge base
from the template), ``new`` (a page, written into the knowledge base the
command runs in, found walking up like git) and ``docs`` (the documentation
that ships with heuristica, which messages point to)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from heuristica.commands.init import KNOWLEDGE_FOLDER, InitError, init
from heuristica.commands.skeleton import skeleton
from heuristica.commands.usage import UsageError
from heuristica.kb.relations import PageType
from heuristica.kb.where import DOCS, command, find_knowledge, folder_argument

__all__ = ["add_docs", "add_init", "add_new"]

Subcommands = Any
"""What ``add_subparsers`` returns (argparse names no public type for it)."""


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
    if not root.is_dir():
        raise UsageError(f"{root}: {'not a folder' if root.exists() else 'no such folder'}")
    path = root / page_type.value / f"{slug}.yaml"
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
        "them on every push (.github/workflows/knowledge.yml); verify-matrix.yml proves "
        "them on every cell of the matrix, by hand and weekly; knowledge-review.yml "
        "comments on each pull request what it does to them."
    )
    if not written.install.known:
        print(
            f"Note: the workflows run 'pip install {written.install.spec}', but this "
            "heuristica came from a local file, folder or checkout, which CI cannot reach. "
            "Point those lines at a wheel your CI can download or at "
            "'heuristica @ git+https://...@TAG' (in a new folder, init --install SPEC "
            "writes it for you)."
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
    new.set_defaults(run=_new)


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
    init_command.set_defaults(run=_init)


def add_docs(commands: Subcommands) -> None:
    docs = commands.add_parser(
        "docs",
        help="list or print the documentation that ships with heuristica",
        description="Without NAME, list the documents; with one (e.g. page-format), print it.",
    )
    docs.add_argument("name", nargs="?", metavar="NAME", help="a document, e.g. page-format")
    docs.set_defaults(run=_docs)
