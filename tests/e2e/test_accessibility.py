"""No accessibility violations (issue 23): axe-core 4.14.1, vendored in
tests/e2e/axe/, run by Playwright inside the real pages of the app on the
shipped knowledge base and inside the graph's frame, at WCAG 2.1 A and AA:
Explore (both layouts, the preview card open, the whole graph, a phone),
Browse, How related?, the search box's results, Live demo (before and after
a real run), Tours as reader, presenter and follower, Problems, and the HTML
hand-out. The graph's frame and canvas keep their names."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Frame, Page, expect

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.tours.handout import tour_html
from heuristica.tours.sessions import CODE_ALPHABET, CODE_LENGTH
from tests.e2e.axe import AXE, violations
from tests.e2e.harness import REPO
from tests.e2e.locators import (
    FRAME_SELECTOR,
    GRAPH_FRAME,
    click_node,
    graph_frame,
    open_settled,
    run_finished,
)

GET_CONTEXT = "implementation/multiprocessing-get-context"
LINUX = "environment/linux-glibc"
DEFAULT = "heuristic/polars-use-spawn-not-fork"
TOUR = "multiprocessing-with-polars-in-10-minutes"
LOAD_MS = 60_000


def test_the_vendored_axe_core_is_the_one_its_manifest_names() -> None:
    manifest = json.loads((AXE.parent / "axe-core.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "4.14.1" and manifest["file"] == AXE.name
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == manifest["sha256"]
    assert AXE.read_text(encoding="utf-8").startswith(f"/*! axe v{manifest['version']}")
    assert "Mozilla Public License" in (AXE.parent / "LICENSE-axe-core.txt").read_text()


STALE_FADE_MS = 500
"""Longer than Streamlit takes to fade an element back in after a run."""


def found(page: Page, where: str) -> dict[str, list[str]]:
    """What axe finds in the page and in every frame of it, by where and rule,
    once no run is in flight: while one is, Streamlit fades the elements it may
    replace (``data-stale``), and a half-faded text fails the contrast rule
    for a reason no reader meets at rest."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    expect(page.locator("[data-stale='true']")).to_have_count(0, timeout=LOAD_MS)
    page.wait_for_timeout(STALE_FADE_MS)
    problems: dict[str, list[str]] = {}
    frames: list[tuple[str, Frame]] = [(where, page.main_frame)]
    frames += [(f"{where} (graph)", f) for f in page.frames if GRAPH_FRAME in f.url]
    for name, frame in frames:
        for violation in violations(frame):
            problems[f"{name}: {violation['id']}"] = violation["nodes"][:3]
    return problems


def test_explore_browse_related_and_problems_have_no_violations(
    sized_page: Callable[[int, int], Page], shipped_url: str
) -> None:
    page = sized_page(1280, 720)
    problems: dict[str, list[str]] = {}

    page.goto(shipped_url)
    frame = graph_frame(page)
    assert page.locator(FRAME_SELECTOR).get_attribute("title") == "Knowledge graph"
    assert frame.locator("canvas").get_attribute("role") == "img"
    expect(frame.locator("canvas")).to_have_attribute("aria-label", re.compile("^Knowledge graph"))
    problems |= found(page, "Explore, wide graph")
    click_node(page, frame, DEFAULT)
    expect(frame.locator("#card")).to_be_visible()
    problems |= found(page, "Explore, preview card")

    open_settled(page, f"{shipped_url}/?node={GET_CONTEXT}")
    problems |= found(page, "Explore, beside the page")

    page.goto(f"{shipped_url}/browse")
    page.get_by_label("Filter by words").fill("forkservr")
    page.get_by_label("Filter by words").press("Enter")
    expect(page.get_by_text("read as “forkserver”")).to_be_visible()
    problems |= found(page, "Browse")

    open_settled(page, f"{shipped_url}/related?from={GET_CONTEXT}&to={LINUX}")
    problems |= found(page, "How related?")

    page.goto(f"{shipped_url}/problems")
    run_finished(page)
    problems |= found(page, "Problems")

    page.locator("#heuristica-search-input").fill("deadlok polras")
    expect(page.locator(".option").first).to_be_visible(timeout=LOAD_MS)
    problems |= found(page, "Search results")
    assert problems == {}


def test_explore_on_a_phone_has_no_violations(
    sized_page: Callable[[int, int], Page], shipped_url: str
) -> None:
    page = sized_page(390, 844)
    open_settled(page, f"{shipped_url}/?node={GET_CONTEXT}")
    assert found(page, "Explore on a phone") == {}


def test_the_live_demo_has_no_violations_before_or_after_a_run(
    sized_page: Callable[[int, int], Page], shipped_url: str
) -> None:
    page = sized_page(1280, 720)
    page.goto(f"{shipped_url}/demo?scenario=fork-idle-parent")
    run_finished(page)
    problems = found(page, "Live demo")
    for label, value in (("Workers", "1"), ("Tasks", "2"), ("Rows per group_by", "1000")):
        field = page.get_by_label(label, exact=True)
        field.fill(value)
        field.press("Enter")
        run_finished(page)
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page.get_by_text("No process of this run is left")).to_be_visible(timeout=LOAD_MS)
    run_finished(page)
    problems |= found(page, "Live demo, a run finished")
    assert problems == {}


def test_tours_as_reader_presenter_and_follower_have_no_violations(
    browser: Browser, shipped_url: str
) -> None:
    problems: dict[str, list[str]] = {}
    contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(2)]
    try:
        presenter, follower = (context.new_page() for context in contexts)
        for page in (presenter, follower):
            page.set_default_timeout(LOAD_MS)
        presenter.goto(f"{shipped_url}/tour?tour={TOUR}&step=3")
        graph_frame(presenter)
        run_finished(presenter)
        problems |= found(presenter, "Tour, reader")
        presenter.get_by_role("button", name="Present").click()
        code = presenter.get_by_test_id("stMetricValue")
        expect(code).to_have_text(re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"))
        graph_frame(presenter)
        run_finished(presenter)
        problems |= found(presenter, "Tour, presenter")
        follower.goto(f"{shipped_url}/tour?follow={code.inner_text()}")
        expect(follower.get_by_text("live.", exact=False)).to_be_visible()
        graph_frame(follower)
        run_finished(follower)
        problems |= found(follower, "Tour, follower")
    finally:
        for context in contexts:
            context.close()
    assert problems == {}


def test_the_html_hand_out_has_no_violations(page: Page, tmp_path: Path) -> None:
    result = load_knowledge(REPO / "knowledge")
    hand_out = tmp_path / "tour.html"
    tour = result.tours[TOUR]
    hand_out.write_text(tour_html(tour, KnowledgeGraph(result.pages)), encoding="utf-8")
    page.goto(hand_out.as_uri())
    page.wait_for_selector('body[data-ready="1"]')
    assert {v["id"]: v["nodes"][:3] for v in violations(page.main_frame)} == {}
