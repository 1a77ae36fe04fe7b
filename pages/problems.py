"""Every problem the loader found, with file and line."""

import streamlit as st

from ui.knowledge_base import current

kb = current()
st.title("Problems")
if not kb.result.problems:
    st.success(f"No problems in `{kb.root}`.")
for problem in kb.result.problems:
    where = f"{problem.file}:{problem.line}:{problem.col}" if problem.line else problem.file
    (st.error if problem.is_error else st.warning)(f"`{where}` {problem.message}")
