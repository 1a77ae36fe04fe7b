"""The room, two-way, in chromium: followers on two app servers sharing one
real redis-server (and, once, on one server with the in-process store); the
presenter sees who follows and where, the answers filling in, hands and
questions; she reveals, marks answered and downloads the summary; a Redis
restart and a Redis outage lose no answer."""

from __future__ import annotations

import re
import signal
import time
from collections.abc import Callable

from playwright.sync_api import Page, expect

from heuristica.tours.audience import RAISE_LIMIT
from tests.e2e.conftest import FIXTURE_KB, RequestLog
from tests.e2e.harness import app_server
from tests.e2e.locators import graph_frame
from tests.e2e.test_shared_servers import follow_by_link, present_on, redis, servers
from tests.e2e.test_tour_live import (
    DEADLINE_MS,
    TOUR,
    click,
    expect_following,
    expect_step,
    new_page,
    open_tour,
)
from tests.redis_server import RedisServer

__all__ = ["new_page", "redis", "servers"]

HOSTILE = (
    '<img src=x onerror="window.__roomXss=1"><script>window.__roomXss=1</script> '
    "[see](javascript:window.__roomXss=1) ![t](http://example.com/t.png) why **spawn**?"
)
SECOND_PAGE = "principle/process-start-methods"


def expect_glance(page: Page, following: int, on_step: int, detached: int, left: int) -> None:
    line = f"{following} following · {on_step} on this step · {detached} detached · {left} left"
    expect(page.get_by_text(line)).to_be_visible(timeout=DEADLINE_MS)


def answer(page: Page, choice: str) -> None:
    page.get_by_text(choice, exact=True).click()
    expect(page.get_by_text("Your answer is with the presenter")).to_be_visible(timeout=DEADLINE_MS)


def expect_choice(page: Page, choice: str, count: int) -> None:
    expect(page.get_by_text(f"{choice}: {count}", exact=True)).to_be_visible(timeout=DEADLINE_MS)


def ask(page: Page, text: str) -> None:
    field = page.get_by_role("textbox", name="Your question about this page")
    field.fill(text)
    field.press("Tab")
    click(page, "Send question")


def test_the_presenter_sees_who_follows_where_and_who_left(
    servers: tuple[str, str], new_page: Callable[[], Page]
):
    first, second = servers
    presenter, ana, quiet, wanderer = new_page(), new_page(), new_page(), new_page()
    code = present_on(presenter, first)
    follow_by_link(ana, second, code)
    follow_by_link(quiet, first, code)
    follow_by_link(wanderer, second, code)
    name = ana.get_by_role("textbox", name="Your name for the presenter")
    name.fill("Ana <b>B</b> www.ana.example")
    name.press("Tab")
    expect_glance(presenter, 3, 3, 0, 0)

    click(wanderer, "Detach")
    click(wanderer, "Next")
    expect_step(wanderer, 2)
    expect_glance(presenter, 3, 2, 1, 0)
    frame = graph_frame(presenter)
    frame.wait_for_function(
        "id => (network.body.data.nodes.get(id) || {label: ''}).label.endsWith('(1 here)')",
        arg=SECOND_PAGE,
        timeout=DEADLINE_MS,
    )
    presenter.get_by_text("Who is here (3)").click()
    expect(presenter.get_by_text(re.compile(r"^Ana <b>B</b> www.*: on your step$"))).to_be_visible(
        timeout=DEADLINE_MS
    )
    assert presenter.locator('a[href*="ana"]').count() == 0
    expect(presenter.get_by_text("anonymous: detached, at step 2")).to_be_visible()

    quiet.context.close()
    expect_glance(presenter, 2, 1, 1, 1)
    click(wanderer, "Stop following")
    expect_glance(presenter, 1, 1, 0, 2)


