"""No process outlives its server: an app server stopped (SIGTERM, SIGINT) or
killed (SIGKILL) mid-run, a verify killed mid-check, and a server starting up
where a dead one left runs behind. What is left is read from the machine:
the processes of every run's session, and the line in Redis."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest
import redis as redis_py

from tests.e2e.harness import REPO, AppServer, app_server
from tests.faults.conftest import (
    DEADLINE_S,
    DEMO_MODULE,
    FIXTURE_KB,
    Pair,
    RunCounter,
    alive_in,
    run_async,
    server_env,
    tracebacks,
    wait_until,
)
from tests.faults.demo_tabs import HUNG, demo_tabs
from tests.kb import page, write
from tests.redis_server import RedisServer

pytestmark = pytest.mark.faults

RUN_S = 40.0
"""The runs' time limit: longer than any wait here, so only a cleanup ends them."""
GONE_WITHIN_S = 2.0
"""The promise: a run whose server was killed ends by itself within this."""

Start = Callable[[str], AppServer]


@pytest.fixture
def start_server(clean_redis: RedisServer, tmp_path: Path) -> Iterator[Start]:
    """Start app servers on the shared Redis, each logging to ``<name>.log``."""
    with ExitStack() as servers:

        def start(name: str) -> AppServer:
            log = tmp_path / f"{name}.log"
            return servers.enter_context(
                app_server(FIXTURE_KB, log=log, env=server_env(clean_redis))
            )

        yield start


async def press_run(url: str, running: int, waiting: int) -> None:
    """Press Run in tabs on ``url``: ``running`` runs start, ``waiting`` wait in line."""
    async with demo_tabs([url], [RUN_S] * (running + waiting)) as tabs:
        for tab in tabs[:running]:
            await tab.click("Run")
            await tab.wait_for_text(HUNG, DEADLINE_S)
        for tab in tabs[running:]:
            await tab.click("Run")
            await tab.wait_for_text("in line", DEADLINE_S)


def runs_of(server: AppServer, running: int, waiting: int = 0) -> set[int]:
    """Start runs on ``server``; the sessions of those that run."""
    with RunCounter({server.process.pid}) as counter:
        run_async(press_run(server.url, running, waiting))
        time.sleep(0.1)  # one more count after the last run started
    assert len(counter.seen) == running
    return counter.seen


def line_is_empty(redis: RedisServer) -> bool:
    client = redis_py.Redis.from_url(redis.url)
    try:
        return client.zcard("heuristica:demo:holders") + client.zcard("heuristica:demo:line") == 0
    finally:
        client.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_server_that_is_stopped_ends_its_runs_before_it_exits(
    start_server: Start, clean_redis: RedisServer, stop: signal.Signals
) -> None:
    server = start_server("stopped")
    sessions = runs_of(server, running=2, waiting=1)

    server.process.send_signal(stop)
    server.process.wait(timeout=DEADLINE_S)

    assert alive_in(sessions) == [], "the runs' processes outlived their server"
    assert line_is_empty(clean_redis), "the server gave its slots and its place in line back"
    log = server.log.read_text(encoding="utf-8") if server.log else ""
    assert re.search(r"ended 2 demo runs and 1 waiting", log), log[-2000:]
    assert not tracebacks(server.log)


def test_a_killed_servers_runs_end_by_themselves_within_2_s(start_server: Start) -> None:
    server = start_server("killed")
    sessions = runs_of(server, running=2)

    server.process.kill()
    server.process.wait()
    killed = time.monotonic()

    gone_after = wait_until(lambda: not alive_in(sessions), timeout=DEADLINE_S, every=0.02)
    assert gone_after <= GONE_WITHIN_S, f"the runs lived {gone_after:.2f} s after their server"
    assert time.monotonic() - killed < DEADLINE_S


def decoy() -> subprocess.Popen[bytes]:
    """A process that looks like a demo run to a careless eye (the module's
    name in its command line) but that no app server started."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "-m", DEMO_MODULE],
        start_new_session=True,
    )


def test_a_server_starting_up_ends_runs_a_dead_server_left_and_nothing_else(
    start_server: Start, pair: Pair
) -> None:
    """A crash that took a run's own watchdog too (the OOM killer, a kill of
    everything but the demo processes): the next server on the machine ends
    what is left, and leaves alone a look-alike and the runs of a live server."""
    dead = start_server("dead")
    orphans = runs_of(dead, running=1)
    survivor = runs_of(pair.first, running=1)
    look_alike = decoy()
    try:
        for pid in alive_in(orphans):
            command = psutil.Process(pid).cmdline()
            if DEMO_MODULE not in command:  # the run's watchdog, if it has one
                os.kill(pid, signal.SIGKILL)
        dead.process.kill()
        dead.process.wait()
        time.sleep(GONE_WITHIN_S)
        assert alive_in(orphans), "the run outlived its server and its watchdog"

        fresh = start_server("fresh")

        assert alive_in(orphans) == [], "the server that started ended the dead server's run"
        assert alive_in(survivor), "the live server's run goes on"
        assert look_alike.poll() is None, "a process no server started is left alone"
        log = fresh.log.read_text(encoding="utf-8") if fresh.log else ""
        assert re.search(
            rf"ended 1 demo run left by a server that stopped \(pid {dead.process.pid}\)", log
        ), log
    finally:
        look_alike.kill()
        look_alike.wait()
        for session in survivor:
            os.killpg(session, signal.SIGKILL)


HANGING_CHECK = {
    "name": "hangs-with-a-child",
    "claim": "The program and the child it starts keep running.",
    "expect": {"hangs": 50},
    "timeout": 55,
    "code": (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "print('started', flush=True)\n"
        "time.sleep(120)\n"
    ),
}


def check_processes() -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if any(part.endswith("heuristica-check.py") for part in command):
            found.append(process)
    return found


def check_sessions() -> set[int]:
    sessions = set()
    for process in check_processes():
        try:
            sessions.add(os.getsid(process.pid))
        except OSError:
            continue
    return sessions


def test_a_killed_verify_ends_its_checks_within_2_s(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    write(folder, "heuristic/hangs.yaml", page("heuristic/hangs", checks=[HANGING_CHECK]))
    verify = subprocess.Popen(
        [sys.executable, "-m", "graph", "verify", str(folder), "--page", "heuristic/hangs"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until(lambda: len(alive_in(check_sessions())) >= 2)  # the program and its child
        sessions = check_sessions()
        verify.kill()
        verify.wait()
        gone_after = wait_until(lambda: not alive_in(sessions), timeout=DEADLINE_S, every=0.02)
        assert gone_after <= GONE_WITHIN_S, f"the check lived {gone_after:.2f} s after verify"
    finally:
        verify.kill()
        for process in check_processes():
            process.kill()
