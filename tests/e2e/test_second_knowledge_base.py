"""The app on the second knowledge base (examples/sql-indexing: SQL indexing on
SQLite, C Code References, shell checks), as on the shipped one: Explore draws
and opens its pages, its tour runs to the end with its questions answered,
and Problems has nothing to report."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import REPO, running_app
from tests.e2e.locators import (
    double_click_node,
    expect_panel_title,
    expect_step,
    graph_frame,
    node_ids,
    open_explorer,
    url_node,
)

SQL_KB = REPO / "examples" / "sql-indexing"
START = "principle/an-index-turns-a-scan-into-a-search"
CREATE_INDEX = "implementation/sqlite-create-index"
TOUR = "sql-indexing-in-10-minutes"
TOUR_STEPS = 6


@pytest.fixture(scope="module")
def sql_url() -> Iterator[str]:
    with running_app(SQL_KB) as url:
        yield url


def test_explore_draws_the_sql_pages_and_opens_a_c_code_reference(page: Page, sql_url: str) -> None:
    frame = open_explorer(page, sql_url, START)
    expect_panel_title(page, "An index turns a full scan into a search")
    assert {START, CREATE_INDEX, "heuristic/read-the-query-plan-before-adding-an-index"} <= (
        node_ids(frame)
    )
    double_click_node(page, frame, CREATE_INDEX)
    expect_panel_title(page, "SQLite: CREATE INDEX")
    assert url_node(page) == [CREATE_INDEX]
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("Symbol sqlite3CreateIndex", exact=True)).to_be_visible()
    expect(main.get_by_text("Language c", exact=True)).to_be_visible()
    source = main.get_by_role("link", name="src/build.c", exact=True)
    expect(source).to_have_attribute(
        "href", "https://github.com/sqlite/sqlite/blob/HEAD/src/build.c"
    )


def test_the_sql_tour_runs_to_its_last_step_with_its_question_answered(
    page: Page, sql_url: str
) -> None:
    page.goto(f"{sql_url}/tour?tour={TOUR}&step=1")
    expect(page.get_by_text(f"Step 1 of {TOUR_STEPS}", exact=True)).to_be_visible(timeout=30_000)
    graph_frame(page)
    page.get_by_role("radio", name="SCAN orders", exact=True).check(force=True)
    expect(page.get_by_text("With no index on the column, the only way")).to_be_visible(
        timeout=30_000
    )
    for step in range(2, TOUR_STEPS + 1):
        page.get_by_role("button", name="Next").click()
        expect_step(page, step, TOUR_STEPS)


def test_problems_has_nothing_to_report_on_the_sql_knowledge_base(page: Page, sql_url: str) -> None:
    page.goto(f"{sql_url}/problems")
    page.get_by_role("heading", name="Problems").wait_for()
    expect(
        page.get_by_text("No problems: every page loaded and every link is valid.")
    ).to_be_visible(timeout=30_000)
    expect(page.get_by_text("heuristica check", exact=False).first).to_be_visible()
