"""The knowledge base we ship: it loads cleanly, the seed heuristic is complete,
the pages form one connected graph, and every page cites a real source."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from heuristica.demos import available as available_demos
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.model import Heuristic, Implementation, Page
from heuristica.kb.relations import PageType

KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
SEED = "heuristic/polars-use-spawn-not-fork"
MIN_PAGES = 21
TOURS = ("multiprocessing-with-polars-in-10-minutes", "why-fork-deadlocks")
# Fields holding code or shell rather than Markdown: `$` there is not math.
NOT_MARKDOWN = {"code", "quick_install", "signature", "import", "url", "repository", "file"}
CODE_OR_DISPLAY_MATH = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$", re.DOTALL)

# Topics a newcomer needs around the seed; each must have its own page.
REQUIRED_PAGES = (
    "principle/fork-copies-only-the-calling-thread",
    "principle/lazy-thread-pool-initialisation",
    "principle/process-start-methods",
    "implementation/multiprocessing-get-context",
    "implementation/process-pool-executor-mp-context",
    "implementation/multiprocessing-set-start-method",
    "heuristic/you-rarely-need-multiprocessing-with-polars",
    "heuristic/guard-the-entry-point-with-main",
    "environment/cpython-start-method-defaults",
    "environment/cpython-fork-deprecation-warning",
    "environment/polars-fork-warning-versions",
)


@pytest.fixture(scope="module")
def shipped() -> LoadResult:
    return load_knowledge(KNOWLEDGE, demos=available_demos())


def test_shipped_knowledge_base_has_no_errors_and_no_warnings(shipped: LoadResult) -> None:
    assert [str(problem) for problem in shipped.problems] == []


def test_seed_heuristic_has_every_section_and_the_live_demo(shipped: LoadResult) -> None:
    seed = shipped.pages[SEED]
    assert isinstance(seed, Heuristic)
    assert seed.title == "Polars: use spawn, not fork, for multiprocessing"
    assert {"Debugging", "Python_Performance"} <= set(seed.domains)
    assert seed.demo == "spawn_vs_fork"
    assert seed.insight.compatibility is not None
    for text in (seed.overview, seed.description, seed.usage, seed.reasoning):
        assert len(text.split()) >= 40
    for text in (seed.insight.action, seed.insight.value, seed.insight.trade_off):
        assert len(text.split()) >= 20


def test_newcomer_topics_each_have_a_page(shipped: LoadResult) -> None:
    missing = [page_id for page_id in REQUIRED_PAGES if page_id not in shipped.pages]
    assert missing == []


def test_at_least_21_pages_of_all_four_types(shipped: LoadResult) -> None:
    graph = KnowledgeGraph(shipped.pages)
    assert len(graph) >= MIN_PAGES
    assert {kind for kind, count in graph.stats().items() if count > 0} == set(PageType)


def test_pages_form_one_connected_graph(shipped: LoadResult) -> None:
    graph = KnowledgeGraph(shipped.pages)
    components = list(nx.weakly_connected_components(graph.nx))
    assert len(components) == 1, sorted(map(sorted, components), key=len)[:-1]


def test_every_page_cites_an_http_source(shipped: LoadResult) -> None:
    uncited = [
        page_id
        for page_id, page in shipped.pages.items()
        if not any(source.url.startswith(("https://", "http://")) for source in page.sources)
    ]
    assert uncited == []


def test_every_python_usage_example_is_valid_python(shipped: LoadResult) -> None:
    broken = []
    for page in shipped.pages.values():
        if not isinstance(page, Implementation):
            continue
        for example in page.usage_examples:
            if example.language != "python":
                continue
            try:
                ast.parse(example.code)
            except SyntaxError as error:
                broken.append(f"{page.id}: {example.title}: {error}")
    assert broken == []


def markdown_texts(page: Page) -> Iterator[tuple[str, str]]:
    """(field path, text) for every Markdown text field of a page."""

    def walk(value: object, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_MARKDOWN:
                    yield from walk(item, f"{path}.{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{path}[{index}]")

    return walk(page.model_dump(by_alias=True), page.id)


def test_inline_math_is_closed_within_each_paragraph(shipped: LoadResult) -> None:
    unclosed = [
        f"{path}: {paragraph.strip()[:60]!r}"
        for page in shipped.pages.values()
        for path, text in markdown_texts(page)
        for paragraph in CODE_OR_DISPLAY_MATH.sub("", text).split("\n\n")
        if paragraph.count("$") % 2
    ]
    assert unclosed == []


@pytest.mark.parametrize("tour_id", TOURS)
def test_tour_has_5_to_8_steps_and_at_least_3_check_questions(
    shipped: LoadResult, tour_id: str
) -> None:
    tour = shipped.tours[tour_id]
    assert 5 <= len(tour.steps) <= 8
    assert sum(step.question is not None for step in tour.steps) >= 3
