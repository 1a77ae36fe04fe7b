"""'Where it holds' in the real app, in Chromium, over a page verified for real
on a matrix of two tiny cells: the summary line, the grid, and a click on a
cell opening what was expected and seen there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.harness import running_app
from tests.verify.conftest import FAKE_DISTRIBUTION
from tests.verify.matrix_kb import PYTHON, H, recorded_matrix

FIRST_LOAD_MS = 60_000
HEADER_AND_ROW_PX = 35
"""The data grid's header and row height (Streamlit's default)."""


@pytest.fixture(scope="module")
def matrix_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("where-e2e")
    with running_app(recorded_matrix(tmp / "kb", tmp)) as url:
        yield url


def open_grid(page: Page, url: str) -> None:
    page.goto(f"{url}/?node={H}")
    heading = page.get_by_role("heading", name="Where it holds")
    expect(heading).to_be_visible(timeout=FIRST_LOAD_MS)
    heading.scroll_into_view_if_needed()


def test_the_summary_line_says_where_it_fails_and_where_it_holds(
    page: Page, matrix_url: str
) -> None:
    open_grid(page, matrix_url)

    expect(page.get_by_text(f"Fails on {FAKE_DISTRIBUTION} 1.0 (always-second")).to_be_visible()
    minor = ".".join(PYTHON.split(".")[:2])
    expect(page.get_by_text(f"holds on CPython {minor} · {FAKE_DISTRIBUTION} 2.0")).to_be_visible()


def test_a_click_on_a_failing_cell_opens_what_was_expected_and_seen(
    page: Page, matrix_url: str
) -> None:
    open_grid(page, matrix_url)
    grid = page.get_by_test_id("stDataFrame")
    # the grid's accessible table: column 1 (the 1.0 cell), row 2 (always-second)
    expect(grid.get_by_test_id("glide-cell-1-2")).to_have_text("✗ fails", timeout=FIRST_LOAD_MS)
    box = grid.bounding_box()
    assert box is not None

    # three columns of about equal width: the middle one is the 1.0 cell
    page.mouse.click(
        box["x"] + box["width"] / 2, box["y"] + HEADER_AND_ROW_PX * 3 + HEADER_AND_ROW_PX / 2
    )

    opened = page.locator(f".st-key-where_it_holds_cell_{H.replace('/', '-')}")
    expect(opened.get_by_text("always-second · fails")).to_be_visible()
    expect(opened.get_by_text("never printed 'generation=2'")).to_be_visible()
    expect(opened.locator("code", has_text="generation=1")).to_be_visible()
