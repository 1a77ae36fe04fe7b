"""The explorer in a real browser: what a reader does with the graph, and sees."""

from __future__ import annotations

import re
import time

from playwright.sync_api import Browser, Dialog, Page, expect

from tests.e2e.conftest import FIXTURE_KB, RequestLog
from tests.e2e.harness import app_server
from tests.e2e.locators import (
    card,
    click_node,
    double_click_node,
    expect_panel_title,
    graph_frame,
    hold_node,
    node_ids,
    node_point,
    open_explorer,
    positions,
    settled,
    url_node,
    wait_for_focus,
    wait_for_node,
    wait_until_laid_out,
)

FOCUS = "heuristic/polars-use-spawn-not-fork"
NEIGHBOUR = "environment/polars-2"
NEIGHBOUR_TITLE = "Polars 2"
TWO_AWAY = "implementation/polars-group-by"
MALICIOUS = "principle/malicious-markup"


def test_default_view_shows_the_spawn_heuristic_and_its_neighbours(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    expect_panel_title(page, "Polars: use spawn, not fork")
    assert {FOCUS, NEIGHBOUR, MALICIOUS} <= node_ids(frame)
    assert TWO_AWAY not in node_ids(frame)


def test_double_click_opens_the_page_in_the_panel_and_the_url(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    double_click_node(page, frame, NEIGHBOUR)
    expect_panel_title(page, NEIGHBOUR_TITLE)
    assert url_node(page) == [NEIGHBOUR]
    wait_for_focus(frame, NEIGHBOUR)
    assert TWO_AWAY in node_ids(frame)


def test_click_previews_a_page_in_the_graph_without_navigating(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    click_node(page, frame, NEIGHBOUR)
    expect(card(frame).locator(".title")).to_have_text(NEIGHBOUR_TITLE)
    expect(card(frame).locator(".type")).to_have_text("Environment")
    expect(card(frame).locator(".related")).to_contain_text("Polars: use spawn, not fork")
    assert url_node(page) == []
    expect_panel_title(page, "Polars: use spawn, not fork")


def test_the_preview_card_opens_its_page(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    click_node(page, frame, NEIGHBOUR)
    card(frame).get_by_role("link", name="Open this page").click()
    expect_panel_title(page, NEIGHBOUR_TITLE)
    assert url_node(page) == [NEIGHBOUR]


def test_holding_a_node_adds_its_neighbours_and_moves_nothing(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    before = positions(frame)
    hold_node(page, frame, NEIGHBOUR)
    wait_for_node(frame, TWO_AWAY)
    after = positions(frame)
    assert set(after) == set(before) | {TWO_AWAY}
    for node, (x, y) in before.items():
        assert abs(after[node][0] - x) < 0.5 and abs(after[node][1] - y) < 0.5, node


def test_showing_links_from_the_card_moves_nothing_on_screen(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    before = positions(frame)
    click_node(page, frame, NEIGHBOUR)
    card(frame).get_by_role("button", name="Show its links").click()
    wait_for_node(frame, TWO_AWAY)
    frame.wait_for_selector('body[data-ready="1"]')
    after = positions(frame)
    assert all(after[node] == position for node, position in before.items())
    expect(card(frame).get_by_role("button", name="Hide its links")).to_be_visible()


def test_a_deep_link_opens_that_page(page: Page, app_url: str):
    frame = open_explorer(page, app_url, node=TWO_AWAY)
    expect_panel_title(page, "polars.DataFrame.group_by")
    wait_for_focus(frame, TWO_AWAY)
    assert node_ids(frame) == {TWO_AWAY, NEIGHBOUR}


def test_a_deep_link_to_an_unknown_page_warns_and_shows_the_default(page: Page, app_url: str):
    open_explorer(page, app_url, node="heuristic/no-such-page")
    expect(page.get_by_text("There is no page heuristic/no-such-page")).to_be_visible()
    expect_panel_title(page, "Polars: use spawn, not fork")


def test_back_returns_to_the_previous_page(page: Page, app_url: str):
    frame = open_explorer(page, app_url, node=TWO_AWAY)
    expect_panel_title(page, "polars.DataFrame.group_by")
    double_click_node(page, frame, NEIGHBOUR)
    expect_panel_title(page, NEIGHBOUR_TITLE)
    page.go_back()
    expect_panel_title(page, "polars.DataFrame.group_by")
    assert url_node(page) == [TWO_AWAY]
    wait_for_focus(frame, TWO_AWAY)


def test_no_request_leaves_the_machine(page: Page, app_url: str, requests_made: RequestLog):
    frame = open_explorer(page, app_url)
    double_click_node(page, frame, NEIGHBOUR)
    expect_panel_title(page, NEIGHBOUR_TITLE)
    page.wait_for_load_state("networkidle")
    assert len(requests_made.urls) > 5
    assert requests_made.remote == []


def test_markup_in_a_page_runs_no_script(page: Page, app_url: str):
    dialogs: list[str] = []

    def dismissed(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismissed)
    frame = open_explorer(page, app_url)
    assert MALICIOUS in node_ids(frame)
    page.mouse.move(*node_point(page, frame, MALICIOUS))
    expect(frame.locator("#tooltip")).to_contain_text("<img src=x onerror=")
    click_node(page, frame, MALICIOUS)
    expect(card(frame).locator(".title")).to_contain_text("<img src=x onerror=")
    double_click_node(page, frame, MALICIOUS)
    expect(page.get_by_text("window.parent.__heuristicaXss=1").first).to_be_visible()
    settled(page)
    assert page.evaluate("window.__heuristicaXss") is None
    assert frame.evaluate("window.__heuristicaXss") is None
    assert dialogs == []


def test_whole_graph_draws_every_page_at_its_computed_place(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    page.get_by_text("Whole graph").click()
    frame.wait_for_function("n => network.body.data.nodes.length === n", arg=9)
    frame.wait_for_selector('body[data-ready="1"]')
    assert frame.evaluate("network.physics.options.enabled") is False
    placed = frame.evaluate("network.body.data.nodes.get().every(n => 'x' in n && 'y' in n)")
    assert placed


COUNT_VIEW_CHANGES = """() => {
    window.viewChanges = 0;
    for (const name of ["fit", "moveTo"]) {
        const original = network[name].bind(network);
        network[name] = (...args) => { window.viewChanges += 1; return original(...args); };
    }
}"""


def test_a_view_zoomed_by_hand_is_left_alone_until_the_focus_changes(page: Page, app_url: str):
    frame = open_explorer(page, app_url)
    revision = str(frame.evaluate("document.body.dataset.revision"))
    fitted = frame.evaluate("network.getScale()")
    page.mouse.move(*node_point(page, frame, FOCUS))
    page.mouse.wheel(0, 300)
    frame.wait_for_function("s => Math.abs(network.getScale() - s) > 0.05", arg=fitted)
    node_point(page, frame, NEIGHBOUR)  # in view, as a reader would see it before holding it
    # Count the view changes the explorer makes itself. (The scale alone cannot
    # tell: vis-network rescales the view when its frame changes height.)
    frame.evaluate(COUNT_VIEW_CHANGES)
    hold_node(page, frame, NEIGHBOUR)
    revision = wait_until_laid_out(frame, revision)
    assert frame.evaluate("window.viewChanges") == 0, "a view zoomed by hand was re-fitted"
    double_click_node(page, frame, NEIGHBOUR)
    expect_panel_title(page, NEIGHBOUR_TITLE)
    wait_until_laid_out(frame, revision)
    assert frame.evaluate("window.viewChanges") > 0, "a new focus is fitted again"


def test_graph_is_drawn_again_after_visiting_another_page(page: Page, app_url: str):
    open_explorer(page, app_url)
    page.get_by_role("link", name="Browse").click()
    expect(page).to_have_url(re.compile(r"/browse"))
    page.get_by_role("link", name="Explore").click()
    frame = graph_frame(page)
    wait_for_node(frame, NEIGHBOUR)
    assert FOCUS in node_ids(frame)


def test_the_graph_says_once_that_its_first_drawing_is_on_screen(page: Page, app_url: str):
    """The frame tells the server when its first drawing is laid out (the
    server holds back laying out the whole graph until then) by a request of
    its own, not a component value (which would make the page run again and
    cut short a run the reader's first click started), and only once: a
    second drawing (the whole graph) sends nothing more."""
    told: list[tuple[str, str, int]] = []
    page.on(
        "response",
        lambda response: (
            told.append((response.request.method, response.url, response.status))
            if "_heuristica" in response.url
            else None
        ),
    )
    frame = open_explorer(page, app_url)
    frame.wait_for_selector('body[data-ready="1"]')
    deadline = time.monotonic() + 30
    while not told and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    page.get_by_text("Whole graph").click()
    frame.wait_for_function("n => network.body.data.nodes.length === n", arg=9)
    frame.wait_for_selector('body[data-ready="1"]')
    settled(page)
    assert told == [("POST", f"{app_url.rstrip('/')}/_heuristica/drawn", 204)]


def test_behind_a_proxy_path_the_first_drawing_is_told_there_too(browser: Browser) -> None:
    """Served under a path of its own (``server.baseUrlPath``, as behind a
    proxy), the app's route is there too, and the frame finds it."""
    with app_server(FIXTURE_KB, base_path="team/kb") as server:
        page = browser.new_page()
        told: list[tuple[str, int]] = []
        page.on(
            "response",
            lambda response: (
                told.append((response.url, response.status))
                if "_heuristica" in response.url
                else None
            ),
        )
        frame = open_explorer(page, server.url)
        frame.wait_for_selector('body[data-ready="1"]')
        deadline = time.monotonic() + 30
        while not told and time.monotonic() < deadline:
            page.wait_for_timeout(50)
        assert told == [(f"{server.url}/_heuristica/drawn", 204)]
        page.close()
