"""The Streamlit script every browser session runs (``app.py`` serves it):
page navigation, the sidebar every page shares (search, the knowledge
base's size and its problems), and above every page the banner of the
revision shown (``?at=``).
"""

from pathlib import Path

import streamlit as st

from heuristica.kb.markdown import quoted
from heuristica.ui.app_style import app_style
from heuristica.ui.history import history_banner
from heuristica.ui.knowledge_base import ENV_VAR, current, knowledge_root
from heuristica.ui.search import search_box

# A file favicon goes inline as a data URL (a :material/...: one is fetched
# from the internet; an emoji makes Streamlit load its emoji table, 0.1 s).
FAVICON = Path(__file__).resolve().parent / "ui" / "favicon.svg"
st.set_page_config(page_title="Heuristica", page_icon=FAVICON, layout="wide")

kb = current()
problems = kb.result.problems
errors = len(kb.result.errors)

# The URL parameters each screen reads (by its url_path). One screen's left in
# the address of another is dropped: st.switch_page writes a link's ?node=
# into the screen it leaves, so Back to Browse would show "/browse?node=...".
OWN_PARAMS = {
    "": {"node"},
    "related": {"from", "to"},
    "demo": {"demo", "scenario"},
    "tour": {"tour", "step", "follow"},
    "changes": {"base", "head", "page"},
}

navigation = st.navigation(
    [
        st.Page("pages/explore.py", title="Explore", icon=":material/hub:", default=True),
        st.Page("pages/browse.py", title="Browse", icon=":material/list:", url_path="browse"),
        st.Page(
            "pages/related.py", title="How related?", icon=":material/route:", url_path="related"
        ),
        st.Page("pages/demo.py", title="Live demo", icon=":material/science:", url_path="demo"),
        st.Page("pages/tour.py", title="Tours", icon=":material/tour:", url_path="tour"),
        st.Page(
            "pages/changes.py",
            title="What changed",
            icon=":material/difference:",
            url_path="changes",
        ),
        st.Page(
            "pages/problems.py",
            title=f"Problems ({len(problems)})" if problems else "Problems",
            icon=":material/error:" if errors else ":material/check_circle:",
            url_path="problems",
        ),
    ]
)

with st.sidebar:
    search_box(kb.graph, lights_page=navigation.url_path == "")
    if not kb.root.is_dir():
        st.error(
            f"The knowledge base folder ({quoted(kb.root.name)}) does not exist. "
            f"Set {ENV_VAR} to a folder."
        )
    stats = kb.graph.stats()
    st.caption(
        f"**{len(kb.graph)} pages** · {kb.graph.link_count} links  \n"
        + " · ".join(f"{n} {t.label.lower()}" for t, n in stats.items())
    )
    if problems:
        warnings = len(problems) - errors
        st.warning(
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
            "in the knowledge base: see **Problems**.",
            icon=":material/warning:",
        )
    app_style()

for name in set(st.query_params) & set().union(*OWN_PARAMS.values()):
    if name not in OWN_PARAMS.get(navigation.url_path, set()):
        del st.query_params[name]

history_banner(knowledge_root())
navigation.run()
