"""The page panel, drawn by Streamlit's AppTest: every section of each type in
order, tables with rows, code blocks, related pages both ways as explorer
links (real URLs), the demo link, and hostile content kept inert."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.checks.record import RECORD_FILE, has_checks, page_verification, read_record
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.markdown import escape_markdown, safe_markdown
from heuristica.kb.model import (
    SECTIONS,
    CodeReference,
    Environment,
    Heuristic,
    Implementation,
    Page,
    Principle,
)
from heuristica.kb.relations import PageType
from heuristica.kb.text import plain_title
from heuristica.ui.knowledge_base import DEFAULT_ROOT, ENV_VAR
from heuristica.ui.panel import source_url, type_badge_html
from tests.explorer_links import explorer_links
from tests.kb import page as page_data
from tests.kb import write
from tests.markup import SCRIPT_LINKS, is_web, markdown_targets

MALICIOUS = Path(__file__).parent / "fixtures" / "malicious_kb"

HOST = """
import streamlit as st

from heuristica.ui.knowledge_base import current
from heuristica.ui.panel import render_page


def panel() -> None:
    kb = current()
    page = kb.graph.page(st.query_params["id"])
    render_page(page, kb.graph)


st.navigation(
    [
        st.Page(panel, title="Panel", default=True),
        st.Page("pages/explore.py"),
        st.Page("pages/demo.py"),
        st.Page("pages/changes.py"),
    ],
    position="hidden",
).run()
"""
"""A host app for the panel alone. Links are checked against the pages an app
declares, so it declares explore and demo pages (empty: never run here)."""


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("panel_host")
    (folder / "pages").mkdir()
    for name in ("explore.py", "demo.py", "changes.py"):
        (folder / "pages" / name).write_text("", encoding="utf-8")
    script = folder / "host.py"
    script.write_text(HOST, encoding="utf-8")
    return script


def knowledge(root: Path) -> KnowledgeGraph:
    result = load_knowledge(root)
    assert result.errors == []
    return KnowledgeGraph(result.pages)


@pytest.fixture(scope="module")
def shipped() -> KnowledgeGraph:
    return knowledge(DEFAULT_ROOT)


@pytest.fixture(scope="module")
def hostile() -> KnowledgeGraph:
    return knowledge(MALICIOUS)


Draw = Callable[..., AppTest]


@pytest.fixture
def draw(host: Path, monkeypatch: pytest.MonkeyPatch) -> Draw:
    def run(root: Path, page_id: str) -> AppTest:
        monkeypatch.setenv(ENV_VAR, str(root))
        app = AppTest.from_file(str(host), default_timeout=30)
        app.query_params["id"] = page_id
        app.run()
        assert not app.exception, app.exception
        return app

    return run


def best_connected(kg: KnowledgeGraph, page_type: PageType) -> Page:
    """The page of this type with links in the most directions, then the most links
    (an environment page can only be linked to)."""
    return max(
        (p for p in kg.pages if p.page_type is page_type),
        key=lambda p: (bool(kg.links(p.id)) + bool(kg.backlinks(p.id)), kg.degree(p.id), p.id),
    )


def page_links(app: AppTest) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(label, target page url path, query) of every page link drawn."""
    return [
        (link.proto.label, link.proto.page, parse_qs(link.proto.query_string))
        for link in app.get("page_link")
    ]


def section_headings(app: AppTest) -> list[str]:
    return [m.value.removeprefix("#### ") for m in app.markdown if m.value.startswith("#### ")]


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def markdown_bodies(app: AppTest) -> Iterator[str]:
    """Every piece of Markdown the app sends, table cells included (not the type
    badge, the one piece of HTML, which comes from code)."""
    for element in (*app.markdown, *app.caption, *app.subheader):
        if not getattr(element, "allow_html", False):
            yield element.value
    for label, _, _ in page_links(app):
        yield label
    for table in app.table:
        yield from (str(cell) for cell in table.value.to_numpy().ravel())


@pytest.mark.parametrize("page_type", list(PageType))
def test_full_panel_draws_every_section_of_the_type_in_order(
    draw: Draw, shipped: KnowledgeGraph, page_type: PageType
) -> None:
    page = best_connected(shipped, page_type)
    app = draw(DEFAULT_ROOT, page.id)
    assert [unescape(s.value) for s in app.subheader] == [page.title]
    state = page_verification(page, read_record(DEFAULT_ROOT / RECORD_FILE))
    matrix = ["Where it holds"] if state and state.grid and len(state.grid.columns) > 1 else []
    checks = [*matrix, "Checks"] if has_checks(page) else []
    assert section_headings(app) == [
        *(heading for _, heading in SECTIONS[page_type]),
        *checks,
        "Related pages",
    ]


