"""Browse: every page as a list to filter by words, type and domain.

The way in that needs no graph: plain links a keyboard or a screen reader can
follow, each a real URL of the page in the explorer (``?node=<id>``): a plain
click opens it here, a middle click in a new tab, and it can be copied.
"""

import streamlit as st

from heuristica.kb.markdown import escape_markdown
from heuristica.kb.relations import PageType
from heuristica.ui.downloads import knowledge_base_downloads
from heuristica.ui.knowledge_base import current
from heuristica.ui.page_links import LinkGroup, PageLink, page_links
from heuristica.ui.search import browse_pages
from heuristica.ui.shell import inside_app

inside_app()

PAGE_SIZE = 100

kb = current()
kg = kb.graph

st.title("Browse")
st.caption("Every page in the knowledge base. Choose a title to open it in the explorer.")
knowledge_base_downloads(kg, *st.columns([1, 1, 2])[:2])

words, types, domains = st.columns([2, 2, 2])
query = words.text_input(
    "Filter by words",
    key="browse_query",
    placeholder="Words, a question or an error; Enter to apply",
)
chosen_types = types.multiselect(
    "Types",
    list(PageType),
    format_func=lambda page_type: page_type.label,
    key="browse_types",
    placeholder="All types",
)
chosen_domains = domains.multiselect(
    "Domains",
    sorted({domain for page in kg.pages for domain in page.domains}, key=str.lower),
    key="browse_domains",
    placeholder="All domains",
)

listed = browse_pages(kg, query, chosen_types, chosen_domains)
pages = listed.pages
shown = st.session_state.setdefault("browse_shown", PAGE_SIZE)
if pages:
    st.caption(
        f"{len(pages)} of {len(kg)} pages"
        + (", best match first" if query.strip() else "")
        + ("" if listed.every_word else "; no page has every word, these have some")
        + (f". {escape_markdown(listed.note)}" if listed.note else "")
    )
else:
    st.info(
        "No page matches these filters."
        + (f" {escape_markdown(listed.note)}" if listed.note else ""),
        icon=":material/search_off:",
    )

page_links(
    [
        LinkGroup(
            None,
            [
                PageLink(page, detail=f"{page.page_type.label} · {', '.join(page.domains)}")
                for page in pages[:shown]
            ],
        )
    ],
    key="browse_links",
    label="Pages",
)

if len(pages) > shown:
    st.button(
        f"Show {min(PAGE_SIZE, len(pages) - shown)} more of {len(pages) - shown}",
        on_click=lambda: st.session_state.update(browse_shown=shown + PAGE_SIZE),
        icon=":material/expand_more:",
    )
