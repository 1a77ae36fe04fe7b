"""Problems: everything wrong with the knowledge base, where it is, and how bad.

Messages quote file names, ids and values from the pages, so they are shown
as plain table cells (bidirectional controls made visible), never as Markdown
or HTML. Files are named relative to the knowledge folder; the command that
lists them in a terminal names the folder as the server has it.
"""

import streamlit as st

from heuristica.kb.markdown import visible_bidi
from heuristica.kb.problems import Problem, Severity
from heuristica.kb.where import command
from heuristica.ui.knowledge_base import current
from heuristica.ui.shell import inside_app

inside_app()

# Streamlit's table wraps long text only in rows taller than 4rem (64 px).
WRAPPING_ROW_HEIGHT = 72

kb = current()
problems = kb.result.problems


def file_in_knowledge_base(problem: Problem) -> str:
    """The problem's file, relative to the knowledge base folder, as text."""
    return visible_bidi(problem.file)


def where(problem: Problem) -> str:
    """``file:line:col``, or the file alone when the place in it is unknown."""
    file = file_in_knowledge_base(problem)
    return f"{file}:{problem.line}:{problem.col}" if problem.line else file


st.title("Problems")
st.caption("What is wrong in the knowledge base, file by file. The same list in a terminal:")
st.code(command("check", kb.root), language="bash")

if not problems:
    st.success("No problems: every page loaded and every link is valid.", icon=":material/check:")
    st.stop()

errors, warnings = st.columns(2)
errors.metric("Errors", len(kb.result.errors))
warnings.metric("Warnings", len(kb.result.warnings))

severity_filter, file_filter = st.columns([1, 3])
severities = severity_filter.multiselect(
    "Severity",
    list(Severity),
    format_func=lambda severity: severity.value.capitalize(),
    key="problems_severity",
    placeholder="All severities",
)
files = file_filter.multiselect(
    "Files",
    sorted({file_in_knowledge_base(problem) for problem in problems}),
    key="problems_files",
    placeholder="All files",
)

shown = [
    problem
    for problem in sorted(problems)
    if (not severities or problem.severity in severities)
    and (not files or file_in_knowledge_base(problem) in files)
]
st.caption(f"{len(shown)} of {len(problems)} problems")
st.dataframe(
    [
        {
            "Where": where(problem),
            "Severity": problem.severity.value,
            "Problem": problem.code,
            "Message": visible_bidi(problem.message),
        }
        for problem in shown
    ],
    hide_index=True,
    width="stretch",
    row_height=WRAPPING_ROW_HEIGHT,
    column_config={
        "Where": st.column_config.TextColumn(width="medium"),
        "Severity": st.column_config.TextColumn(width="small"),
        "Problem": st.column_config.TextColumn(width="small"),
        "Message": st.column_config.TextColumn(width="large"),
    },
)
