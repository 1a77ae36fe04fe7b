"""Every page as a list (the panel engineer replaces this with the full Browse page)."""

import streamlit as st

from ui.knowledge_base import current

kb = current()
st.title("Browse")
for page in sorted(kb.graph.pages, key=lambda p: p.title.lower()):
    st.page_link("pages/explore.py", label=page.title, query_params={"node": page.id})
