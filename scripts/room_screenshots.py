"""Take docs/screenshots/tour-room-presenter.png, tour-room-follower.png and
tour-room-revealed.png from the real app: two servers on a real redis-server,
a presenter on one, five followers on both (two named), four answers, a hand,
a question and one follower detached at step 3; then the presenter reveals.

    python -m scripts.room_screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app
from tests.e2e.test_tour_live import CODE, DEADLINE_MS, click, wait_until_idle
from tests.redis_server import RedisServer

TOUR = "why-fork-deadlocks"
FOLLOWERS = (("second", "Ana", 2), ("first", "", 2), ("second", "Jonas", 1), ("first", "", 2))
"""(server, name, the index of the choice it picks; 2 is right) for those who answer."""
QUESTION = "Does this also happen with threads started by a C extension, not by Python?"


def new_page(browser: Browser, width: int, height: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.set_default_timeout(DEADLINE_MS)
    return page


def follow(page: Page, url: str, code: str, name: str) -> None:
    page.goto(f"{url}/tour?follow={code}")
    expect(page.get_by_text(f"Following session {code} live.")).to_be_visible()
    if name:
        field = page.get_by_role("textbox", name="Your name for the presenter")
        field.fill(name)
        field.press("Tab")


def shoot(browser: Browser, urls: dict[str, str], out: Path) -> None:
    presenter = new_page(browser, 1500, 2250)
    presenter.goto(f"{urls['first']}/tour?tour={TOUR}&step=1")
    click(presenter, "Present")
    shown = presenter.get_by_test_id("stMetricValue")
    expect(shown).to_have_text(re.compile(CODE))
    code = shown.inner_text()
    followers = []
    for server, name, choice in FOLLOWERS:
        follower = new_page(browser, 1400, 1300)
        follow(follower, urls[server], code, name)
        wait_until_idle(follower)
        follower.locator("[data-testid=stRadio] label").nth(choice).click()
        expect(follower.get_by_text("Your answer is with the presenter")).to_be_visible()
        followers.append(follower)
    ana, _, jonas, _ = followers
    click(jonas, "I'm lost on this step")
    field = ana.get_by_role("textbox", name="Your question about this page")
    field.fill(QUESTION)
    field.press("Tab")
    click(ana, "Send question")
    wanderer = new_page(browser, 1400, 1300)
    follow(wanderer, urls["second"], code, "")
    click(wanderer, "Detach")
    for _ in range(2):
        click(wanderer, "Next")
    expect(presenter.get_by_text(re.compile(r"^5 following · 4 on this step"))).to_be_visible()
    expect(presenter.get_by_text("2 waiting · 0 answered")).to_be_visible()
    presenter.get_by_text("Who is here (5)").click()
    for page in (presenter, ana):
        wait_until_idle(page)
        page.wait_for_timeout(1500)  # the graph's fit animation ends
    presenter.screenshot(path=out / "tour-room-presenter.png")
    ana.screenshot(path=out / "tour-room-follower.png")
    click(presenter, "Reveal the answer")
    expect(jonas.get_by_text("Not quite:")).to_be_visible()
    wait_until_idle(jonas)
    jonas.screenshot(path=out / "tour-room-revealed.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        redis = RedisServer(Path(scratch))
        redis.start()
        try:
            env = {"HEURISTICA_REDIS_URL": redis.url}
            knowledge = REPO / "knowledge"
            with (
                running_app(knowledge, env=env) as first,
                running_app(knowledge, env=env) as second,
                sync_playwright() as playwright,
            ):
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shoot(browser, {"first": first, "second": second}, args.out)
                browser.close()
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
