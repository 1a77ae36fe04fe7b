"""A fresh server whose very first request is a deep link still shows the app:
its navigation, its sidebar and the linked page with its query parameters."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from heuristica.kb.loader import load_knowledge
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


def test_the_server_loads_the_knowledge_base_before_it_takes_requests(tmp_path: Path) -> None:
    """``app.py`` warms the server up: by the time it answers its health check
    (``running_app`` waits for that), the pages are loaded, with no browser yet."""
    log = tmp_path / "server.log"
    with running_app(FIXTURE_KB, log=log):
        said = log.read_text(encoding="utf-8")
    pages = len(load_knowledge(FIXTURE_KB).pages)
    assert f"Heuristica: {pages} pages loaded from {FIXTURE_KB.resolve()}" in said
