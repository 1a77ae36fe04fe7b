"""Browser tests: the real app (`streamlit run app.py`) in Debian's chromium.

One server per test session, on a free port, over the explorer's test
knowledge base; one fresh browser context per test. Every request a page
makes is recorded, and any that would leave the machine is blocked.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, Request, Route, sync_playwright

REPO = Path(__file__).resolve().parents[2]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
START_TIMEOUT_S = 60


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError(f"streamlit was not healthy at {url} within {START_TIMEOUT_S} s")


@contextmanager
def running_app(knowledge: Path) -> Iterator[str]:
    """``streamlit run app.py`` over ``knowledge`` on a free port; yields its URL."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"chromium not found at {CHROMIUM}: run scripts/install-test-deps")
    port = _free_port()
    env = {**os.environ, "HEURISTICA_KNOWLEDGE": str(knowledge)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    with running_app(FIXTURE_KB) as url:
        yield url


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
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
