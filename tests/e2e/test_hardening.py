"""The app in a real browser over knowledge folders an attacker or a careless
author could leave: files that cannot be pages, page text that tries to
fetch from other hosts or paint over the screen, and an app error."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import FIXTURE_KB, RequestLog, running_app
from tests.e2e.locators import graph_frame, node_ids, settled
from tests.kb import page as page_data
from tests.kb import write

DEEP = "x: " + "[" * 100_000 + "]" * 100_000
FIRST_LOAD_MS = 90_000
"""A fresh server loads the knowledge base on its first page: slow on a busy machine."""


@pytest.fixture(autouse=True)
def patient(page: Page) -> None:
    page.set_default_timeout(FIRST_LOAD_MS)


@pytest.fixture(scope="module")
def littered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The explorer's test pages, plus a page nested 100,000 levels deep, an
    editor's dangling lock link, a named pipe, a socket and a link outside."""
    root = tmp_path_factory.mktemp("littered") / "knowledge"
    shutil.copytree(FIXTURE_KB, root)
    write(root, "principle/deep.yaml", f"type: principle\nid: principle/deep\n{DEEP}\n")
    os.symlink("root@host.4242:1700000000", root / ".#polars-2.yaml")
    os.mkfifo(root / "pipe.yaml")
    os.symlink("/etc/hostname", root / "outside.yaml")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(root / "socket.yaml"))
        with running_app(root) as url:
            yield url


def test_a_littered_folder_still_shows_the_graph_and_every_page(page: Page, littered: str) -> None:
    page.goto(f"{littered}/?node=heuristic/polars-use-spawn-not-fork")
    page.get_by_role("heading", name="Polars: use spawn, not fork").wait_for()
    assert "environment/polars-2" in node_ids(graph_frame(page))
    page.goto(f"{littered}/browse")
    page.get_by_text("9 of 9 pages").wait_for()
    main = page.locator("[data-testid=stMain]")
    for title in ("Polars 2", "Process start methods", "multiprocessing.get_context"):
        main.get_by_role("link", name=title).first.wait_for()


def test_the_problems_page_lists_why_each_file_was_not_read(page: Page, littered: str) -> None:
    page.goto(f"{littered}/problems")
    page.get_by_role("heading", name="Problems").wait_for()
    page.get_by_text("4 of 4 problems").wait_for()
    # the grid draws on a canvas: read the cells (4 columns) from its accessible table
    cell = "[data-testid=stDataFrame] [role=gridcell]"
    page.wait_for_function(f"document.querySelectorAll({cell!r}).length >= 16")
    cells = page.locator(cell).all_inner_texts()
    text = " ".join(cells)
    for expected in (
        "principle/deep.yaml:3:",
        "too deep",
        "pipe.yaml",
        "is a named pipe, not a regular file; not read",
        "socket.yaml",
        "outside.yaml",
        "outside the knowledge folder",
    ):
        assert expected in text, (expected, text)
    assert ".#polars-2.yaml" not in text
    assert "/tmp/" not in page.locator("[data-testid=stMain]").inner_text()


HOSTILE_TEXT = (
    "A picture: ![a diagram](https://elsewhere.example/diagram.png)\n\n"
    "A formula: $\\rule{3000px}{3000px}$ and $x^2$\n\n"
    "$$\n\\rule{3000px}{3000px}\\Huge\\hspace{900em}X\n$$\n\n"
    "<img src=https://elsewhere.example/raw.png>"
)


@pytest.fixture(scope="module")
def hostile_media(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("media")
    write(
        root,
        "h.yaml",
        page_data(
            "heuristic/media",
            ("requires_env", "environment/linux"),
            title="Media \u202etxt.exe",
            description=HOSTILE_TEXT,
        ),
    )
    write(root, "e.yaml", page_data("environment/linux"))
    with running_app(root) as url:
        yield url


def test_page_text_fetches_nothing_from_other_hosts_and_covers_nothing(
    page: Page, hostile_media: str, requests_made: RequestLog
) -> None:
    page.goto(f"{hostile_media}/?node=heuristic/media")
    page.get_by_role("heading", name="Media ⟨U+202E⟩txt.exe").wait_for()
    main = page.locator("[data-testid=stMain]")
    diagram = main.get_by_role("link", name="a diagram")
    diagram.wait_for()  # Streamlit draws Markdown with math once KaTeX has loaded
    expect(diagram).to_have_attribute("href", "https://elsewhere.example/diagram.png")
    main.locator(".katex").first.wait_for()  # $x^2$ is typeset
    settled(page)
    assert requests_made.remote == []
    assert main.locator("img[src*=elsewhere]").count() == 0
    viewport = page.viewport_size
    assert viewport is not None
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.katex, .katex *')]
            .map(e => e.getBoundingClientRect())
            .map(r => ({width: r.width, height: r.height}))"""
    )
    assert boxes and max(box["width"] for box in boxes) < viewport["width"] / 4
    assert max(box["height"] for box in boxes) < viewport["height"] / 4
    assert "\\rule{3000px}{3000px}" in main.inner_text()  # shown as code, as written


BOOM = """
import streamlit as st

st.title("Before the error")
raise RuntimeError(f"secret detail from {__file__}")
"""


def test_an_error_shows_a_short_notice_and_no_traceback(page: Page, tmp_path: Path) -> None:
    script = tmp_path / "boom.py"
    script.write_text(BOOM, encoding="utf-8")
    log = tmp_path / "server.log"
    with running_app(FIXTURE_KB, script=script, log=log) as url:
        page.goto(url)
        page.get_by_text("This app has encountered an error").wait_for()
        shown = page.locator("body").inner_text()
    for secret in ("secret detail", "RuntimeError", "Traceback", str(tmp_path), "boom.py"):
        assert secret not in shown
    logged = log.read_text(encoding="utf-8")
    assert "Traceback" in logged and f"RuntimeError: secret detail from {script}" in logged
