"""`heuristica serve` from the installed wheel (tests/installed.py), started in
a folder outside the repository: the explorer comes up on the folder given,
with the component frontends the wheel carries, and nothing loaded from elsewhere."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RequestLog
from tests.e2e.harness import _free_port, _wait_healthy
from tests.e2e.locators import graph_frame
from tests.installed import TEAM_PAGES, heuristica, outside_env


def test_installed_serve_shows_the_folder_given_from_another_folder(
    venv: Path, team_folder: Path, page: Page, requests_made: RequestLog
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    elsewhere = team_folder / "elsewhere"
    elsewhere.mkdir()
    command = [heuristica(venv), "serve", "--knowledge", "../knowledge", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--server.address", "127.0.0.1"],
        cwd=elsewhere,
        env=outside_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_healthy(url, server)
        page.set_default_timeout(90_000)  # a fresh server's first page, on a busy machine
        page.goto(url)
        expect(page.get_by_text(f"{TEAM_PAGES} pages")).to_be_visible(timeout=90_000)
        graph_frame(page)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert requests_made.remote == []