@pytest.mark.parametrize("page_type", list(PageType))
def test_full_panel_links_related_pages_both_ways_into_the_explorer(
    draw: Draw, shipped: KnowledgeGraph, page_type: PageType
) -> None:
    page = best_connected(shipped, page_type)
    app = draw(DEFAULT_ROOT, page.id)
    links = explorer_links(app)
    outgoing = {p.id for pages in shipped.links(page.id).values() for p in pages}
    incoming = {p.id for pages in shipped.backlinks(page.id).values() for p in pages}
    assert incoming
    assert outgoing or page_type is PageType.ENVIRONMENT
    assert {link["id"] for _, link in links} == outgoing | incoming
    assert all(link["href"] == f"./?node={quote(link['id'], safe='')}" for _, link in links)
    assert {heading for heading, _ in links} == {
        *shipped.links(page.id),
        *shipped.backlinks(page.id),
    }
    assert all(link["title"] == plain_title(shipped.page(link["id"]).title) for _, link in links)


def test_implementation_shows_code_reference_io_tables_and_examples(
    draw: Draw, shipped: KnowledgeGraph
) -> None:
    page = best_connected(shipped, PageType.IMPLEMENTATION)
    assert isinstance(page, Implementation)
    app = draw(DEFAULT_ROOT, page.id)
    inputs, outputs = app.table[0].value, app.table[1].value
    assert list(inputs.columns) == ["Name", "Type", "Description"]
    assert len(inputs) == len(page.io_contract.inputs)
    assert len(outputs) == len(page.io_contract.outputs)
    codes = [c.value for c in app.code]
    ref = page.code_reference
    assert codes[:2] == [ref.signature, ref.import_]
    examples = [example.code for example in page.usage_examples]
    assert codes[2 : 2 + len(examples)] == examples
    assert any(ref.repository in m.value for m in app.markdown)
    url = source_url(ref)
    if url:
        assert any(f"](<{url}>)" in m.value for m in app.markdown)


@pytest.mark.parametrize(
    ("repository", "file", "lines", "url"),
    [
        (
            "https://github.com/python/cpython",
            "Lib/multiprocessing/context.py",
            "120-180",
            "https://github.com/python/cpython/blob/HEAD/Lib/multiprocessing/context.py#L120-L180",
        ),
        ("https://github.com/o/r/", "/a b.py", "7", "https://github.com/o/r/blob/HEAD/a%20b.py#L7"),
        ("https://github.com/o/r", "x.py", "the top", "https://github.com/o/r/blob/HEAD/x.py"),
        ("https://github.com/o/r", "<x>.py", None, "https://github.com/o/r/blob/HEAD/%3Cx%3E.py"),
        ("https://gitlab.com/o/r", "x.py", "1-2", None),
    ],
)
def test_source_url_links_github_files_and_lines(
    repository: str, file: str, lines: str | None, url: str | None
) -> None:
    ref = CodeReference.model_validate(
        {
            "repository": repository,
            "file": file,
            "lines": lines,
            "signature": "def f()",
            "import": "import f",
        }
    )
    assert source_url(ref) == url


def test_environment_shows_its_three_tables_and_install_commands(
    draw: Draw, shipped: KnowledgeGraph
) -> None:
    page = best_connected(shipped, PageType.ENVIRONMENT)
    assert isinstance(page, Environment)
    app = draw(DEFAULT_ROOT, page.id)
    lengths = [len(table.value) for table in app.table]
    assert lengths == [
        len(page.system_requirements),
        len(page.dependencies),
        len(page.common_errors),
    ]
    assert list(app.table[2].value.columns) == ["Error", "Cause", "Fix"]
    quick_install = app.code[0]
    assert quick_install.value == page.quick_install
    assert quick_install.language == "bash"


def test_heuristic_shows_each_part_of_the_insight(draw: Draw, shipped: KnowledgeGraph) -> None:
    page = best_connected(shipped, PageType.HEURISTIC)
    assert isinstance(page, Heuristic)
    app = draw(DEFAULT_ROOT, page.id)
    bold = [m.value for m in app.markdown]
    for part in ("**Action**", "**Value**", "**Trade-off**"):
        assert part in bold
    assert safe_markdown(page.insight.trade_off) in bold


def test_principle_theoretical_basis_keeps_its_math(draw: Draw, shipped: KnowledgeGraph) -> None:
    page = next(
        p
        for p in sorted(shipped.pages, key=lambda p: p.id)
        if isinstance(p, Principle) and "$$" in p.theoretical_basis
    )
    app = draw(DEFAULT_ROOT, page.id)
    shown = safe_markdown(page.theoretical_basis)
    assert shown in [m.value for m in app.markdown]
    formulas = re.findall(r"\$\$(.+?)\$\$", page.theoretical_basis, re.DOTALL)
    assert formulas and all(f"$${formula.strip()}$$" in shown for formula in formulas)


