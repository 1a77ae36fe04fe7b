"""A fresh server whose very first request is a deep link still shows the app:
its navigation, its sidebar and the linked page with its query parameters."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.e2e.conftest import FIXTURE_KB, running_app


def test_first_request_to_a_deep_link_runs_inside_the_app(browser: Browser) -> None:
    with running_app(FIXTURE_KB) as url:
        page = browser.new_page()
        page.goto(f"{url}/demo?demo=spawn_vs_fork&scenario=spawn")
        nav = page.locator("[data-testid=stSidebarNav]")
        expect(nav.get_by_text("Explore")).to_be_visible(timeout=30_000)
        expect(nav.get_by_text("Live demo")).to_be_visible()
        expect(nav.get_by_text("explore", exact=True)).to_have_count(0)
        expect(page.get_by_text("Search pages")).to_be_visible(timeout=60_000)
        assert page.url.endswith("/demo?demo=spawn_vs_fork&scenario=spawn")
        page.close()
