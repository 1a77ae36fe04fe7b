"""The knowledge base's history in the app: the explorer as the knowledge was at
a revision (``?at=REV``), and each page's commits in its panel.

``?at=`` names a branch, tag, commit or date (``YYYY-MM-DD``). The revision's
files are written once into the user cache (``heuristica.history.snapshot``) and that
folder is loaded like the knowledge folder, so every page of the app shows it;
a banner says so and links back to now. The revision belongs to the browser
session: a link inside the app that drops ``?at=`` gets it back, and only
"Back to now" (or a new visit without it) leaves it. A revision git does not
know, or a knowledge folder outside any git repository, is said in the
banner's place and the app shows the knowledge as it is now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from heuristica.history.git import Commit, GitError, NotARepository, repository
from heuristica.history.snapshot import revision_folder
from heuristica.kb.markdown import escape_markdown, quoted
from heuristica.kb.model import Page

__all__ = [
    "AT_PARAM",
    "CHANGES_PAGE",
    "Revision",
    "history_banner",
    "page_history",
    "revision_shown",
]

AT_PARAM = "at"
CHANGES_PAGE = "pages/changes.py"
_KEPT = "history_at"
"""Session state: the revision this browser session is looking at."""
_RESOLVE_SECONDS = 60
"""How long a revision's name (a branch moves) is taken to name the same commit."""
HISTORY_COMMITS = 20
_SUBJECT_CHARS = 48


@dataclass(frozen=True)
class Revision:
    """The revision the app shows instead of now."""

    name: str
    """As the reader wrote it."""
    commit: str
    label: str
    folder: Path


@st.cache_data(ttl=_RESOLVE_SECONDS, show_spinner="Reading the knowledge base at that revision…")
def _resolve(root: Path, name: str) -> Revision | str:
    """The revision, its files written out; or what is wrong, in words."""
    try:
        repo = repository(root)
        commit = repo.resolve(name)
        return Revision(name, commit, repo.describe(commit), revision_folder(repo, commit))
    except NotARepository:
        return "the knowledge folder is not in a git repository, so it has no history"
    except GitError as error:
        return str(error)


def _requested() -> str | None:
    """The revision asked for: ``?at=``, else the one this session is on."""
    asked = st.query_params.get(AT_PARAM)
    if asked is not None:
        st.session_state[_KEPT] = asked
        return asked
    kept = st.session_state.get(_KEPT)
    if kept:
        st.query_params[AT_PARAM] = kept  # a link inside the app dropped it
    return kept or None


def revision_shown(root: Path) -> Revision | str | None:
    """The revision this session shows (None: now), or why it cannot be shown."""
    name = _requested()
    return None if name is None else _resolve(root, name)


def _back_to_now() -> None:
    st.session_state.pop(_KEPT, None)
    st.query_params.pop(AT_PARAM, None)


def history_banner(root: Path) -> None:
    """Above every page: which revision is shown, read-only, with a way back to
    now; or why the revision asked for cannot be shown."""
    shown = revision_shown(root)
    if shown is None:
        return
    if isinstance(shown, str):
        st.error(
            f"Cannot show the knowledge base at {quoted(st.session_state.get(_KEPT, ''))}: "
            f"{escape_markdown(shown)}. Showing it as it is now.",
            icon=":material/history:",
        )
    else:
        st.info(
            f"**Read-only:** the knowledge base as it was at {escape_markdown(shown.label)}.",
            icon=":material/history:",
        )
    st.button("Back to now", key="history_back_to_now", on_click=_back_to_now)


@st.cache_data(ttl=_RESOLVE_SECONDS, show_spinner=False)
def _commits(root: Path, file: str, until: str | None) -> list[tuple[Commit, str]] | str:
    """The commits that changed ``file`` up to the commit ``until`` (None: up to
    now), each with what it is compared with."""
    try:
        repo = repository(root)
        found = repo.log([file], limit=HISTORY_COMMITS, follow=True, until=until)
        return [(commit, repo.before(commit)) for commit in found]
    except NotARepository:
        return "the knowledge folder is not in a git repository"
    except GitError as error:
        return str(error)


def _when(date: dt.datetime) -> str:
    return date.date().isoformat()


def _commit_link(commit: Commit, before: str, page_id: str) -> None:
    """One commit as GitHub lists them: its subject (shortened to the panel's
    width, the whole of it in the tooltip) opening What changed on what it did
    to the page, and below it the date, the author and the commit."""
    subject = commit.subject
    short = subject if len(subject) <= _SUBJECT_CHARS else subject[: _SUBJECT_CHARS - 1] + "…"
    st.page_link(
        CHANGES_PAGE,
        label=escape_markdown(short),
        icon=":material/difference:",
        help=escape_markdown(subject),
        query_params={"base": before, "head": commit.sha, "page": page_id},
    )
    st.caption(f"{_when(commit.date)} · {escape_markdown(commit.author)} · `{commit.short}`")


def page_history(page: Page, working_root: Path, file: str) -> None:
    """The commits that changed the page's file, newest first, each opening
    what it changed."""
    with st.expander("History", icon=":material/history:"):
        if not file:
            st.caption("This page's file is not known.")
            return
        shown = revision_shown(working_root)
        at = shown if isinstance(shown, Revision) else None
        found = _commits(working_root, file, at.commit if at is not None else None)
        if isinstance(found, str):
            st.caption(f"No history: {escape_markdown(found)}")
            return
        if not found:
            st.caption("No commit has this page yet: it is new in the working tree.")
            return
        if at is not None:
            st.caption(f"Up to {escape_markdown(at.label)}, the revision shown.")
        for commit, before in found:
            _commit_link(commit, before, page.id)
        if len(found) == HISTORY_COMMITS:
            st.caption(f"The newest {HISTORY_COMMITS} commits.")
