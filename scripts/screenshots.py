"""Take the screenshots in docs/screenshots (but the two of a live tour, which
scripts/tour_screenshots.py takes) from the real app on the shipped knowledge
base, in Debian's chromium:

- explorer.png: where one lands: the wide graph around the default page;
- panel.png: the whole page panel of the default page, as read beside the graph;
- search.png: the sidebar's results for a pasted error message;
- search-lit.png: what the search box finds, lit on the graph;
- related.png: How related? between get_context and the Linux page;
- demo.png: a fork pool deadlocking, caught and cleaned up;
- where-it-holds.png: the default page's "Where it holds" from the shipped
  record (every cell of the matrix), its first cell opened;
- verification.png: a page of the verify fixture, verified and recorded for
  real, one of its checks failing and opened.

    python -m scripts.screenshots [--out docs/screenshots] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from heuristica.commands.cli import main as heuristica
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app
from tests.e2e.locators import graph_frame, open_settled, run_finished

WAIT_MS = 120_000
DEFAULT = "heuristic/polars-use-spawn-not-fork"
GET_CONTEXT = "implementation/multiprocessing-get-context"
LINUX = "environment/linux-glibc"
ERROR = "RuntimeError: context has already been set"


PAUSE_MS = 1500
"""After the page settles: the graph's last redraw, fonts."""


def as_tall_as(page: Page, selector: str) -> None:
    """Make the window as tall as the element at ``selector`` reaches: the
    app scrolls inside the window, so what is below it is not drawn (an
    element shot taller than the window came out blank at the bottom). The
    element's top is scrolled into view first: one scrolled past (after a
    click lower down) came out blank at the top."""
    element = page.locator(selector)
    for _ in range(3):  # a resize can move things again
        element.evaluate("e => e.scrollIntoView({block: 'start'})")
        box, window = element.bounding_box(), page.viewport_size
        assert box is not None and window is not None
        height = int(box["y"] + box["height"]) + 100
        if height <= window["height"]:
            return
        page.set_viewport_size({"width": window["width"], "height": height})
        run_finished(page, PAUSE_MS)


def explorer(page: Page, url: str, out: Path) -> None:
    open_settled(page, url, PAUSE_MS)
    page.screenshot(path=out / "explorer.png")


def panel(page: Page, url: str, out: Path) -> None:
    open_settled(page, f"{url}/?node={DEFAULT}", PAUSE_MS)
    as_tall_as(page, ".st-key-explore_panel")
    page.locator(".st-key-explore_panel").screenshot(path=out / "panel.png")


def search(page: Page, url: str, out: Path) -> None:
    page.goto(url)
    graph_frame(page)
    page.locator("#heuristica-search-input").fill(ERROR)
    expect(page.locator(".option").first).to_be_visible(timeout=WAIT_MS)
    run_finished(page, PAUSE_MS)
    page.screenshot(path=out / "search.png")


def search_lit(page: Page, url: str, out: Path) -> None:
    page.goto(url)
    frame = graph_frame(page)
    page.locator("#heuristica-search-input").fill("deadlock")
    expect(page.get_by_text("(the search box) shown, lit")).to_be_visible(timeout=WAIT_MS)
    frame.wait_for_selector('body[data-ready="1"]')
    run_finished(page, PAUSE_MS)
    page.screenshot(path=out / "search-lit.png")


def related(page: Page, url: str, out: Path) -> None:
    open_settled(page, f"{url}/related?from={GET_CONTEXT}&to={LINUX}", PAUSE_MS)
    page.screenshot(path=out / "related.png")


GRID_ROW_PX = 35
"""The data grid's header and row height (Streamlit's default)."""


def where_it_holds(page: Page, url: str, out: Path) -> None:
    open_settled(page, f"{url}/?node={DEFAULT}", PAUSE_MS)
    as_tall_as(page, ".st-key-explore_panel")
    heading = page.get_by_role("heading", name="Where it holds")
    grid = page.get_by_test_id("stDataFrame")
    expect(grid.get_by_test_id("glide-cell-1-0")).not_to_be_empty()  # the grid is drawn
    box = grid.bounding_box()
    assert box is not None
    opened = page.locator(".st-key-where_it_holds_cell_" + DEFAULT.replace("/", "-"))
    for _ in range(3):  # a rerun that lands between the two can drop the key
        # The first check's name (its selection reruns the script, showing
        # nothing), then one cell to the right: the first environment.
        page.mouse.click(box["x"] + 20, box["y"] + GRID_ROW_PX * 1.5)
        run_finished(page)
        page.keyboard.press("ArrowRight")
        run_finished(page)
        if opened.is_visible():
            break
    expect(opened).to_be_visible()
    # The grid's toolbar shows while the pointer is on it or it has the focus.
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement.blur()")
    run_finished(page, PAUSE_MS)
    as_tall_as(page, ".st-key-explore_panel")
    top = heading.bounding_box()
    end = page.get_by_role("heading", name="Checks", exact=True).bounding_box()
    panel = page.locator(".st-key-explore_panel").bounding_box()
    assert top is not None and end is not None and panel is not None
    y = top["y"] - 8
    page.screenshot(
        path=out / "where-it-holds.png",
        clip={"x": panel["x"], "y": y, "width": panel["width"], "height": end["y"] - y},
    )


def demo(page: Page, url: str, out: Path) -> None:
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{url}/demo")
    run_finished(page, PAUSE_MS)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("No process of this run is left")).to_be_visible(timeout=WAIT_MS)
    run_finished(page, PAUSE_MS)
    page.get_by_text("fork after the parent used Polars").scroll_into_view_if_needed()
    page.screenshot(path=out / "demo.png")


def verification(browser: Browser, out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        knowledge = Path(folder) / "kb"
        shutil.copytree(REPO / "tests" / "fixtures" / "verify_kb", knowledge)
        heuristica(["verify", str(knowledge), "--record"])  # one check fails on purpose
        with running_app(knowledge) as url:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.set_default_timeout(WAIT_MS)
            page.goto(f"{url}/?node=heuristic/prefer-spawn")
            graph_frame(page)
            page.locator("summary", has_text="arithmetic-fails · fails").click()
            run_finished(page, PAUSE_MS)
            as_tall_as(page, ".st-key-explore_panel")
            page.locator(".st-key-explore_panel").screenshot(path=out / "verification.png")
            page.close()


SHOTS: dict[str, Callable[[Page, str, Path], None]] = {
    "explorer": explorer,
    "panel": panel,
    "search": search,
    "search-lit": search_lit,
    "related": related,
    "demo": demo,
    "where-it-holds": where_it_holds,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=[*SHOTS, "verification"])
    args = parser.parse_args()
    wanted = args.only or [*SHOTS, "verification"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with running_app(REPO / "knowledge") as url:
            for name in [name for name in wanted if name in SHOTS]:
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.set_default_timeout(WAIT_MS)
                SHOTS[name](page, url, args.out)
                page.close()
        if "verification" in wanted:
            verification(browser, args.out)
        browser.close()


if __name__ == "__main__":
    main()
