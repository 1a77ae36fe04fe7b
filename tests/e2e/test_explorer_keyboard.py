"""The explorer with the keyboard and a screen reader (issue 10, item 5):
arrow keys move between nodes, Space previews, + shows a page's links,
Enter opens; the frame, the graph and its canvas have names."""

from __future__ import annotations

from playwright.sync_api import Frame, Page, expect

from tests.e2e.locators import (
    FRAME_SELECTOR,
    card,
    expect_panel_title,
    node_ids,
    open_explorer,
    url_node,
    wait_for_node,
)

FOCUS = "heuristic/polars-use-spawn-not-fork"
FOCUS_TITLE = "Polars: use spawn, not fork"
NEIGHBOUR = "environment/polars-2"
TWO_AWAY = "implementation/polars-group-by"


def cursor(frame: Frame) -> str:
    selected = frame.evaluate("network.getSelectedNodes()")
    assert len(selected) == 1
    return str(selected[0])


def test_the_frame_the_graph_and_its_canvas_have_names(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    expect(page.locator(FRAME_SELECTOR)).to_have_attribute("title", "Knowledge graph")
    graph = frame.locator("#graph")
    expect(graph).to_have_attribute("role", "application")
    expect(graph).to_have_attribute("tabindex", "0")
    name = f"Knowledge graph around “{FOCUS_TITLE}”: 6 pages"
    expect(graph).to_have_attribute("aria-label", name)
    expect(frame.locator("#graph canvas")).to_have_attribute("aria-label", f"{name}, 6 links")
    expect(page.locator("h1")).to_have_count(1)


def test_arrow_keys_move_between_nodes_and_space_previews(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    frame.locator("#graph").focus()
    assert cursor(frame) == FOCUS
    expect(frame.locator("#announce")).to_contain_text(FOCUS_TITLE)
    visited = {FOCUS}
    for key in ("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "ArrowRight", "ArrowLeft"):
        page.keyboard.press(key)
        visited.add(cursor(frame))
    assert len(visited) >= 3, visited
    page.keyboard.press(" ")
    expect(card(frame)).to_be_visible()
    expect(card(frame)).to_have_attribute("data-node", cursor(frame))
    expect(frame.locator("#announce")).to_contain_text(card(frame).locator(".title").inner_text())
    assert url_node(page) == []


def test_plus_shows_a_pages_links_and_enter_opens_it(page: Page, app_url: str):
    frame = open_explorer(page, app_url, node=TWO_AWAY)
    assert node_ids(frame) == {TWO_AWAY, NEIGHBOUR}
    frame.locator("#graph").focus()
    assert cursor(frame) == TWO_AWAY
    for key in ("ArrowRight", "ArrowLeft", "ArrowDown", "ArrowUp"):
        page.keyboard.press(key)
        if cursor(frame) == NEIGHBOUR:
            break
    assert cursor(frame) == NEIGHBOUR
    page.keyboard.press("+")
    wait_for_node(frame, FOCUS)
    frame.wait_for_selector('body[data-ready="1"]')
    page.keyboard.press("Enter")
    expect_panel_title(page, "Polars 2")
    assert url_node(page) == [NEIGHBOUR]
