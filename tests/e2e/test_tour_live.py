"""Live sessions in the real app: one browser context presents, others follow
by code or by link (each context is a separate browser session).

Waits here have deadlines because a shared CI machine is slow at times; how
fast a room follows is measured by bench/bench_room.py, not asserted here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from heuristica.tours.sessions import (
    CODE_ALPHABET,
    CODE_LENGTH,
    ended_message,
    not_live_message,
)
from tests.e2e.conftest import RequestLog
from tests.e2e.locators import expect_step as expect_tour_step
from tests.e2e.locators import graph_frame, wait_for_focus

TOUR = "first-steps"
STEPS = 5
PAGES = [
    "heuristic/polars-use-spawn-not-fork",
    "principle/process-start-methods",
    "implementation/multiprocessing-get-context",
    "principle/malicious-markup",
]
CODE = rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$"
"""A session code as the presenter's page shows it."""
UNUSED = "Z" * CODE_LENGTH
DEADLINE_MS = 60_000
"""How long a page may take to show what it must: a wait, not a speed claim (on a
2-core machine shared with other test runs, chromium alone can take 20 s)."""
QUIET_MS = 3_000
"""How long a detached follower is watched for not moving."""


def plain(markdown: str) -> str:
    """A message as the reader sees it: Markdown code spans drawn as text."""
    return markdown.replace("`", "")


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in fresh browser contexts (separate cookies, separate Streamlit sessions)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", RequestLog().route)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(DEADLINE_MS)
        return page

    yield make
    for context in contexts:
        context.close()


def expect_step(page: Page, step: int) -> None:
    expect_tour_step(page, step, STEPS, DEADLINE_MS)


def arrow_keys_ready(page: Page) -> None:
    """Wait until the tour's arrow-key listener is mounted (ui/tour_keys.py): the
    step's text can be on screen before it, and a key pressed then is lost, as in
    any web page still loading."""
    page.wait_for_function("() => Boolean(window.__heuristicaTourKeys?.send)")


def open_tour(page: Page, app_url: str, step: int = 1) -> None:
    page.goto(f"{app_url}/tour?tour={TOUR}&step={step}")
    expect_step(page, step)


def present(page: Page, app_url: str) -> str:
    open_tour(page, app_url)
    page.get_by_role("button", name="Present").click()
    code = page.get_by_test_id("stMetricValue")
    expect(code).to_have_text(re.compile(CODE), timeout=DEADLINE_MS)
    return code.inner_text()


def join(page: Page, app_url: str, code: str) -> None:
    page.goto(f"{app_url}/tour")
    page.get_by_role("button", name="Follow").click()
    field = page.get_by_label("Session code")
    field.fill(code)
    field.press("Enter")
    click(page, "Join")


def wait_until_idle(page: Page) -> None:
    """Until the app has finished its run (as Streamlit's own e2e helpers do)."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]')


def click(page: Page, name: str) -> None:
    wait_until_idle(page)
    page.get_by_role("button", name=name, exact=True).click()


def expect_following(page: Page, code: str) -> None:
    expect(page.get_by_text(f"Following session {code} live.")).to_be_visible(timeout=DEADLINE_MS)


def expect_followers_at(step: int, followers: list[Page]) -> None:
    for follower in followers:
        expect_step(follower, step)
        wait_for_focus(graph_frame(follower), PAGES[step - 1])
        expect(follower).to_have_url(following_at(step), timeout=DEADLINE_MS)


def following_at(step: int) -> re.Pattern[str]:
    """A follower's URL at ``step``: the tour, the step and the session it follows."""
    keys = (f"tour={TOUR}", f"step={step}", "follow=[A-HJ-NP-Z2-9]+")
    return re.compile(r"\?" + "".join(rf"(?=(.*&)?{key}(&|$))" for key in keys))


def test_two_followers_follow_every_step_the_presenter_takes(app_url, new_page):
    presenter, *followers = new_page(), new_page(), new_page()
    code = present(presenter, app_url)
    for follower in followers:
        join(follower, app_url, code.lower())
        expect_following(follower, code)
        expect_step(follower, 1)
    click(presenter, "Next")
    expect_step(presenter, 2)
    expect_followers_at(2, followers)
    arrow_keys_ready(presenter)
    presenter.keyboard.press("ArrowRight")
    expect_step(presenter, 3)
    expect_followers_at(3, followers)
    click(presenter, "Previous")
    expect_step(presenter, 2)
    expect_followers_at(2, followers)


