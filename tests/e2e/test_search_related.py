"""The "How are these two related?" screen in the real app and chromium: a
shared link lists the steps and draws them on the graph with each relation
named, a step opens its page, and a link naming no page says so."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RequestLog
from tests.e2e.locators import graph_frame

FIRST_LOAD_MS = 60_000
CPYTHON, POLARS = "environment/cpython-3-11", "environment/polars-2"


def test_a_shared_link_lists_each_step_and_a_step_opens_its_page(
    page: Page, app_url: str, requests_made: RequestLog
) -> None:
    page.goto(f"{app_url}/related?from={CPYTHON}&to={POLARS}")
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("1 shortest path, 3 links each")).to_be_visible(timeout=FIRST_LOAD_MS)
    captions = main.locator("[data-testid=stCaptionContainer]").filter(has_text="↓")
    expect(captions).to_have_text(["↓ required by", "↓ uses heuristic", "↓ requires"])
    expect(page).to_have_url(
        re.compile(r"/related\?from=environment(/|%2F)cpython-3-11&to=environment(/|%2F)polars-2$")
    )
    frame = graph_frame(page)
    named = frame.evaluate(
        "network.body.data.edges.get().filter(e => e.label).map(e => e.label.trim())"
    )
    assert sorted(named) == ["Requires", "Requires", "Uses heuristic"]
    main.locator("nav.links a", has_text="Polars 2").click()
    expect(page).to_have_url(re.compile(r"\?node=environment%2Fpolars-2$"))
    assert requests_made.remote == []


def test_a_link_naming_no_page_says_so(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/related?from={CPYTHON}&to=principle/nothing-here")
    main = page.locator("[data-testid=stMain]")
    expect(main.get_by_text("No page has the id")).to_be_visible(timeout=FIRST_LOAD_MS)
    expect(main.get_by_text("Choose both pages to see how they are related.")).to_be_visible()