def test_answers_fill_in_and_the_reveal_shows_each_follower_its_result(
    servers: tuple[str, str], new_page: Callable[[], Page]
):
    first, second = servers
    presenter, right, wrong, silent = new_page(), new_page(), new_page(), new_page()
    code = present_on(presenter, first)
    for follower, server in ((right, second), (wrong, first), (silent, second)):
        follow_by_link(follower, server, code)
    expect_glance(presenter, 3, 3, 0, 0)

    answer(right, "fork")
    expect_choice(presenter, "fork", 1)
    answer(right, "spawn")  # a changed answer replaces the first
    answer(wrong, "fork")
    expect_choice(presenter, "spawn", 1)
    expect_choice(presenter, "fork", 1)
    expect(presenter.get_by_text("2 answered · 1 following have not answered")).to_be_visible()
    for follower in (right, wrong, silent):
        expect(follower.get_by_text(re.compile(r"^(fork|spawn): \d"))).to_have_count(0)

    click(presenter, "Reveal the answer")
    expect(right.get_by_text("Right.")).to_be_visible(timeout=DEADLINE_MS)
    expect(wrong.get_by_text("Not quite: you chose “fork”; the answer is “spawn”.")).to_be_visible(
        timeout=DEADLINE_MS
    )
    expect(silent.get_by_text("The answer is “spawn”.")).to_be_visible(timeout=DEADLINE_MS)
    expect(wrong.get_by_role("radio", name="spawn")).to_be_disabled()
    expect(presenter.get_by_text("spawn ✓: 1", exact=True)).to_be_visible(timeout=DEADLINE_MS)


def test_a_hand_and_a_hostile_question_reach_the_queue_run_nothing_and_are_answered(
    servers: tuple[str, str],
    new_page: Callable[[], Page],
    page: Page,
    requests_made: RequestLog,
):
    first, second = servers
    presenter, lost, asker = page, new_page(), new_page()
    presenter.set_default_timeout(DEADLINE_MS)
    code = present_on(presenter, first)
    follow_by_link(lost, second, code)
    follow_by_link(asker, first, code)

    click(lost, "I'm lost on this step")
    expect(lost.get_by_text("Your hand is up")).to_be_visible(timeout=DEADLINE_MS)
    ask(asker, HOSTILE)
    expect(asker.get_by_text("Sent to the presenter")).to_be_visible(timeout=DEADLINE_MS)
    expect(presenter.get_by_text("2 waiting · 0 answered")).to_be_visible(timeout=DEADLINE_MS)
    expect(presenter.get_by_text("Lost on step 1")).to_be_visible()
    expect(presenter.get_by_text(HOSTILE, exact=True)).to_be_visible()
    assert presenter.evaluate("window.__roomXss") is None
    assert presenter.locator('img[src="x"], img[src*="example.com"]').count() == 0
    assert requests_made.remote == []

    for button in presenter.get_by_role("button", name="Mark answered").all()[:1]:
        button.click()
    expect(presenter.get_by_text("1 waiting · 1 answered")).to_be_visible(timeout=DEADLINE_MS)
    click(presenter, "Mark answered")
    expect(presenter.get_by_text("0 waiting · 2 answered")).to_be_visible(timeout=DEADLINE_MS)

    for number in range(2, RAISE_LIMIT + 1):
        ask(asker, f"question {number}")
        expect(asker.get_by_text(f"Sent to the presenter: “question {number}”")).to_be_visible(
            timeout=DEADLINE_MS
        )
    ask(asker, "one too many")
    expect(
        asker.get_by_text(re.compile(r"You have sent a few just now: wait \d+ s"))
    ).to_be_visible(timeout=DEADLINE_MS)
    expect(presenter.get_by_text(f"{RAISE_LIMIT - 1} waiting · 2 answered")).to_be_visible(
        timeout=DEADLINE_MS
    )
    expect(presenter.get_by_text("one too many")).to_have_count(0)

    with presenter.expect_download() as download:
        click(presenter, "Session summary (Markdown)")
    summary = download.value.path().read_text()
    assert f"# Live session {code}" in summary
    assert "hand raised (lost on this step), answered" in summary
    assert "\\<img src" in summary and "<img" not in summary.replace("\\<img", "")


