"""The tour's graph re-fits on every step (issue 12, item 5): whatever step
a reader or a follower is moved to, every page of the tour is inside the
frame and none covers another."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Frame, Page

from tests.e2e.legibility import legibility
from tests.e2e.locators import expect_step, graph_frame, wait_until_laid_out

TOUR = "first-steps"
STEPS = 5


def assert_whole_and_legible(frame: Frame, step: str) -> None:
    report = legibility(frame)
    assert report.problems == [], step
    assert report.outside == [], step
    assert report.count > 1, step


def test_every_step_of_a_tour_shows_the_whole_path_in_the_frame(
    sized_page: Callable[[int, int], Page], app_url: str
):
    page = sized_page(1280, 720)
    page.goto(f"{app_url}/tour?tour={TOUR}&step=1")
    frame = graph_frame(page)
    revision = str(frame.evaluate("document.body.dataset.revision"))
    assert_whole_and_legible(frame, "step 1")
    for step in range(2, STEPS + 1):
        page.get_by_role("button", name="Next").click()
        expect_step(page, step, STEPS)
        revision = wait_until_laid_out(frame, revision)
        assert_whole_and_legible(frame, f"step {step}")
