"""Two app servers on one real redis-server, in chromium: a presenter on one
and followers on the other, a Redis restart mid-session, and the demo's run
limit held across both servers."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator

import psutil
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIXTURE_KB
from tests.e2e.harness import running_app
from tests.e2e.test_tour_live import (
    CODE,
    DEADLINE_MS,
    click,
    expect_following,
    expect_step,
    new_page,
    open_tour,
    wait_until_idle,
)
from tests.redis_server import RedisServer

__all__ = ["new_page"]

DEMO_MODULE = "heuristica.demos.spawn_vs_fork"


@pytest.fixture(scope="module")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def servers(redis: RedisServer) -> Iterator[tuple[str, str]]:
    env = {"HEURISTICA_REDIS_URL": redis.url, "HEURISTICA_DEMO_MAX_RUNS": "1"}
    with running_app(FIXTURE_KB, env=env) as first, running_app(FIXTURE_KB, env=env) as second:
        yield first, second


def present_on(page: Page, url: str) -> str:
    open_tour(page, url)
    click(page, "Present")
    code = page.get_by_test_id("stMetricValue")
    expect(code).to_have_text(re.compile(CODE), timeout=DEADLINE_MS)
    return code.inner_text()


def follow_by_link(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/tour?follow={code}")
    expect_following(page, code)


def expect_no_traceback(*pages: Page) -> None:
    for page in pages:
        expect(page.get_by_test_id("stException")).to_have_count(0, timeout=DEADLINE_MS)
        expect(page.get_by_text("Traceback")).to_have_count(0, timeout=DEADLINE_MS)


def test_followers_on_another_server_follow_every_step(
    servers: tuple[str, str], new_page: Callable[[], Page]
):
    first, second = servers
    presenter, *followers = new_page(), new_page(), new_page()
    code = present_on(presenter, first)
    for follower in followers:
        follow_by_link(follower, second, code)
    for step, button in ((2, "Next"), (3, "Next"), (4, "Next"), (3, "Previous")):
        click(presenter, button)
        expect_step(presenter, step)
        for follower in followers:
            expect_step(follower, step)


def test_a_redis_restart_mid_session_is_recovered_without_a_traceback(
    servers: tuple[str, str], redis: RedisServer, new_page: Callable[[], Page]
):
    first, second = servers
    presenter, follower = new_page(), new_page()
    code = present_on(presenter, first)
    follow_by_link(follower, second, code)
    click(presenter, "Next")
    expect_step(follower, 2)

    redis.stop()
    redis.start()  # empty: the session is gone from Redis

    click(presenter, "Next")
    expect_step(presenter, 3)
    expect_step(follower, 3)
    expect_following(follower, code)
    click(presenter, "Next")
    expect_step(follower, 4)
    expect_no_traceback(presenter, follower)


def test_while_redis_is_away_pages_say_so_and_reading_still_works(
    servers: tuple[str, str], redis: RedisServer, new_page: Callable[[], Page]
):
    first, _ = servers
    reader = new_page()
    redis.stop()
    try:
        open_tour(reader, first)
        click(reader, "Present")
        unreachable = re.compile(rf"Redis at {re.escape(redis.url)} does not answer")
        expect(reader.get_by_text(unreachable)).to_be_visible(timeout=DEADLINE_MS)
        click(reader, "Next")
        expect_step(reader, 2)
        reader.goto(f"{first}/")
        expect(reader.get_by_test_id("stSidebar")).to_be_visible(timeout=DEADLINE_MS)
        expect_no_traceback(reader)
    finally:
        redis.start()


def _demo_runs() -> int:
    """Demo runs alive on this machine: each is the leader of its own process session."""
    count = 0
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        try:
            leader = os.getsid(process.pid) == process.pid
        except OSError:
            continue
        count += leader and DEMO_MODULE in command
    return count


def prepare_hanging_run(page: Page, url: str) -> None:
    """The form for a fork run after Polars, one worker, that hangs until its 60 s
    stall limit (filled first: on a busy machine each field costs a rerun)."""
    page.goto(f"{url}/demo?scenario=fork-after-polars")
    for name, value in (
        ("Workers", "1"),
        ("Tasks", "1"),
        ("Rows per group_by", "1000"),
        ("Time limit (s)", "60"),
    ):
        field = page.get_by_role("spinbutton", name=name)
        field.fill(value)
        field.press("Enter")
    wait_until_idle(page)


def test_the_demo_run_limit_holds_across_both_servers(
    servers: tuple[str, str], new_page: Callable[[], Page]
):
    first, second = servers
    running, waiting_second, waiting_third = new_page(), new_page(), new_page()
    for page, url in ((running, first), (waiting_second, second), (waiting_third, first)):
        prepare_hanging_run(page, url)
    click(running, "Run")
    expect(running.get_by_text(re.compile(r"^1 of 1 workers ready"))).to_be_visible(
        timeout=DEADLINE_MS
    )
    click(waiting_second, "Run")
    expect(waiting_second.get_by_text("number 1 in line")).to_be_visible(timeout=DEADLINE_MS)
    click(waiting_third, "Run")
    expect(waiting_third.get_by_text("number 2 in line")).to_be_visible(timeout=DEADLINE_MS)
    most = max(_demo_runs() for _ in range(10))
    click(running, "Cancel run")
    expect(waiting_second.get_by_text(re.compile(r"^\d+ of 1 workers ready"))).to_be_visible(
        timeout=DEADLINE_MS
    )
    expect(waiting_third.get_by_text("number 1 in line")).to_be_visible(timeout=DEADLINE_MS)
    most = max(most, *(_demo_runs() for _ in range(10)))
    for page in (waiting_second, waiting_third):
        click(page, "Cancel run")
        expect(page.get_by_text(re.compile(r"^(cancelled by you|Not run)"))).to_be_visible(
            timeout=DEADLINE_MS
        )
    assert most == 1, f"{most} demo runs at once with a limit of 1 across both servers"
