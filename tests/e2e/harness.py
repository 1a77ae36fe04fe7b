"""Start the app and chromium the same way for browser tests and browser benchmarks.

``running_app`` runs ``streamlit run`` on a free port over a given knowledge
base and yields its URL once ``/_stcore/health`` answers; ``CHROMIUM`` and
``CHROMIUM_ARGS`` launch Debian's chromium (Playwright cannot download one here).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "REPO", "AppServer", "app_server", "running_app"]

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
START_TIMEOUT_S = 60
HEALTH_POLL_S = 0.05
"""Short: a benchmark times a start from the process to the first answer."""


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
            time.sleep(HEALTH_POLL_S)
    raise RuntimeError(f"streamlit was not healthy at {url} within {START_TIMEOUT_S} s")


@dataclass(frozen=True)
class AppServer:
    """A running app server: its URL, its process and the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path | None
    started: float
    """``time.perf_counter()`` just before the process was started."""
    healthy: float
    """``time.perf_counter()`` when ``/_stcore/health`` first answered."""


@contextmanager
def app_server(
    knowledge: Path,
    script: Path = REPO / "app.py",
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
    base_path: str = "",
) -> Iterator[AppServer]:
    """``streamlit run script`` over ``knowledge`` on a free port, once it is healthy.
    ``log`` receives the server's output (by default it is dropped); ``env`` adds
    to (or overrides) the server's environment, e.g. HEURISTICA_REDIS_URL;
    ``base_path`` serves the app under that path (``server.baseUrlPath``), as
    behind a proxy. A test may stop or kill the process itself; whatever is
    left is stopped at the end."""
    port = _free_port()
    with open(log or os.devnull, "wb") as output:
        started = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(script),
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                *(["--server.baseUrlPath", base_path] if base_path else []),
            ],
            cwd=REPO,
            env={**os.environ, "HEURISTICA_KNOWLEDGE": str(knowledge), **(env or {})},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}" + (f"/{base_path}" if base_path else "")
        try:
            _wait_healthy(url, server)
            yield AppServer(url, server, log, started, time.perf_counter())
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def running_app(
    knowledge: Path,
    script: Path = REPO / "app.py",
    log: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """``app_server``, yielding only its URL."""
    with app_server(knowledge, script, log, env) as server:
        yield server.url
