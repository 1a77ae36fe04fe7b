"""No process outlives its server: an app server stopped (SIGTERM, SIGINT) or
killed (SIGKILL) mid-run, a verify killed mid-check, and a server starting up
where a dead one left runs behind. What is left is read from the machine:
the processes of every run's session, and the line in Redis."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
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
)
from tests.faults.demo_tabs import demo_tabs, start_runs
from tests.kb import page, write
from tests.redis_server import RedisServer
from tests.waiting import wait_until

pytestmark = pytest.mark.faults

RUN_S = 40.0
"""The runs' time limit: longer than any wait here, so only a cleanup ends them."""
GONE_WITHIN_S = 2.0
"""The promise: a run whose server was killed ends by itself within this."""

Start = Callable[..., list[AppServer]]


@pytest.fixture
def start_servers(clean_redis: RedisServer, tmp_path: Path) -> Iterator[Start]:
    """Start app servers at once, each on its own database of the shared Redis
    (its own run limit and line), each logging to ``<name>.log``."""
    with ExitStack() as stack:

        def start(*names: str) -> list[AppServer]:
            managers = [
                app_server(
                    FIXTURE_KB,
                    log=tmp_path / f"{name}.log",
                    env=server_env(clean_redis, database=index + 1),
                )
                for index, name in enumerate(names)
            ]
            for manager in managers:
                stack.push(manager.__exit__)
            with ThreadPoolExecutor(len(managers)) as starting:
                return list(starting.map(lambda manager: manager.__enter__(), managers))

        yield start


async def press_run(url: str, running: int, waiting: int) -> None:
    """Press Run in tabs on ``url``: ``running`` runs start, ``waiting`` wait in line."""
    async with demo_tabs([url], [RUN_S] * (running + waiting)) as tabs:
        await start_runs(tabs, running)


def runs_of(servers: list[AppServer], running: int, waiting: int = 0) -> list[set[int]]:
    """Start runs on every server at once; the sessions of those that run, by server."""

    async def on_every_server() -> None:
        await asyncio.gather(*(press_run(server.url, running, waiting) for server in servers))

    counters = [RunCounter({server.process.pid}) for server in servers]
    with ExitStack() as counting:
        for counter in counters:
            counting.enter_context(counter)
        run_async(on_every_server())
        time.sleep(0.1)  # one more count after the last run started
    assert [len(counter.seen) for counter in counters] == [running] * len(servers)
    return [counter.seen for counter in counters]


def line_is_empty(redis: RedisServer, database: int) -> bool:
    client = redis_py.Redis.from_url(redis.url.rsplit("/", 1)[0] + f"/{database}")
    try:
        return client.zcard("heuristica:demo:holders") + client.zcard("heuristica:demo:line") == 0
    finally:
        client.close()


def test_a_server_that_is_stopped_ends_its_runs_before_it_exits(
    start_servers: Start, clean_redis: RedisServer
) -> None:
    servers = start_servers("SIGTERM", "SIGINT")
    sessions = runs_of(servers, running=2, waiting=1)

    for server, stop in zip(servers, (signal.SIGTERM, signal.SIGINT), strict=True):
        server.process.send_signal(stop)
    for database, (server, runs) in enumerate(zip(servers, sessions, strict=True), start=1):
        server.process.wait(timeout=DEADLINE_S)
        assert alive_in(runs) == [], "the runs' processes outlived their server"
        assert line_is_empty(clean_redis, database), "the slots and the place in line went back"
        log = server.log.read_text(encoding="utf-8") if server.log else ""
        assert re.search(r"ended 2 demo runs and 1 waiting", log), log[-2000:]
        assert not tracebacks(server.log)


def decoy() -> subprocess.Popen[bytes]:
    """A process that looks like a demo run to a careless eye (the module's
    name in its command line) but that no app server started."""
    return subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(120)", "-m", DEMO_MODULE],
        start_new_session=True,
    )


