"""Take docs/screenshots/tour-presenter.png and tour-follower.png from the real
app: a presenter starts the first tour, a follower joins by its link, the
presenter moves to step 3 and both are shot once the follower has caught up.

    python -m scripts.tour_screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import yaml
from playwright.sync_api import Page, expect, sync_playwright

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app
from tests.e2e.test_tour_live import CODE, DEADLINE_MS, click, wait_until_idle

TOUR = "multiprocessing-with-polars-in-10-minutes"
STEP = 3


def at_step(page: Page, steps: int) -> None:
    expect(page.get_by_text(f"Step {STEP} of {steps}", exact=True)).to_be_visible(
        timeout=DEADLINE_MS
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    with running_app(REPO / "knowledge") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        pages = []
        for _ in range(2):
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            page.set_default_timeout(DEADLINE_MS)
            pages.append(page)
        presenter, follower = pages
        tour = yaml.safe_load((REPO / "knowledge" / "tours" / f"{TOUR}.yaml").read_text())
        steps = len(tour["steps"])
        presenter.goto(f"{url}/tour?tour={TOUR}&step={STEP}")
        at_step(presenter, steps)
        click(presenter, "Present")
        code = presenter.get_by_test_id("stMetricValue")
        expect(code).to_have_text(re.compile(CODE), timeout=DEADLINE_MS)
        follower.goto(f"{url}/tour?follow={code.inner_text()}")
        at_step(follower, steps)
        expect(follower).to_have_url(re.compile(rf"step={STEP}$"), timeout=DEADLINE_MS)
        for page in pages:
            wait_until_idle(page)
        follower.wait_for_timeout(1500)  # the graph's fit animation ends
        presenter.screenshot(path=args.out / "tour-presenter.png")
        follower.screenshot(path=args.out / "tour-follower.png")
        browser.close()


if __name__ == "__main__":
    main()
