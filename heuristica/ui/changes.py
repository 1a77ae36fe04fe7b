"""What the What changed screen needs: the revisions to offer, the diff of
two (cached), and each change as a line of Markdown that links to the page at
either side. Page text is escaped: a title is never Markdown or HTML."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from heuristica.commands.diff_report import diff_sides
from heuristica.history.compare import Diff, Side
from heuristica.history.formats import sections
from heuristica.history.git import WORKING_TREE, GitError, Repository, repository
from heuristica.kb.files import scan_folder
from heuristica.kb.markdown import escape_markdown, quoted
from heuristica.live.fingerprint import folder_fingerprint

__all__ = [
    "RECENT",
    "change_lines",
    "diff_of",
    "offered_revisions",
    "page_url",
    "revision_label",
]

RECENT = 15
"""Commits that touched the knowledge offered in the pickers (tags besides)."""
_SIGNS = {"+": ":green[**+**]", "-": ":red[**−**]", "~": ":violet[**~**]", "!": ":red[**!**]"}
"""Each item's sign in its colour (as in the HTML diff); written plainly, "+" and
"-" after a list marker would start a nested list."""
_CODE_CHARS = 200


def offered_revisions(repo: Repository) -> dict[str, str]:
    """Revision -> how it is offered: the working tree, the recent tags, the
    recent commits that touched the knowledge folder."""
    offered = {WORKING_TREE: "The working tree (now, uncommitted changes too)"}
    for name, _ in repo.tags():
        offered[name] = f"Tag {name}"
    for commit in repo.log(limit=RECENT):
        offered[commit.sha] = f"{commit.short} · {commit.date.date()} · {commit.subject[:60]}"
    return offered


def revision_label(repo: Repository, revision: str) -> str:
    """How a revision typed or linked to (not one offered) is shown: the commit
    it names with its subject, or the text itself when git does not know it."""
    try:
        commit = repo.resolve(revision)
    except GitError:
        return revision
    described = repo.describe(commit)
    return described if commit.startswith(revision) else f"{revision} · {described}"


@st.cache_resource(max_entries=4, show_spinner="Comparing the two revisions…")
def _diff(root: Path, base: str, head: str, _freshness: str) -> Diff | str:
    """``_freshness`` (the working tree's fingerprint when it is a side) makes an
    edit since the last comparison compare again."""
    try:
        return diff_sides(repository(root), base, head, root, named_from_here=False)
    except GitError as error:
        return str(error)


def diff_of(root: Path, base: str, head: str) -> Diff | str:
    """The diff of two revisions of the knowledge folder ``root``, or why not."""
    fresh = folder_fingerprint(root, scan_folder(root)) if WORKING_TREE in (base, head) else ""
    return _diff(root, base, head, fresh)


def page_url(side: Side, page_id: str) -> str:
    """The explorer on ``page_id`` as it is at ``side``."""
    params = {"node": page_id} | ({"at": side.commit} if side.commit else {})
    return f"./?{urlencode(params)}"


def _links(diff: Diff, page_id: str) -> str:
    """ "before · after" links to the page, for the sides that have it."""
    found = [
        f"[{word}]({page_url(side, page_id)})"
        for word, side in (("before", diff.base), ("after", diff.head))
        if page_id in side.pages
    ]
    return " · ".join(found)


def change_lines(diff: Diff) -> list[tuple[str, list[str]]]:
    """(section title with its count, Markdown lines) for each kind of change."""
    out = []
    for section in sections(diff):
        lines = []
        for item in section.items:
            page_id = item.code.split(" ")[0]
            text = f" {escape_markdown(item.text)}" if item.text else ""
            links = _links(diff, page_id)
            lines.append(
                f"- {_SIGNS[item.sign]} {quoted(item.code, _CODE_CHARS)}{text}"
                + (f" — {links}" if links else "")
            )
        out.append((f"{section.title} ({len(section.items)})", lines))
    return out
