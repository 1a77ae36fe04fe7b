"""Command line: ``python -m heuristica.demos.spawn_vs_fork --method fork --parent-uses-polars``.

Writes one JSON object per line to stdout as things happen and ends with a
``result`` object whose ``status`` is ``ok``, ``deadlock`` (no task finished
within the time limit), ``timeout`` (some but not all did), ``cancelled``
(SIGTERM or Ctrl-C) or ``error``. Exit code: 0 ok, 1 any other status,
2 bad arguments. It exits at the time limit and leaves no process behind.
"""

import argparse
import json
import multiprocessing
import os
import platform
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

import polars as pl

from heuristica.demos.spawn_vs_fork import workload
from heuristica.demos.spawn_vs_fork.settings import LIMITS, DemoSettings, Scenario, SettingsError
from heuristica.processes.cleanup import stop_descendants


def build_parser() -> argparse.ArgumentParser:
    defaults = DemoSettings()
    parser = argparse.ArgumentParser(
        prog="python -m heuristica.demos.spawn_vs_fork",
        description="Start Polars worker processes with fork, spawn or forkserver.",
    )
    parser.add_argument("--method", default=defaults.method.value, help="fork, spawn or forkserver")
    parent = parser.add_mutually_exclusive_group()
    parent.add_argument(
        "--parent-uses-polars",
        dest="scenario",
        action="store_const",
        const=Scenario.PARENT_USES_POLARS.value,
        help="the parent runs a parallel Polars query before starting workers (default)",
    )
    parent.add_argument(
        "--parent-idle",
        dest="scenario",
        action="store_const",
        const=Scenario.PARENT_IDLE.value,
        help="the parent never touches Polars",
    )
    for name, flag in (("workers", "--workers"), ("tasks", "--tasks"), ("rows", "--rows")):
        low, high = LIMITS[name]
        parser.add_argument(
            flag, type=int, default=getattr(defaults, name), help=f"{low} to {high:,}"
        )
    low, high = LIMITS["time_limit"]
    parser.add_argument(
        "--timeout",
        dest="time_limit",
        type=float,
        default=defaults.time_limit,
        help=f"seconds the workers get to finish every task, {low} to {high}",
    )
    parser.set_defaults(scenario=defaults.scenario.value)
    return parser


def environment() -> dict[str, Any]:
    """Facts about this interpreter; asking Polars for its pool size starts the pool."""
    return {
        "event": "environment",
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "default_start_method": multiprocessing.get_all_start_methods()[0],
        "start_methods": multiprocessing.get_all_start_methods(),
        "polars": pl.__version__,
        "polars_threads": pl.thread_pool_size(),
        "cpu_count": os.cpu_count(),
    }


def emit(event: dict[str, Any]) -> None:
    print(json.dumps(event), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    try:
        settings = DemoSettings(
            method=arguments.method,
            scenario=arguments.scenario,
            workers=arguments.workers,
            tasks=arguments.tasks,
            rows=arguments.rows,
            time_limit=arguments.time_limit,
        )
    except SettingsError as error:
        flag = "--timeout" if error.setting == "time_limit" else f"--{error.setting}"
        parser.error(f"argument {flag}: {error}")

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    started = time.monotonic()
    emit({"event": "start", "pid": os.getpid(), **settings.as_dict()})
    try:
        result = workload.run(settings, emit, stop_requested.is_set)
    except Exception as error:
        result = {
            "event": "result",
            "status": "error",
            "message": f"{type(error).__name__}: {error}",
        }
    # Polars' pool is started here at the latest, after the workers are gone.
    emit(environment())
    result["helpers_stopped"] = len(stop_descendants())
    result["wall_seconds"] = time.monotonic() - started
    emit(result)
    return 0 if result["status"] == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
