"""The page panel: one knowledge page, every section of its type in order,
then the pages it is linked with, each a link that opens it in the explorer
(a real URL: see ``ui.page_links``). Code wraps rather than scrolling sideways.

``render_page`` draws into the current Streamlit container. Page content is
untrusted: Markdown fields are rewritten by ``kb.markdown.safe_markdown``
(one CommonMark parse: web links only, no images loaded, bounded math,
bidirectional controls shown) before ``st.markdown`` sees them, short strings
are escaped, code goes to ``st.code`` and table cells to ``st.table``; no page
text is ever passed as HTML.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Sequence
from urllib.parse import quote

import streamlit as st
from pydantic import BaseModel

from heuristica import demos
from heuristica.draw.render import TYPE_BORDERS
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import escape_markdown, safe_markdown, visible_bidi
from heuristica.kb.model import (
    SECTIONS,
    CodeReference,
    CommonError,
    Dependency,
    Insight,
    IOContract,
    Page,
    SystemRequirement,
    UsageExample,
)
from heuristica.kb.page_markdown import reference_facts
from heuristica.kb.relations import PageType
from heuristica.kb.text import plain_title, title_markdown
from heuristica.ui.history import page_history
from heuristica.ui.knowledge_base import current, knowledge_root
from heuristica.ui.page_links import EXPLORE_PAGE, LinkGroup, PageLink, page_links
from heuristica.ui.verification import checks_section, verification_badge, where_it_holds

__all__ = [
    "EXPLORE_PAGE",
    "TYPE_ICONS",
    "explore_link",
    "related",
    "render_page",
    "source_url",
    "type_badge_html",
]

DEMO_PAGE = "pages/demo.py"

TYPE_ICONS: dict[PageType, str] = {
    PageType.PRINCIPLE: ":material/lightbulb:",
    PageType.IMPLEMENTATION: ":material/code:",
    PageType.HEURISTIC: ":material/tips_and_updates:",
    PageType.ENVIRONMENT: ":material/dns:",
}


def render_page(page: Page, kg: KnowledgeGraph) -> None:
    """Draw ``page`` into the current container: every section of its type,
    then all related pages grouped by relation, both directions."""
    _type_badge(page.page_type)
    st.subheader(title_markdown(page.title), anchor=False)
    _metadata(page)
    verification_badge(page)
    for field, heading in SECTIONS[page.page_type]:
        _section_heading(heading)
        _SECTION_RENDERERS.get(field, _markdown)(getattr(page, field))
    where_it_holds(page)
    checks_section(page)
    _related_pages(page, kg)
    _history(page)


def _history(page: Page) -> None:
    page_history(page, knowledge_root(), current().result.files.get(page.id, ""))


def related(kg: KnowledgeGraph, page_id: str) -> Iterator[tuple[str, Page]]:
    """(relation label, page) for every page linked with ``page_id``: its own
    links first (e.g. "Implemented by"), then its backlinks (e.g. "Used by")."""
    for groups in (kg.links(page_id), kg.backlinks(page_id)):
        for label, pages in groups.items():
            for other in pages:
                yield label, other


def explore_link(page: Page, *, label: str | None = None) -> None:
    """A link that opens ``page`` in the explorer: in place on a plain click,
    in a new tab as any link does. ``label`` replaces the page title."""
    page_links(
        [LinkGroup(None, [PageLink(page, text=label)])],
        key=f"explore_link_{page.id}_{label or ''}",
        label=label or plain_title(page.title),
    )


def _section_heading(heading: str) -> None:
    # One level below the title (a level-3 heading), so the hierarchy holds
    # in a narrow side column.
    st.markdown(f"#### {heading}")


def _markdown(text: str) -> None:
    """Page text as Markdown (raw HTML shows as text; only web links are links)."""
    st.markdown(safe_markdown(text))


def type_badge_html(page_type: PageType) -> str:
    """The type badge: the only HTML the panel sends. Its colours and label
    come from code, never from a page: the type's outline in the graph behind
    white text (4.5:1 or more; the fills are as light as 1.9:1)."""
    return (
        f'<span style="background:{TYPE_BORDERS[page_type]};color:#fff;'
        "padding:0.1rem 0.55rem;border-radius:0.75rem;font-size:0.8rem;"
        f'font-weight:600">{page_type.label}</span>'
    )


def _type_badge(page_type: PageType) -> None:
    st.markdown(type_badge_html(page_type), unsafe_allow_html=True)


def _domains(domains: Sequence[str]) -> None:
    st.markdown(" ".join(f":gray-badge[{escape_markdown(d)}]" for d in domains))


def _metadata(page: Page) -> None:
    with st.container(border=True):
        _domains(page.domains)
        st.markdown(
            "**Knowledge sources**\n\n"
            + "\n".join(
                f"- [{escape_markdown(s.title)}](<{s.url}>) · *{s.kind.value.replace('_', ' ')}*"
                for s in page.sources
            )
        )
        st.caption(f"Last updated {page.last_updated.isoformat()}")
        if page.demo in demos.REGISTRY:
            st.page_link(
                DEMO_PAGE,
                label=f"Run the live demo: {escape_markdown(demos.REGISTRY[page.demo].title)}",
                icon=":material/science:",
                query_params={"demo": page.demo},
            )


def _heading(field: str) -> str:
    """A field name as a column heading: ``trade_off`` -> "Trade off"."""
    return field.replace("_", " ").capitalize()


def _table(rows: Sequence[BaseModel], columns: Sequence[str]) -> None:
    """Rows as a table with these fields as columns (Markdown in cells)."""
    st.table(
        [
            {_heading(column): safe_markdown(getattr(row, column) or "") for column in columns}
            for row in rows
        ]
    )


def source_url(ref: CodeReference) -> str | None:
    """A link to the file (and lines) on GitHub, or None for another host."""
    if not ref.repository.startswith("https://github.com/"):
        return None
    lines = re.fullmatch(r"(\d+)(?:\s*[-–]\s*(\d+))?", ref.lines or "")
    anchor = ""
    if lines:
        anchor = f"#L{lines[1]}" + (f"-L{lines[2]}" if lines[2] else "")
    revision = quote(ref.revision or "HEAD", safe="")
    return f"{ref.repository.rstrip('/')}/blob/{revision}/{quote(ref.file.lstrip('/'))}{anchor}"


def _code_reference(ref: CodeReference) -> None:
    st.markdown(f"**Repository** [{escape_markdown(ref.repository)}](<{ref.repository}>)")
    lines = f", lines {escape_markdown(ref.lines)}" if ref.lines else ""
    file = escape_markdown(ref.file)
    url = source_url(ref)
    st.markdown(f"**File** [{file}](<{url}>){lines}" if url else f"**File** {file}{lines}")
    for label, value in reference_facts(ref):
        st.markdown(f"**{label}** {escape_markdown(value)}")
    for label, code in (("Signature", ref.signature), ("Import", ref.import_)):
        if code is not None:
            st.markdown(f"**{label}**")
            st.code(visible_bidi(code), language=ref.language, wrap_lines=True)


def _io_contract(contract: IOContract) -> None:
    for heading, rows in (("Inputs", contract.inputs), ("Outputs", contract.outputs)):
        st.markdown(f"**{heading}**")
        _table(rows, ("name", "type", "description"))


def _usage_examples(examples: Sequence[UsageExample]) -> None:
    for example in examples:
        st.markdown(f"**{escape_markdown(example.title)}**")
        st.code(visible_bidi(example.code), language=example.language, wrap_lines=True)
        if example.explanation:
            _markdown(example.explanation)


def _insight(insight: Insight) -> None:
    for heading, text in (
        ("Action", insight.action),
        ("Value", insight.value),
        ("Trade-off", insight.trade_off),
        ("Compatibility", insight.compatibility),
    ):
        if text:
            st.markdown(f"**{heading}**")
            _markdown(text)


def _bash(text: str) -> None:
    st.code(visible_bidi(text), language="bash", wrap_lines=True)


def _rows(columns: Collection[str]) -> Callable[[Sequence[BaseModel]], None]:
    return lambda rows: _table(rows, tuple(columns))


_SECTION_RENDERERS: dict[str, Callable[..., None]] = {
    "code_reference": _code_reference,
    "io_contract": _io_contract,
    "usage_examples": _usage_examples,
    "insight": _insight,
    "system_requirements": _rows(SystemRequirement.model_fields),
    "dependencies": _rows(Dependency.model_fields),
    "common_errors": _rows(CommonError.model_fields),
    "quick_install": lambda text: _bash(text),
}
"""How each structured section is drawn; any other field is Markdown."""


def _related_pages(page: Page, kg: KnowledgeGraph) -> None:
    _section_heading("Related pages")
    groups = [*kg.links(page.id).items(), *kg.backlinks(page.id).items()]
    if not groups:
        st.caption("No page links here, and this page links nowhere.")
        return
    page_links(
        [LinkGroup(label, [PageLink(other) for other in pages]) for label, pages in groups],
        key=f"related_pages_{page.id}",
        label="Related pages",
    )
