"""The fault suite's parts: a real redis-server, real app servers (``streamlit
run app.py``) sharing it, browser stand-ins that speak Streamlit's websocket
protocol (tests/e2e/streamlit_client.py), and what is left afterwards, read
from the machine itself (processes by session, keys in Redis, server logs).

Every test here is marked ``faults`` (``python -m pytest -m faults`` runs the
suite alone). Waits have deadlines because the machine is shared; where the
product promises a time ("within 2 s"), the test measures it.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Collection, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import psutil
import pytest

from tests.e2e.harness import REPO, AppServer, app_server
from tests.redis_server import RedisServer

__all__ = [
    "DEADLINE_S",
    "FIXTURE_KB",
    "Pair",
    "RunCounter",
    "alive_in",
    "demo_runs",
    "run_async",
    "tracebacks",
]

FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
DEADLINE_S = 60.0
"""How long something a user waits for may take on a busy shared machine: a wait, not a claim."""
DEMO_MODULE = "heuristica.demos.spawn_vs_fork"
MAX_RUNS = 2

T = TypeVar("T")


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to the end in a thread of its own (a browser test's
    Playwright may hold this thread's event loop)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def demo_runs(servers: Collection[int]) -> set[int]:
    """The demo runs the app servers ``servers`` (pids) started that are alive,
    as the process sessions they run in (a run's processes share one session,
    whatever forks). Runs of other programs on the machine are not counted."""
    sessions = set()
    for process in psutil.process_iter(["cmdline", "status"]):
        if process.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if DEMO_MODULE not in (process.info["cmdline"] or []):
            continue
        try:
            if any(parent.pid in servers for parent in process.parents()):
                sessions.add(os.getsid(process.pid))
        except (OSError, psutil.Error):
            continue
    return sessions


def alive_in(sessions: Collection[int]) -> list[int]:
    """Pids of live processes (zombies have exited) in any of ``sessions``."""
    alive = []
    for process in psutil.process_iter(["status"]):
        try:
            if (
                process.info["status"] != psutil.STATUS_ZOMBIE
                and os.getsid(process.pid) in sessions
            ):
                alive.append(process.pid)
        except OSError:
            continue
    return alive


class RunCounter:
    """Counts, every 20 ms in a thread, the demo runs of ``servers`` alive at
    once: the most seen, and every run's session."""

    def __init__(self, servers: Collection[int]) -> None:
        self.servers = set(servers)
        self.most = 0
        self.seen: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._count, daemon=True)

    def __enter__(self) -> RunCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _count(self) -> None:
        while not self._stop.wait(0.02):
            now = demo_runs(self.servers)
            self.seen |= now
            self.most = max(self.most, len(now))


def tracebacks(log: Path | None) -> list[str]:
    """The tracebacks a server wrote to its log (what an operator would find)."""
    if log is None or not log.exists():
        return []
    text = log.read_text(encoding="utf-8", errors="replace")
    return [chunk[:2000] for chunk in text.split("Traceback (most recent call last):")[1:]]


@dataclass
class Pair:
    """Two app servers on one Redis, as behind a load balancer."""

    redis: RedisServer
    first: AppServer
    second: AppServer

    @property
    def servers(self) -> tuple[AppServer, AppServer]:
        return self.first, self.second

    @property
    def urls(self) -> list[str]:
        return [server.url for server in self.servers]

    @property
    def pids(self) -> set[int]:
        return {server.process.pid for server in self.servers}

    def mark(self) -> list[int]:
        """Where each server's log ends now."""
        return [len(server.log.read_bytes()) if server.log else 0 for server in self.servers]

    def logged(self, since: list[int] | None = None) -> str:
        """What both servers wrote to their logs (after ``since``, a ``mark``)."""
        starts = since or [0, 0]
        return "".join(
            server.log.read_bytes()[start:].decode(errors="replace")
            for server, start in zip(self.servers, starts, strict=True)
            if server.log is not None
        )

    def logs_without_tracebacks(self) -> None:
        for server in self.servers:
            found = tracebacks(server.log)
            assert not found, f"{server.url} logged a traceback:\n{found[0]}"


@pytest.fixture(scope="package")
def redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


def server_env(redis: RedisServer, database: int = 0) -> dict[str, str]:
    """A server's settings: Redis (``database`` of it), and a limit of ``MAX_RUNS``."""
    url = f"{redis.url.rsplit('/', 1)[0]}/{database}"
    return {"HEURISTICA_REDIS_URL": url, "HEURISTICA_DEMO_MAX_RUNS": str(MAX_RUNS)}


@contextmanager
def two_servers(redis: RedisServer, folder: Path) -> Iterator[Pair]:
    env = server_env(redis)
    with (
        app_server(FIXTURE_KB, log=folder / "first.log", env=env) as first,
        app_server(FIXTURE_KB, log=folder / "second.log", env=env) as second,
    ):
        yield Pair(redis, first, second)


@pytest.fixture(scope="package")
def pair(redis: RedisServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Two app servers shared by the tests that stop nothing but Redis."""
    with two_servers(redis, tmp_path_factory.mktemp("pair")) as servers:
        yield servers


@pytest.fixture
def clean_redis(redis: RedisServer) -> Iterator[RedisServer]:
    """The shared Redis, running and answering when the test starts and ends."""
    redis.stop()
    redis.start()
    yield redis
    redis.stop()
    redis.start()
