"""The sidebar search box in the real app and chromium, over the shipped
knowledge base: results as you type, each with the sentence that matched and
its words marked, and Enter opening the best."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import REPO, RequestLog, running_app

BOX = "#heuristica-search-input"
FIRST_LOAD_MS = 60_000
"""A fresh server's first page imports and loads everything."""
RESULTS_MS = 30_000
"""Results come back within a second on a quiet machine; a busy CI machine may take longer."""


@pytest.fixture(scope="module")
def shipped_url() -> Iterator[str]:
    with running_app(REPO / "knowledge") as url:
        yield url


def test_a_pasted_error_finds_its_page_and_enter_opens_it(
    page: Page, shipped_url: str, requests_made: RequestLog
) -> None:
    page.goto(shipped_url)
    expect(page.locator(BOX)).to_be_visible(timeout=FIRST_LOAD_MS)
    page.locator(BOX).fill("RuntimeError: context has already been set")
    first = page.locator(".option").first
    expect(first.locator(".title")).to_have_text(
        "multiprocessing.set_start_method(method, force=False)", timeout=RESULTS_MS
    )
    expect(first.locator(".meta")).to_have_text("Implementation · Overview")
    expect(first.locator(".snippet")).to_contain_text("RuntimeError: context has already been set")
    marked = {text.lower() for text in first.locator(".snippet mark").all_inner_texts()}
    assert {"runtimeerror", "context", "already", "set"} <= marked
    assert first.locator(".title mark").all_inner_texts() == ["set"]
    page.locator(BOX).press("Enter")
    page.wait_for_url(
        "**/?node=implementation%2Fmultiprocessing-set-start-method", timeout=RESULTS_MS
    )
    expect(
        page.get_by_role("heading", name="multiprocessing.set_start_method(method, force=False)")
    ).to_be_visible(timeout=RESULTS_MS)
    assert requests_made.remote == []


def test_results_follow_typing_and_a_query_with_no_match_says_so(
    page: Page, shipped_url: str
) -> None:
    page.goto(shipped_url)
    box = page.locator(BOX)
    expect(box).to_be_visible(timeout=FIRST_LOAD_MS)
    box.press_sequentially("deadlok polrs", delay=40)
    expect(page.locator(".option").first.locator(".title mark").first).to_have_text(
        "Polars", timeout=RESULTS_MS
    )
    box.fill("多进程")
    expect(page.locator(".status")).to_have_text(
        "No page matches. No page has “多进程”.", timeout=RESULTS_MS
    )
    expect(page.locator(".option")).to_have_count(0)