def test_a_killed_servers_runs_end_within_2_s_and_the_next_server_ends_what_is_left(
    start_servers: Start, pair: Pair
) -> None:
    """Two runs on a server killed with SIGKILL. One run's own watchdog was
    killed with it (the OOM killer, a careless kill of everything but the
    demo): that run outlives its server, and the next server that starts on
    the machine ends it, leaving alone a look-alike and a live server's run.
    The other run ends by itself within 2 s."""
    (dead,) = start_servers("dead")
    (runs,) = runs_of([dead], running=2)
    orphan, ending = sorted(runs)
    (survivor,) = runs_of([pair.first], running=1)
    look_alike = decoy()
    try:
        os.kill(orphan, signal.SIGKILL)  # its session's leader: the watchdog, or the run itself
        dead.process.kill()
        dead.process.wait()
        gone_after = wait_until(lambda: not alive_in({ending}), timeout=DEADLINE_S, every=0.02)
        assert gone_after <= GONE_WITHIN_S, f"the run lived {gone_after:.2f} s after its server"
        assert alive_in({orphan}), "the run whose watchdog died outlived its server"

        (fresh,) = start_servers("fresh")

        assert alive_in({orphan}) == [], "the server that started ended the dead server's run"
        assert alive_in(survivor), "the live server's run goes on"
        assert look_alike.poll() is None, "a process no server started is left alone"
        log = fresh.log.read_text(encoding="utf-8") if fresh.log else ""
        said = rf"ended 1 demo run left by a server that stopped \(pid {dead.process.pid}\)"
        assert re.search(said, log), log
    finally:
        look_alike.kill()
        look_alike.wait()
        for pid in alive_in(survivor | {orphan}):
            os.kill(pid, signal.SIGKILL)


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


def checks_of(verify: int) -> set[int]:
    """The sessions of the checks the verify process ``verify`` runs (and no one else's)."""
    sessions = set()
    for process in psutil.process_iter(["cmdline"]):
        command = process.info["cmdline"] or []
        if not any(part.endswith("heuristica-check.py") for part in command):
            continue
        try:
            if verify in {parent.pid for parent in process.parents()}:
                sessions.add(os.getsid(process.pid))
        except (OSError, psutil.Error):
            continue
    return sessions


def the_child_runs(sessions: set[int]) -> bool:
    """Whether the check's program has started its child (``sleep(120)`` alone)."""
    for pid in alive_in(sessions):
        with contextlib.suppress(psutil.Error):
            if psutil.Process(pid).cmdline()[-1:] == ["import time; time.sleep(120)"]:
                return True
    return False


def test_a_killed_verify_ends_its_checks_within_2_s(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    write(folder, "heuristic/hangs.yaml", page("heuristic/hangs", checks=[HANGING_CHECK]))
    verify = [sys.executable, "-m", "graph", "verify", str(folder), "--page", "heuristic/hangs"]
    gone_after = killed_then_gone(verify, checks_of, the_child_runs)
    assert gone_after <= GONE_WITHIN_S, f"the check lived {gone_after:.2f} s after verify"


def killed_then_gone(
    command: list[str],
    sessions_of: Callable[[int], set[int]],
    started: Callable[[set[int]], bool] = bool,
) -> float:
    """Start ``command``, wait until the sessions it started (``sessions_of`` its
    pid) are ``started``, SIGKILL it: the seconds until those sessions are gone."""
    sessions: set[int] = set()
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: started(sessions_of(process.pid)))
        sessions = sessions_of(process.pid)
        process.kill()
        process.wait()
        return wait_until(lambda: not alive_in(sessions), timeout=DEADLINE_S, every=0.02)
    finally:
        process.kill()
        for pid in alive_in(sessions):
            os.kill(pid, signal.SIGKILL)


LAYING_OUT = """
import sys
from heuristica.live.whole_layout import LAYOUT_SECONDS
from heuristica.processes.runner import run_module

run_module("heuristica.draw.layout", sys.argv[1:], LAYOUT_SECONDS)
"""
"""What the server does to lay out the whole graph (``live.whole_layout``), alone."""


def layouts_of(server: int) -> set[int]:
    """The sessions of the layout processes ``server`` started."""
    sessions = set()
    for process in psutil.process_iter(["cmdline"]):
        if "heuristica.draw.layout" not in (process.info["cmdline"] or []):
            continue
        with contextlib.suppress(OSError, psutil.Error):
            if server in {parent.pid for parent in process.parents()}:
                sessions.add(os.getsid(process.pid))
    return sessions


def test_a_killed_servers_whole_graph_layout_ends_within_2_s(tmp_path: Path) -> None:
    from heuristica.draw.layout_file import write_request

    nodes = [f"heuristic/page-{number}" for number in range(300_000)]  # ~10 s to lay out
    edges = [(nodes[number], nodes[(number * 7919) % len(nodes)]) for number in range(len(nodes))]
    request = tmp_path / "whole.request"
    write_request(nodes, edges, request)
    server = [sys.executable, "-c", LAYING_OUT, str(request), str(tmp_path / "whole.json")]
    gone_after = killed_then_gone(server, layouts_of)
    assert gone_after <= GONE_WITHIN_S, f"the layout lived {gone_after:.2f} s after its server"
    assert not (tmp_path / "whole.json").exists()  # never a half-written layout
