"""Browser tests: the real app (`streamlit run app.py`) in Debian's chromium.

One server per test session, on a free port, over the explorer's test
knowledge base; one fresh browser context per test. Every request a page
makes is recorded, and any that would leave the machine is blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Route,
    sync_playwright,
)

from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app

FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_app(FIXTURE_KB) as url:
        yield url


@pytest.fixture(scope="session")
def shipped_url() -> Iterator[str]:
    """The app over the shipped knowledge base (knowledge/)."""
    with running_app(REPO / "knowledge") as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run scripts/install-test-deps")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class RequestLog:
    """Every URL a page asked for; requests to other hosts are blocked."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def route(self, route: Route, request: Request) -> None:
        self.urls.append(request.url)
        if _leaves_the_machine(request.url):
            route.abort()
        else:
            route.continue_()

    @property
    def remote(self) -> list[str]:
        return [u for u in self.urls if _leaves_the_machine(u)]


def _leaves_the_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in {"file", "data", "blob", "about"} and (
        parts.hostname not in LOCAL_HOSTS
    )


@pytest.fixture
def requests_made() -> RequestLog:
    return RequestLog()


@pytest.fixture
def page(browser: Browser, requests_made: RequestLog) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", requests_made.route)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


@pytest.fixture
def sized_page(browser: Browser, requests_made: RequestLog) -> Iterator[Callable[[int, int], Page]]:
    """Pages at a given viewport size (and a longer default timeout: these
    tests walk the shipped base on a shared machine)."""
    contexts: list[BrowserContext] = []

    def open_page(width: int, height: int) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.route("**/*", requests_made.route)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
