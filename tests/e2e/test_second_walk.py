"""A newcomer's second walk (issue 23), in chromium on the shipped knowledge
base at 1440x900, 1280x720 and 390x844: the graph's room follows what the
reader is doing, every label opens at a size one can read, the preview card's
buttons are in view, the line under the graph says only what works there,
How related? answers a hold, a phone shows the title and a whole badge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from heuristica.checks.grid import page_verification
from heuristica.checks.record import RECORD_FILE, read_record
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.tours.handout import tour_html
from tests.e2e.harness import REPO
from tests.e2e.legibility import READABLE_PIXELS, legibility
from tests.e2e.locators import (
    FRAME_SELECTOR,
    card,
    click_node,
    double_click_node,
    expect_panel_title,
    graph_frame,
    hold_node,
    node_ids,
    wait_until_laid_out,
)

DEFAULT = "heuristic/polars-use-spawn-not-fork"
NEIGHBOUR = "principle/process-start-methods"
NEIGHBOUR_TITLE = "Process start methods: fork, spawn and forkserver"
GET_CONTEXT = "implementation/multiprocessing-get-context"
LINUX = "environment/linux-glibc"
SIZES = [(1280, 720), (390, 844)]


def share_of_the_main_column(page: Page) -> float:
    """How much of the width of the graph's and the page's columns the graph has."""
    graph = page.locator(".st-key-explore_graph_column").bounding_box()
    both = page.locator("[data-testid=stHorizontalBlock]:has(.st-key-explore_graph_column)")
    main = both.bounding_box()
    assert graph is not None and main is not None
    return graph["width"] / main["width"]


def test_the_graph_gets_the_room_when_looked_at_and_the_page_when_reading(
    sized_page: Callable[[int, int], Page], shipped_url: str
) -> None:
    page = sized_page(1440, 900)
    page.goto(shipped_url)
    frame = graph_frame(page)
    assert share_of_the_main_column(page) > 0.9, "one lands on a wide graph"
    revision = str(frame.evaluate("document.body.dataset.revision"))
    double_click_node(page, frame, NEIGHBOUR)
    expect_panel_title(page, NEIGHBOUR_TITLE)
    wait_until_laid_out(frame, revision)
    assert share_of_the_main_column(page) < 0.55, "an opened page is read beside the graph"
    title = page.get_by_role("heading", name=NEIGHBOUR_TITLE, exact=True).bounding_box()
    graph = page.locator(FRAME_SELECTOR).bounding_box()
    assert title is not None and graph is not None
    assert title["x"] > graph["x"] + graph["width"], "the page is beside the graph"
    page.get_by_text("Whole graph").click()
    expect(page.get_by_role("radio", name="Wide graph")).to_be_checked()
    page.get_by_role("radio", name="Beside the page").click()
    expect(page.get_by_role("radio", name="Beside the page")).to_be_checked()


DRAWN_AS_STYLED = """() => network.body.data.nodes.get()
    .filter((n) => n.color
        && network.body.nodes[n.id].options.color.background !== n.color.background)
    .map((n) => n.id)"""
"""Pages drawn in other colours than their style's (a dimmed page at full colour)."""
LIT = """() => Object.entries(network.body.nodes)
    .filter(([id, n]) => !id.startsWith("edgeId:") && n.options.shadow.enabled).length"""


def test_the_one_search_field_also_lights_the_pages_it_finds_on_the_graph(
    page: Page, shipped_url: str
) -> None:
    page.goto(shipped_url)
    frame = graph_frame(page)
    assert frame.evaluate(LIT) == 0
    expect(page.locator("[data-testid=stMain] input[type=text]")).to_have_count(0)
    page.locator("#heuristica-search-input").fill("deadlock")
    expect(page.locator(".option").first).to_be_visible()
    frame.wait_for_function(f"() => ({LIT})() > 0")
    expect(page.get_by_text("matching “deadlock” (the search box) shown, lit")).to_be_visible()
    frame.wait_for_selector('body[data-ready="1"]')
    assert frame.evaluate(DRAWN_AS_STYLED) == [], "each page is drawn in its own style's colours"


def whole_graph(page: Page, frame: Frame) -> None:
    revision = str(frame.evaluate("document.body.dataset.revision"))
    page.get_by_text("Whole graph").click()
    wait_until_laid_out(frame, revision)
    frame.wait_for_function("n => network.body.data.nodes.length === n", arg=38)


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "phone"])
def test_every_label_opens_readable_and_f_shows_the_whole_without_tiny_labels(
    sized_page: Callable[[int, int], Page], shipped_url: str, width: int, height: int
) -> None:
    page = sized_page(width, height)
    page.goto(shipped_url)
    frame = graph_frame(page)
    for view in ("the default view", "the whole graph"):
        if view == "the whole graph":
            whole_graph(page, frame)
        opened = legibility(frame, DEFAULT)
        assert opened.problems == [], view
        assert opened.smallest is not None and opened.smallest >= READABLE_PIXELS, view
        fit = frame.get_by_role("button", name="Fit all (F)")
        fit.click()
        expect(frame.get_by_role("button", name="Readable size (F)")).to_be_visible()
        fitted = legibility(frame, DEFAULT)
        assert fitted.smallest is None or fitted.smallest >= READABLE_PIXELS, view
        frame.locator("#graph").press("f")
        expect(fit).to_be_visible()
        assert legibility(frame, DEFAULT).smallest == opened.smallest, view


