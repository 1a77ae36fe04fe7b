"""Explore as a place to read (issue 10, items 2, 3 and 6), on the shipped
knowledge base: one heading and a first-visit line that points at the tours;
the page gets the room and the graph stays in view while it scrolls; code
wraps; related pages show whole titles; a click previews a page in the graph
with no round trip to the server; on a phone the controls fold away, the
graph comes first and a tapped node's preview is on screen."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, WebSocket, expect

from tests.e2e.locators import (
    FRAME_SELECTOR,
    card,
    click_node,
    expect_panel_title,
    graph_frame,
    node_ids,
)

WITH_CODE = "implementation/multiprocessing-get-context"
WITH_CODE_TITLE = "multiprocessing.get_context(method)"
NEIGHBOUR = "heuristic/set-start-method-once-or-pass-a-context"
NEIGHBOUR_TITLE = "Set the start method once, at the entry point — or pass a context"

NOT_FITTING = """elements => elements
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.textContent.slice(0, 60))"""
"""Of the elements given (Playwright reaches into the link list's shadow
root), those whose content is wider than they are: cut or scrolled sideways."""


def test_explore_has_one_heading_and_points_a_newcomer_at_the_tours(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1440, 900)
    page.goto(shipped_url)
    graph_frame(page)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("h1")).to_have_text("Explore")
    expect(page.get_by_text("Click one to preview it, double-click to open it")).to_be_visible()
    tours = page.get_by_role("link", name="Take a guided tour")
    expect(tours).to_be_visible()
    assert tours.evaluate("a => new URL(a.href).pathname") == "/tour"


def test_the_graph_stays_in_view_while_the_page_scrolls_and_code_wraps(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1440, 900)
    page.goto(f"{shipped_url}/?node={WITH_CODE}")
    graph_frame(page)
    expect_panel_title(page, WITH_CODE_TITLE)
    graph_column = page.locator(".st-key-explore_graph_column").bounding_box()
    panel = page.locator(".st-key-explore_panel").bounding_box()
    assert graph_column is not None and panel is not None
    assert panel["width"] >= graph_column["width"] - 1, "the page gets as much room as the graph"

    title = page.get_by_role("heading", name=WITH_CODE_TITLE, exact=True)
    page.mouse.move(panel["x"] + panel["width"] / 2, 600)
    page.mouse.wheel(0, 2500)
    expect(title).not_to_be_in_viewport()
    graph = page.locator(FRAME_SELECTOR).bounding_box()
    assert graph is not None
    assert graph["y"] >= 0 and graph["y"] + graph["height"] <= 900, graph

    code = page.locator(".st-key-explore_panel pre")
    assert code.count() > 0
    assert code.evaluate_all(NOT_FITTING) == []


def test_related_pages_show_their_whole_titles(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1280, 720)
    page.goto(f"{shipped_url}/?node={WITH_CODE}")
    expect_panel_title(page, WITH_CODE_TITLE)
    links = page.locator(".st-key-explore_panel nav.links a")
    expect(links.filter(has_text=NEIGHBOUR_TITLE)).to_have_count(1, timeout=20_000)
    assert links.evaluate_all(NOT_FITTING) == []
    assert links.locator(".title").evaluate_all(NOT_FITTING) == []


def test_a_click_previews_in_the_graph_without_asking_the_server(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1440, 900)
    sent: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framesent", lambda payload: sent.append(str(payload)[:40]))

    page.on("websocket", watch)
    page.goto(f"{shipped_url}/?node={WITH_CODE}")
    frame = graph_frame(page)
    page.wait_for_timeout(1500)
    before = len(sent)
    click_node(page, frame, NEIGHBOUR)
    expect(card(frame).locator(".title")).to_have_text(NEIGHBOUR_TITLE, timeout=2_000)
    page.wait_for_timeout(1500)
    assert sent[before:] == [], "the preview asked the server"
    expect_panel_title(page, WITH_CODE_TITLE)


def test_on_a_phone_the_graph_comes_first_and_a_tapped_preview_is_in_view(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(390, 844)
    page.goto(f"{shipped_url}/?node={WITH_CODE}")
    frame = graph_frame(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    depth = page.get_by_role("radio", name="2", exact=True)
    expect(depth).to_be_hidden()
    expect(page.locator("[data-testid=stPopoverButton]").filter(has_text="Depth")).to_be_visible()
    graph = page.locator(FRAME_SELECTOR).bounding_box()
    title = page.get_by_role("heading", name=WITH_CODE_TITLE, exact=True).bounding_box()
    assert graph is not None and title is not None
    assert graph["y"] < 400, f"the graph starts {graph['y']:.0f} px down"
    assert graph["y"] < title["y"], "the graph should come before the page"
    assert NEIGHBOUR in node_ids(frame)

    page.locator(FRAME_SELECTOR).scroll_into_view_if_needed()
    click_node(page, frame, NEIGHBOUR)
    shown = card(frame)
    expect(shown.locator(".title")).to_have_text(NEIGHBOUR_TITLE)
    box = shown.bounding_box()  # relative to the page's viewport, frame included
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