def test_no_answer_is_lost_to_a_redis_restart_or_outage(
    servers: tuple[str, str], redis: RedisServer, new_page: Callable[[], Page]
):
    first, second = servers
    presenter, before, during = new_page(), new_page(), new_page()
    code = present_on(presenter, first)
    follow_by_link(before, second, code)
    follow_by_link(during, second, code)
    answer(before, "spawn")
    expect_choice(presenter, "spawn", 1)

    redis.stop()
    answer(during, "fork")  # kept by its server while Redis is away
    redis.start()  # empty
    expect_choice(presenter, "spawn", 1)
    expect_choice(presenter, "fork", 1)
    expect_glance(presenter, 2, 2, 0, 0)
    click(presenter, "Reveal the answer")
    expect(during.get_by_text("Not quite: you chose “fork”")).to_be_visible(timeout=DEADLINE_MS)


def test_a_follower_whose_server_was_killed_is_back_on_the_step_with_its_answer(
    servers: tuple[str, str], redis: RedisServer, new_page: Callable[[], Page]
):
    first, second = servers
    presenter, follower = new_page(), new_page()
    code = present_on(presenter, first)
    with app_server(FIXTURE_KB, env={"HEURISTICA_REDIS_URL": redis.url}) as doomed:
        follow_by_link(follower, doomed.url, code)
        answer(follower, "fork")
        expect_choice(presenter, "fork", 1)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait()
    click(presenter, "Next")
    expect_step(presenter, 2)

    started = time.monotonic()
    follower.goto(f"{second}/tour?follow={code}")  # a balancer sends it elsewhere alike
    expect_step(follower, 2)
    print(f"back on the presenter's step {time.monotonic() - started:.1f} s after reopening")
    click(presenter, "Previous")
    expect_step(follower, 1)
    expect(follower.get_by_role("radio", name="fork")).to_be_checked(timeout=DEADLINE_MS)
    expect_glance(presenter, 1, 1, 0, 0)  # the same follower, not one left and one new
    answer(follower, "spawn")
    expect_choice(presenter, "spawn", 1)
    expect_choice(presenter, "fork", 0)


def test_a_presenter_whose_server_was_killed_takes_her_session_back_on_another(
    servers: tuple[str, str], redis: RedisServer, new_page: Callable[[], Page]
):
    first, second = servers
    presenter, follower, stranger = new_page(), new_page(), new_page()
    with app_server(FIXTURE_KB, env={"HEURISTICA_REDIS_URL": redis.url}) as doomed:
        code = present_on(presenter, doomed.url)
        follow_by_link(follower, first, code)
        answer(follower, "fork")
        expect_choice(presenter, "fork", 1)
        doomed.process.send_signal(signal.SIGKILL)
        doomed.process.wait()

    open_tour(stranger, second)  # no key, no offer
    presenter.goto(f"{second}/tour?tour={TOUR}&step=1")
    click(presenter, "Take back the session")
    expect(presenter.get_by_test_id("stMetricValue")).to_have_text(code, timeout=DEADLINE_MS)
    expect_choice(presenter, "fork", 1)
    expect_glance(presenter, 1, 1, 0, 0)
    click(presenter, "Next")
    expect_step(follower, 2)
    expect_following(follower, code)
    expect(stranger.get_by_role("button", name="Take back the session")).to_have_count(0)


def test_one_server_without_redis_counts_answers_and_reveals(
    app_url: str, new_page: Callable[[], Page]
):
    presenter, follower = new_page(), new_page()
    code = present_on(presenter, app_url)
    follow_by_link(follower, app_url, code)
    expect_glance(presenter, 1, 1, 0, 0)
    answer(follower, "spawn")
    expect_choice(presenter, "spawn", 1)
    click(presenter, "Reveal the answer")
    expect(follower.get_by_text("Right.")).to_be_visible(timeout=DEADLINE_MS)
