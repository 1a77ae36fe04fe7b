"""What changed: two revisions of the knowledge base compared, drawn on the
graph and listed, each change linking to its page on either side.

The two revisions live in the URL (``?base=REV&head=REV``), so a comparison
can be shared; each picker offers the working tree, the recent tags and the
recent commits that touched the knowledge, and takes any branch, tag, commit
or date (YYYY-MM-DD) typed into it. ``?page=ID`` (a page's history links with
it) keeps only what changed for that page, until "Show every change".
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from heuristica.history.about import about
from heuristica.history.formats import summary_line
from heuristica.history.git import WORKING_TREE, GitError, NotARepository, repository
from heuristica.draw.diff import diff_graph_html
from heuristica.kb.markdown import escape_markdown, quoted
from heuristica.ui.changes import change_lines, diff_of, offered_revisions, revision_label
from heuristica.ui.knowledge_base import knowledge_root
from heuristica.ui.shell import inside_app

inside_app()

root = knowledge_root()
st.title("What changed")
st.caption(
    "Two revisions of the knowledge base compared: pages, links, tours, checks, "
    "the verification record and problems. The same in a terminal: "
    "`heuristica diff BASE HEAD`."
)
try:
    repo = repository(root)
    offered = offered_revisions(repo)
    default_base = repo.default_base() if len(offered) > 1 else WORKING_TREE
except NotARepository:
    st.info(
        "What changed compares revisions of the knowledge base in git, and its folder is "
        "not in a git repository. Every other screen works as before.",
        icon=":material/info:",
    )
    st.stop()
except GitError as error:
    st.error(f"Cannot read the repository: {escape_markdown(str(error))}")
    st.stop()


def picker(label: str, parameter: str, default: str) -> str:
    """A revision picker that shows and writes ``?parameter=``."""
    chosen = st.query_params.get(parameter, default)
    if chosen not in offered:
        offered[chosen] = revision_label(repo, chosen)
    options = list(offered)
    picked = st.selectbox(
        label,
        options,
        index=options.index(chosen),
        format_func=lambda revision: offered.get(revision, revision),
        accept_new_options=True,
        key=f"changes_{parameter}_{chosen}",
        help="Pick one, or type a branch, tag, commit or date (YYYY-MM-DD).",
    )
    if picked and picked != st.query_params.get(parameter):
        st.query_params[parameter] = picked
    return picked or default


left, right = st.columns(2)
with left:
    base = picker("From", "base", default_base)
with right:
    head = picker("To", "head", WORKING_TREE)

diff = diff_of(root, base, head)
if isinstance(diff, str):
    st.error(f"Cannot compare: {escape_markdown(diff)}", icon=":material/error:")
    st.stop()

def show_every_change() -> None:
    st.query_params.pop("page", None)


only = st.query_params.get("page")
if only:
    diff = about(diff, only)
    st.info(f"Only what changed for {quoted(only)}.", icon=":material/filter_alt:")
    st.button("Show every change", on_click=show_every_change)
st.markdown(f"**{escape_markdown(summary_line(diff))}**")
st.caption(f"From {escape_markdown(diff.base.label)} to {escape_markdown(diff.head.label)}.")
if diff.touched_pages() or diff.links_added or diff.links_removed:
    components.html(diff_graph_html(diff), height=640)
for title, lines in change_lines(diff):
    with st.expander(title, expanded=len(lines) <= 20):
        st.markdown("\n".join(lines))
