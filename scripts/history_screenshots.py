"""Take the screenshots of docs/reviewing-changes.md from the real app and the
real command, on this repository's own knowledge history: what changed
between two commits of 2026-11-25 and 2026-12-02 (the HTML diff and the What
changed screen), and the seed heuristic's history in its panel.

    python -m scripts.history_screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from heuristica.commands.cli import main as heuristica
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app
from tests.e2e.locators import expect_panel_title
from tests.e2e.test_tour_live import DEADLINE_MS, wait_until_idle

BASE = "cfede7d"
"""linux-glibc: what a hung Polars worker looks like in /proc (2026-11-25)."""
HEAD = "729f9ed"
"""Record the shipped base's verification (2026-12-02)."""
PAGE = "heuristic/polars-use-spawn-not-fork"
TITLE = "Polars: use spawn, not fork, for multiprocessing"


def settled(page: Page) -> None:
    wait_until_idle(page)
    page.wait_for_timeout(2500)  # the drawing's layout and fit animation end


def html_diff(page: Page, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        written = Path(tmp) / "knowledge-diff.html"
        code = heuristica(
            ["diff", BASE, HEAD, str(REPO / "knowledge"), "--format", "html", "-o", str(written)]
        )
        assert code == 0, f"heuristica diff exited {code}"
        page.goto(written.as_uri())
        page.wait_for_timeout(2500)
        page.screenshot(path=out / "diff-html.png")


def what_changed(page: Page, url: str, out: Path) -> None:
    page.goto(f"{url}/changes?base={BASE}&head={HEAD}")
    expect(page.get_by_text("pages: 8 added")).to_be_visible(timeout=DEADLINE_MS)
    settled(page)
    page.screenshot(path=out / "what-changed.png")


def page_history(page: Page, url: str, out: Path) -> None:
    page.goto(f"{url}/?node={PAGE}")
    expect_panel_title(page, TITLE)
    page.get_by_text("History", exact=True).click()
    history = page.get_by_test_id("stExpander").filter(has_text="History")
    expect(history.get_by_role("link").first).to_be_visible()
    history.scroll_into_view_if_needed()
    page.mouse.move(0, 0)  # no tooltip in the picture
    settled(page)
    history.screenshot(path=out / "page-history.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    with running_app(REPO / "knowledge") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.set_default_timeout(DEADLINE_MS)
        html_diff(page, args.out)
        what_changed(page, url, args.out)
        page_history(page, url, args.out)
        browser.close()


if __name__ == "__main__":
    main()
