"""Hostile page content in the real app and browser: the side panel, the
Browse list and the sidebar search show it as text, and none of it runs.

The server here reads ``tests/fixtures/malicious_kb``, whose every text field
tries to set ``window.__pwned`` (script tags, event handlers, ``javascript:``
links, KaTeX ``\\href``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from heuristica.kb.loader import load_knowledge
from tests.e2e.conftest import REPO, running_app
from tests.e2e.locators import settled

MALICIOUS_KB = REPO / "tests" / "fixtures" / "malicious_kb"
PAGES = {page.id: page.title for page in load_knowledge(MALICIOUS_KB).pages.values()}
INERT = """() => ({
    pwned: window.__pwned,
    scriptLinks: [...document.querySelectorAll("a[href]")]
        .map(a => a.getAttribute("href"))
        .filter(href => /^\\s*(javascript|data|vbscript):/i.test(href)),
    injected: document.querySelectorAll(
        "[data-testid=stMain] img[src=x], [data-testid=stMain] iframe[src^=javascript], "
        + "[data-testid=stMain] svg[onload], [data-testid=stMain] [onerror], "
        + "[data-testid=stMain] [onmouseover], [data-testid=stMain] [onclick]"
    ).length,
})"""


@pytest.fixture(scope="module")
def hostile_url() -> Iterator[str]:
    with running_app(MALICIOUS_KB) as url:
        yield url


def assert_inert(page: Page) -> None:
    settled(page)
    assert page.evaluate(INERT) == {"pwned": None, "scriptLinks": [], "injected": 0}


@pytest.mark.parametrize("node", list(PAGES))
def test_side_panel_shows_hostile_page_as_text_and_runs_nothing(
    page: Page, hostile_url: str, node: str
) -> None:
    page.goto(f"{hostile_url}/?node={node}")
    expect(page.get_by_role("heading", name=PAGES[node]).first).to_be_visible()
    for link in page.locator('[data-testid=stMain] a[href="#blocked-link"]').all():
        link.click()
    assert_inert(page)


def test_browse_lists_hostile_titles_as_text_and_runs_nothing(page: Page, hostile_url: str) -> None:
    page.goto(hostile_url)
    page.wait_for_selector("[data-testid=stMain]")
    page.goto(f"{hostile_url}/browse")
    for title in PAGES.values():
        expect(page.get_by_text(title, exact=True).first).to_be_visible()
    assert_inert(page)


def test_search_results_show_hostile_titles_as_text(page: Page, hostile_url: str) -> None:
    page.goto(hostile_url)
    box = page.locator("#heuristica-search-input")
    box.fill("window pwned")
    options = page.locator(".option .title")
    expect(options).to_have_count(len(PAGES))
    assert set(options.all_inner_texts()) == set(PAGES.values())
    assert page.locator(".results img, .results script").count() == 0
    assert_inert(page)


def test_search_box_opens_the_chosen_page(page: Page, hostile_url: str) -> None:
    page.goto(hostile_url)
    box = page.locator("#heuristica-search-input")
    box.type("enviroment", delay=30)
    expect(page.locator(".option").first).to_contain_text("Environment")
    box.press("Enter")
    page.wait_for_url("**/?node=environment%2Fhostile-environment")
    expect(
        page.get_by_role("heading", name=PAGES["environment/hostile-environment"]).first
    ).to_be_visible()
    expect(page.locator("#heuristica-search-input")).to_have_value("")
    expect(page.locator(".option")).to_have_count(0)


def test_a_related_page_link_opens_it_in_the_same_session(page: Page, hostile_url: str) -> None:
    page.goto(f"{hostile_url}/?node=principle/hostile-principle")
    target = PAGES["implementation/hostile-implementation"]
    page.evaluate("window.__sameDocument = true")
    page.locator("nav.links a", has_text=target).first.click()
    expect(page.get_by_role("heading", name=target).first).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    expect(page).to_have_url(re.compile(r"\?node=implementation%2Fhostile-implementation$"))
    page.go_back()
    previous = PAGES["principle/hostile-principle"]
    expect(page.get_by_role("heading", name=previous).first).to_be_visible()
