"""Helpers for the demo tests: run the real module and look at real processes."""

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Small enough to keep the suite quick; still reproduces the hang on every run.
QUICK = ["--workers", "2", "--tasks", "4", "--rows", "1000", "--timeout", "2"]


@dataclass
class CliRun:
    returncode: int
    events: list[dict[str, Any]]
    stderr: str
    session_id: int

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.events if event["event"] == kind]

    @property
    def result(self) -> dict[str, Any]:
        (result,) = self.of_kind("result")
        return result

    def pids_seen(self) -> set[int]:
        return {self.session_id} | {event["pid"] for event in self.of_kind("worker_ready")}


def alive_in_session(session_id: int) -> list[psutil.Process]:
    """Processes of a session that still run. A zombie has exited; only its entry remains."""
    alive = []
    for process in psutil.process_iter(["status"]):
        try:
            if (
                os.getsid(process.pid) == session_id
                and process.info["status"] != psutil.STATUS_ZOMBIE
            ):
                alive.append(process)
        except (ProcessLookupError, PermissionError):
            continue
    return alive


def still_running(pids: set[int]) -> list[int]:
    running = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                running.append(pid)
        except psutil.NoSuchProcess:
            continue
    return running


def start_cli(*args: str) -> subprocess.Popen[str]:
    """Start the demo's command line in its own session, as a terminal would."""
    return subprocess.Popen(
        [sys.executable, "-m", "heuristica.demos.spawn_vs_fork", *args],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def finish_cli(process: subprocess.Popen[str], timeout: float = 30) -> CliRun:
    stdout, stderr = process.communicate(timeout=timeout)
    return CliRun(
        returncode=process.returncode,
        events=[json.loads(line) for line in stdout.splitlines()],
        stderr=stderr,
        session_id=process.pid,
    )


@pytest.fixture
def run_cli():
    def run(*args: str) -> CliRun:
        return finish_cli(start_cli(*args))

    return run
