"""``heuristica init``, ``new`` and ``docs`` run (``commands.start`` is their
arguments): a knowledge base from the template, a skeleton page, the
documentation that ships with heuristica."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from heuristica.commands.init import KNOWLEDGE_FOLDER, InitError, init
from heuristica.commands.skeleton import skeleton
from heuristica.commands.usage import UsageError
from heuristica.kb.relations import PageType
from heuristica.kb.where import DOCS, command, find_knowledge, folder_argument

__all__ = ["docs", "init_here", "new"]


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def new(args: argparse.Namespace) -> int:
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


def init_here(args: argparse.Namespace) -> int:
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


def docs(args: argparse.Namespace) -> int:
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
