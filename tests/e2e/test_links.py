"""Links into the explorer behave as links (issue 10, item 4): each is the
page's real URL, so a new tab (Ctrl-click) opens that page, and a plain click
opens it in place, in the same session. Browse, the panel's related pages,
the tour's "open in the explorer", the graph's preview card, and the
suggestions under an unknown ?node=."""

from __future__ import annotations

from urllib.parse import quote

from playwright.sync_api import Locator, Page, expect

from tests.e2e.locators import (
    card,
    click_node,
    expect_panel_title,
    graph_frame,
    open_explorer,
    url_node,
)

FOCUS = "heuristic/polars-use-spawn-not-fork"
NEIGHBOUR = "environment/polars-2"
NEIGHBOUR_TITLE = "Polars 2"


def explorer_url(app_url: str, page_id: str) -> str:
    return f"{app_url}/?node={quote(page_id, safe='')}"


def assert_opens_in_a_new_tab(page: Page, link: Locator, title: str) -> None:
    with page.context.expect_page() as opened:
        link.click(modifiers=["Control"])
    tab = opened.value
    tab.set_default_timeout(60_000)
    expect_panel_title(tab, title)
    tab.close()


def test_browse_links_are_the_pages_urls_in_a_new_tab_and_in_place(page: Page, app_url: str):
    page.goto(f"{app_url}/browse")
    link = page.locator("nav.links a", has_text=NEIGHBOUR_TITLE)
    expect(link).to_have_count(1, timeout=30_000)
    assert link.evaluate("a => a.href") == explorer_url(app_url, NEIGHBOUR)
    assert_opens_in_a_new_tab(page, link, NEIGHBOUR_TITLE)
    assert page.url.endswith("/browse")
    page.evaluate("window.__sameDocument = true")
    link.click()
    expect_panel_title(page, NEIGHBOUR_TITLE)
    assert url_node(page) == [NEIGHBOUR]
    assert page.evaluate("window.__sameDocument") is True
    page.go_back()
    expect(page.get_by_role("heading", name="Browse", exact=True)).to_be_visible()
    expect(page).to_have_url(f"{app_url}/browse", timeout=30_000)  # no stray ?node=
    page.go_forward()
    expect_panel_title(page, NEIGHBOUR_TITLE)
    assert url_node(page) == [NEIGHBOUR]


def test_related_page_links_in_the_panel_are_real_urls(page: Page, app_url: str):
    page.goto(explorer_url(app_url, FOCUS))
    link = page.locator("nav.links a", has_text=NEIGHBOUR_TITLE)
    expect(link).to_have_count(1, timeout=30_000)
    assert link.evaluate("a => a.href") == explorer_url(app_url, NEIGHBOUR)
    assert_opens_in_a_new_tab(page, link, NEIGHBOUR_TITLE)


def test_the_tours_open_in_the_explorer_link_is_a_real_url(page: Page, app_url: str):
    page.goto(f"{app_url}/tour?tour=first-steps&step=2")
    link = page.locator("nav.links a", has_text="Open this page in the explorer")
    expect(link).to_have_count(1, timeout=30_000)
    target = "principle/process-start-methods"
    assert link.evaluate("a => a.href") == explorer_url(app_url, target)
    link.click()
    expect_panel_title(page, "Process start methods")
    assert url_node(page) == [target]


def test_the_preview_cards_open_link_is_a_real_url(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    click_node(page, frame, NEIGHBOUR)
    link = card(frame).get_by_role("link", name="Open this page")
    assert link.evaluate("a => a.href") == explorer_url(app_url, NEIGHBOUR)
    assert_opens_in_a_new_tab(page, link, NEIGHBOUR_TITLE)
    assert url_node(page) == []


def test_an_unknown_page_in_the_url_suggests_the_closest_and_links_them(page: Page, app_url: str):
    page.goto(f"{app_url}/?node=heuristic/polars-spawn-not-fork")
    expect(page.get_by_text("Did you mean")).to_have_count(2, timeout=30_000)
    suggestion = page.locator("nav.links a").first
    expect(suggestion).to_contain_text("Polars: use spawn, not fork")
    suggestion.click()
    graph_frame(page)
    assert url_node(page) == [FOCUS]
    expect(page.get_by_text("There is no page")).to_have_count(0)