def test_the_join_link_follows_the_session_at_the_presenters_step(app_url, new_page):
    presenter, follower = new_page(), new_page()
    code = present(presenter, app_url)
    click(presenter, "Next")
    expect_step(presenter, 2)
    link = presenter.get_by_test_id("stCode").inner_text().strip()
    assert link == f"{app_url}/tour?follow={code}"
    follower.goto(link)
    expect_following(follower, code)
    expect_step(follower, 2)
    click(presenter, "Next")
    expect_step(follower, 3)


def test_a_follower_detaches_wanders_and_rejoins_at_the_presenters_step(app_url, new_page):
    presenter, follower = new_page(), new_page()
    code = present(presenter, app_url)
    join(follower, app_url, code)
    expect_following(follower, code)
    click(follower, "Detach")
    expect(follower.get_by_text(f"Detached from session {code}")).to_be_visible(timeout=DEADLINE_MS)
    click(follower, "Next")
    expect_step(follower, 2)
    click(follower, "Next")
    expect_step(follower, 3)
    click(presenter, "Next")
    expect_step(presenter, 2)
    follower.wait_for_timeout(QUIET_MS)
    expect(follower.get_by_text(f"Step 3 of {STEPS}", exact=True)).to_be_visible(timeout=0)
    click(follower, "Re-join")
    expect_step(follower, 2)
    click(presenter, "Next")
    expect_step(presenter, 3)
    arrow_keys_ready(presenter)
    presenter.keyboard.press("ArrowRight")
    expect_step(presenter, 4)
    expect_step(follower, 4)


def test_an_attached_follower_who_steps_on_their_own_is_detached(app_url, new_page):
    presenter, follower = new_page(), new_page()
    code = present(presenter, app_url)
    join(follower, app_url, code)
    expect_following(follower, code)
    click(follower, "Next")
    expect_step(follower, 2)
    expect(follower.get_by_text(f"Detached from session {code}")).to_be_visible(timeout=DEADLINE_MS)


def test_a_follower_is_told_plainly_the_session_ended_and_a_late_joiner_sees_no_session(
    app_url, new_page
):
    presenter, follower, late = new_page(), new_page(), new_page()
    code = present(presenter, app_url)
    join(follower, app_url, code)
    expect_following(follower, code)
    click(presenter, "Stop presenting")
    ended = follower.get_by_text(plain(ended_message(code)))
    expect(ended).to_be_visible(timeout=DEADLINE_MS)
    follower.wait_for_timeout(QUIET_MS)
    expect(ended).to_be_visible(timeout=0)
    join(late, app_url, code)
    expect(late.get_by_text(plain(not_live_message(code)))).to_be_visible(timeout=DEADLINE_MS)
    expect(late.get_by_role("button", name="Present")).to_be_visible(timeout=DEADLINE_MS)


def test_an_unknown_or_malformed_code_is_refused_clearly(app_url, new_page):
    follower = new_page()
    join(follower, app_url, UNUSED)
    expect(follower.get_by_text(plain(not_live_message(UNUSED)))).to_be_visible(timeout=DEADLINE_MS)
    join(follower, app_url, "K0")
    malformed = follower.get_by_text(f"A session code has {CODE_LENGTH} characters; K0 has 2.")
    expect(malformed).to_be_visible(timeout=DEADLINE_MS)


def test_arrow_keys_step_through_the_tour_even_from_inside_the_graph(app_url, page: Page):
    page.set_default_timeout(DEADLINE_MS)
    open_tour(page, app_url)
    arrow_keys_ready(page)
    page.keyboard.press("ArrowRight")
    expect_step(page, 2)
    frame = graph_frame(page)
    frame.locator("canvas").click(position={"x": 20, "y": 300})
    page.keyboard.press("ArrowRight")
    expect_step(page, 3)
    page.keyboard.press("ArrowLeft")
    expect_step(page, 2)


def test_arrow_keys_in_a_text_field_do_not_step(app_url, page: Page):
    page.set_default_timeout(DEADLINE_MS)
    open_tour(page, app_url, step=2)
    page.get_by_role("button", name="Follow").click()
    field = page.get_by_label("Session code")
    field.fill("AB")
    arrow_keys_ready(page)
    field.press("ArrowRight")
    field.blur()
    page.keyboard.press("ArrowLeft")
    # Keys reach the server in order: had the field's ArrowRight stepped (to 3),
    # the page's ArrowLeft would end on step 2, not 1. No waiting for nothing.
    expect_step(page, 1)
