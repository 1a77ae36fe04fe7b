"""Hand-outs downloaded from the tour page: the HTML one draws the tour's
graph in a browser with no network at all; the Markdown one lists the steps."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, Request, Route

from heuristica.kb.loader import load_knowledge
from tests.e2e.conftest import FIXTURE_KB

TOUR = "first-steps"


def download(page: Page, app_url: str, button: str, folder: Path) -> Path:
    page.goto(f"{app_url}/tour?tour={TOUR}&step=2")
    with page.expect_download() as started:
        page.get_by_role("button", name=button).click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved


def test_html_hand_out_draws_the_tour_graph_with_the_network_blocked(
    app_url: str, page: Page, browser: Browser, tmp_path: Path
):
    hand_out = download(page, app_url, "Tour as HTML (offline)", tmp_path)
    assert hand_out.name == f"{TOUR}.html"
    tour = load_knowledge(FIXTURE_KB).tours[TOUR]
    attempted: list[str] = []

    def only_files(route: Route, request: Request) -> None:
        attempted.append(request.url)
        if request.url.startswith("file://"):
            route.continue_()
        else:
            route.abort()

    offline = browser.new_context()
    try:
        offline.route("**/*", only_files)
        reader = offline.new_page()
        reader.goto(hand_out.as_uri())
        reader.wait_for_function("window.network && network.body.data.nodes.length > 0")
        drawn = reader.evaluate("network.body.data.nodes.getIds()")
        assert sorted(drawn) == sorted({step.page for step in tour.steps})
        assert reader.locator("#graph canvas").count() == 1
        assert reader.locator("ol.steps > li").count() == len(tour.steps)
        assert reader.evaluate("window.__heuristicaXss") is None
        assert attempted == [hand_out.as_uri()]
    finally:
        offline.close()


def test_markdown_hand_out_lists_every_step(app_url: str, page: Page, tmp_path: Path):
    hand_out = download(page, app_url, "Tour as Markdown", tmp_path)
    text = hand_out.read_text(encoding="utf-8")
    tour = load_knowledge(FIXTURE_KB).tours[TOUR]
    for number in range(1, len(tour.steps) + 1):
        assert f"\n## Step {number}. " in text
    assert "**Check:** Which start method is safe once Polars has run in the parent?" in text
