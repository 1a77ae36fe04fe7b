"""``heuristica search``: the pages for a query, for people (the matched words
in bold on a terminal) or as JSON. While the search index kept on disk is the
folder's as it is now, the index answers alone (``live.kept_search``: no
load, and the loader's checks are never imported); else the folder is loaded
as the app loads it and its index brought up to date. Page text is untrusted:
every line is made safe to print (``search.text.printable``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from heuristica.commands.progress import progress_bar
from heuristica.commands.usage import folder
from heuristica.kb.relations import PageType
from heuristica.live.kept_search import find_without_loading
from heuristica.search import Found, SearchHit, Span, words
from heuristica.search.text import printable

__all__ = ["print_hits", "run"]


def run(args: argparse.Namespace) -> int:
    types = [PageType(name) for name in args.type or ()]
    root = folder(args.path)
    found = find_without_loading(root, args.query, limit=args.limit, types=types)
    if found is None:
        found = _loaded_find(root, args.query, args.limit, types)
    hits = found.hits
    # With JSON on stdout, what a person should know goes to stderr.
    notes = sys.stderr if args.format == "json" else sys.stdout
    said = " ".join(
        ([f"No page matches {printable(args.query)!r}."] if not hits else [])
        + ([printable(found.note)] if found.note else [])
    )
    if said:
        print(said, file=notes)
    if args.format == "json":
        print(json.dumps([hit.to_dict() for hit in hits], indent=2))
    elif hits:
        print_hits(hits)
    return 0 if hits else 1


def _loaded_find(root: Path, query: str, limit: int, types: list[PageType]) -> Found:
    """The search of the folder loaded (the index made or brought up to date)."""
    from heuristica.commands.loaded import knowledge_base  # the loader: only when needed

    kb = knowledge_base(root)
    if words(query):
        with progress_bar("Indexing the pages for search") as bar:
            kb.index(progress=bar)
    return kb.find(query, limit=limit, types=types)


def _marked(text: str, marks: Sequence[Span]) -> str:
    """``text`` safe for a terminal, its marked words in bold when printing to one."""
    if not sys.stdout.isatty():
        return printable(text)
    pieces, at = [], 0
    for start, end in marks:
        pieces += [printable(text[at:start]), "\x1b[1m", printable(text[start:end]), "\x1b[0m"]
        at = end
    return "".join([*pieces, printable(text[at:])])


def print_hits(hits: Sequence[SearchHit]) -> None:
    for rank, hit in enumerate(hits, 1):
        page = hit.page
        print(
            f"{rank}. {_marked(page.title, hit.title_marks)}  ({page.id}, {page.page_type.value})"
        )
        if hit.snippet and hit.snippet.text:
            print(f"   {hit.snippet.section}: {_marked(hit.snippet.text, hit.snippet.marks)}")