@pytest.mark.parametrize(("width", "height"), SIZES, ids=["1280x720", "phone"])
def test_the_preview_cards_buttons_are_in_view_without_scrolling(
    sized_page: Callable[[int, int], Page], shipped_url: str, width: int, height: int
) -> None:
    page = sized_page(width, height)
    page.goto(f"{shipped_url}/?node={GET_CONTEXT}")
    frame = graph_frame(page)
    page.locator(FRAME_SELECTOR).scroll_into_view_if_needed()
    click_node(page, frame, DEFAULT)
    shown = card(frame)
    expect(shown.locator(".title")).to_have_text("Polars: use spawn, not fork, for multiprocessing")
    box = shown.bounding_box()
    graph = frame.locator("#stage").bounding_box()
    assert box is not None and graph is not None
    assert box["height"] <= 0.55 * graph["height"], "the card leaves most of the graph"
    for name in ("Open this page", "Show its links"):
        button = shown.get_by_role("link" if name.startswith("Open") else "button", name=name)
        inside = button.bounding_box()
        assert inside is not None
        assert (
            box["y"] <= inside["y"] and inside["y"] + inside["height"] <= box["y"] + box["height"]
        )
        assert inside["y"] >= 0 and inside["y"] + inside["height"] <= height, name


def test_the_line_under_each_graph_says_only_what_works_there(
    page: Page, shipped_url: str, tmp_path: Path
) -> None:
    page.goto(shipped_url)
    keys = graph_frame(page).locator("#keys")
    expect(keys).to_contain_text("Hold: show its links")
    expect(keys).to_contain_text("F fits all")
    page.goto(f"{shipped_url}/tour")
    keys = graph_frame(page).locator("#keys")
    expect(keys).to_contain_text("Double-click: go to this step")
    expect(keys).not_to_contain_text("Hold")
    expect(keys).not_to_contain_text("shows links")


def test_holding_a_page_on_how_related_shows_its_links_written_clear_of_labels(
    page: Page, shipped_url: str
) -> None:
    page.goto(f"{shipped_url}/related?from={GET_CONTEXT}&to={LINUX}")
    frame = graph_frame(page)
    assert legibility(frame, GET_CONTEXT).problems == []
    assert legibility(frame, GET_CONTEXT).crossings == []
    before = node_ids(frame)
    revision = str(frame.evaluate("document.body.dataset.revision"))
    page.locator(FRAME_SELECTOR).scroll_into_view_if_needed()
    hold_node(page, frame, DEFAULT)
    wait_until_laid_out(frame, revision)
    after = node_ids(frame)
    assert after > before, "the hold added the page's neighbours"
    assert legibility(frame, GET_CONTEXT, after - before).problems == []


def longest_badge() -> tuple[str, str]:
    """The shipped page whose verification badge says the most, and what it says."""
    pages = load_knowledge(REPO / "knowledge").pages
    record = read_record(REPO / "knowledge" / RECORD_FILE)
    badges = [
        (state.text, page.id)
        for page in pages.values()
        if (state := page_verification(page, record))
    ]
    text, page_id = max(badges, key=lambda badge: len(badge[0]))
    return page_id, text


def test_on_a_phone_the_title_clears_the_header_and_a_badge_is_whole(
    sized_page: Callable[[int, int], Page], shipped_url: str
) -> None:
    page_id, text = longest_badge()
    page = sized_page(390, 844)
    page.goto(f"{shipped_url}/?node={page_id}")
    graph_frame(page)
    title = page.locator("h1").bounding_box()
    header = page.locator("header[data-testid=stHeader]").bounding_box()
    assert title is not None and header is not None
    assert title["y"] >= header["y"] + header["height"], "the title is under the header"
    badge = page.locator("span.stMarkdownBadge", has_text=text[:12])
    expect(badge).to_contain_text(text)
    assert badge.evaluate("b => b.scrollWidth <= b.clientWidth + 1"), "the badge is cut off"
    box = badge.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390, "the badge is wider than the phone"


def test_the_html_hand_out_fits_a_phone(sized_page: Callable[[int, int], Page], tmp_path: Path):
    result = load_knowledge(REPO / "knowledge")
    kg = KnowledgeGraph(result.pages)
    hand_out = tmp_path / "tour.html"
    hand_out.write_text(tour_html(next(iter(result.tours.values())), kg), encoding="utf-8")
    page = sized_page(390, 844)
    page.goto(hand_out.as_uri())
    page.wait_for_selector('body[data-ready="1"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#keys")).to_contain_text("Double-click: read this step")
    expect(page.locator("#keys")).not_to_contain_text("Hold")