def test_metadata_box_lists_sources_with_their_kind_and_the_date(
    draw: Draw, shipped: KnowledgeGraph
) -> None:
    page = best_connected(shipped, PageType.HEURISTIC)
    assert isinstance(page, Heuristic)
    app = draw(DEFAULT_ROOT, page.id)
    sources = next(m.value for m in app.markdown if m.value.startswith("**Knowledge sources**"))
    for source in page.sources:
        assert f"](<{source.url}>) · *{source.kind.value.replace('_', ' ')}*" in sources
    assert f"Last updated {page.last_updated.isoformat()}" in [c.value for c in app.caption]
    for domain in page.domains:
        assert escape_markdown(domain) in app.markdown[1].value


def test_a_page_with_a_demo_links_to_the_demo_page_with_it_selected(
    draw: Draw, shipped: KnowledgeGraph
) -> None:
    page = next(p for p in sorted(shipped.pages, key=lambda p: p.id) if p.demo)
    app = draw(DEFAULT_ROOT, page.id)
    demo_links = [(label, q) for label, target, q in page_links(app) if target == "demo"]
    assert len(demo_links) == 1
    label, query = demo_links[0]
    assert label.startswith("Run the live demo")
    assert query == {"demo": [page.demo]}


def test_a_page_without_a_demo_has_no_demo_link(draw: Draw, shipped: KnowledgeGraph) -> None:
    page = next(p for p in sorted(shipped.pages, key=lambda p: p.id) if not p.demo)
    app = draw(DEFAULT_ROOT, page.id)
    assert all(target != "demo" for _, target, _ in page_links(app))


@pytest.mark.parametrize("page_type", list(PageType))
def test_hostile_page_sends_no_html_and_no_script_link(
    draw: Draw, hostile: KnowledgeGraph, page_type: PageType
) -> None:
    page = next(p for p in hostile.pages if p.page_type is page_type)
    app = draw(MALICIOUS, page.id)
    assert [m.value for m in app.markdown if m.allow_html] == [type_badge_html(page_type)]
    for body in markdown_bodies(app):
        assert all(is_web(target) for target in markdown_targets(body)), body
    assert unescape(app.subheader[0].value) == " ".join(page.title.split())


def test_hostile_links_in_page_text_are_text(draw: Draw, hostile: KnowledgeGraph) -> None:
    app = draw(MALICIOUS, "principle/hostile-principle")
    description = next(m.value for m in app.markdown if "encoded" in m.value)
    assert markdown_targets(description) == []
    for label in ("click", "encoded", "spaced", "a reference"):
        assert label in unescape(description)


def test_no_script_link_pattern_is_live_in_the_panel(draw: Draw, tmp_path: Path) -> None:
    hostile = "\n\n".join(p.replace("{n}", str(n)) for n, p in enumerate(SCRIPT_LINKS))
    write(tmp_path, "h.yaml", page_data("heuristic/links", description=hostile, usage=hostile))
    app = draw(tmp_path, "heuristic/links")
    bodies = list(markdown_bodies(app))
    assert sum("click" in body for body in bodies) == 2
    for body in bodies:
        assert all(is_web(target) for target in markdown_targets(body)), body


def test_images_are_links_and_bidi_controls_show_in_the_panel(draw: Draw, tmp_path: Path) -> None:
    image = "![a diagram](https://elsewhere.example/d.png)"
    data = page_data("heuristic/images", title="Reversed\u202etxt.exe", description=image)
    data["insight"]["action"] = "$\\rule{3000px}{3000px}$"
    write(tmp_path, "h.yaml", data)
    app = draw(tmp_path, "heuristic/images")
    bodies = list(markdown_bodies(app))
    assert "[a diagram](<https://elsewhere.example/d.png>)" in bodies
    assert not any("![" in body for body in bodies)
    assert unescape(app.subheader[0].value) == "Reversed⟨U+202E⟩txt.exe"
    assert "`$\\rule{3000px}{3000px}$`" in bodies


def test_hostile_titles_in_related_links_show_as_typed(draw: Draw, hostile: KnowledgeGraph) -> None:
    app = draw(MALICIOUS, "principle/hostile-principle")
    labels = {link["title"] for _, link in explorer_links(app)}
    assert labels == {
        hostile.page("implementation/hostile-implementation").title,
        hostile.page("heuristic/hostile-heuristic").title,
    }
