"""The explorer stays legible as one wanders (issue 10, item 1; issue 23,
item 3), on the shipped knowledge base: after every double-click, hold, Back
and depth change of a fixed walk, no two node circles overlap, no label
covers another node or label, no link runs through a page's label and no
label is drawn under 11 px; the page in focus is in view, and a hold moves
nothing already on screen (what it adds is laid out around what was there).
Measured from vis-network's own positions and label boxes
(tests/e2e/legibility.py)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Frame, Page

from tests.e2e.legibility import READABLE_PIXELS, legibility
from tests.e2e.locators import (
    double_click_node,
    expect_panel_title,
    graph_frame,
    hold_node,
    node_point,
    positions,
    wait_until_laid_out,
)

START = "principle/process-start-methods"
GET_CONTEXT = "implementation/multiprocessing-get-context"
SET_START_METHOD = "heuristic/set-start-method-once-or-pass-a-context"
POLARS = "heuristic/polars-use-spawn-not-fork"
SET_START_METHOD_TITLE = "Set the start method once, at the entry point — or pass a context"


def assert_legible(
    frame: Frame, step: str, focus: str, new: set[str] | None = None, *, dense: bool = False
) -> None:
    """``dense``: a depth 2 or 3 view, where a link may run behind a label;
    elsewhere (depth 1, a hold) none may."""
    report = legibility(frame, focus, new)
    assert report.problems == [], step
    assert dense or report.crossings == [], step
    assert report.count > 1, step
    assert report.smallest is not None and report.smallest >= READABLE_PIXELS, step


def change_depth(page: Page, depth: int) -> None:
    page.locator("[data-testid=stPopoverButton]").filter(has_text="Depth").click()
    page.get_by_role("radio", name=str(depth), exact=True).click()
    page.keyboard.press("Escape")


def test_a_walk_through_the_shipped_base_stays_legible(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1440, 900)
    page.goto(f"{shipped_url}/?node={START}")
    frame = graph_frame(page)
    revision = str(frame.evaluate("document.body.dataset.revision"))
    assert_legible(frame, "landing", START)

    def step(name: str, focus: str, kept: set[str] | None = None, dense: bool = False) -> None:
        """After an action: laid out again, legible. ``kept``: the pages on
        screen before a change that keeps them in place (a depth change)."""
        nonlocal revision
        revision = wait_until_laid_out(frame, revision)
        new = None if kept is None else set(positions(frame)) - kept
        assert_legible(frame, name, focus, new, dense=dense)

    double_click_node(page, frame, GET_CONTEXT)
    expect_panel_title(page, "multiprocessing.get_context(method)")
    step("opened get_context", GET_CONTEXT)

    node_point(page, frame, START)  # in view, as a reader would see it before holding it
    before = positions(frame)
    hold_node(page, frame, START)
    revision = wait_until_laid_out(frame, revision)
    after = positions(frame)
    assert set(after) > set(before), "the hold added no page"
    assert_legible(frame, "held process start methods", GET_CONTEXT, set(after) - set(before))
    for node, (x, y) in before.items():
        assert abs(after[node][0] - x) < 0.5 and abs(after[node][1] - y) < 0.5, node

    double_click_node(page, frame, SET_START_METHOD)
    expect_panel_title(page, SET_START_METHOD_TITLE)
    step("opened set the start method", SET_START_METHOD)

    kept = set(positions(frame))
    change_depth(page, 2)
    step("depth 2", SET_START_METHOD, kept, dense=True)

    double_click_node(page, frame, POLARS)
    expect_panel_title(page, "Polars: use spawn, not fork, for multiprocessing")
    step("opened the Polars heuristic", POLARS, dense=True)

    page.go_back()
    expect_panel_title(page, SET_START_METHOD_TITLE)
    step("Back", SET_START_METHOD, dense=True)

    kept = set(positions(frame))
    change_depth(page, 3)
    step("depth 3", SET_START_METHOD, kept, dense=True)

    kept = set(positions(frame))
    change_depth(page, 1)
    step("depth 1", SET_START_METHOD, kept)
