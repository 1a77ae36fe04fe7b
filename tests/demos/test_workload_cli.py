"""The workload module, run for real from the command line."""

import signal
import time

import pytest

from tests.demos.conftest import QUICK, alive_in_session, finish_cli, start_cli, still_running


@pytest.mark.parametrize(
    ("method", "parent", "status"),
    [
        ("fork", "--parent-uses-polars", "deadlock"),
        ("fork", "--parent-idle", "ok"),
        ("spawn", "--parent-uses-polars", "ok"),
        ("forkserver", "--parent-uses-polars", "ok"),
    ],
)
def test_each_start_method_ends_with_the_expected_status_and_leaves_nothing(
    run_cli, method: str, parent: str, status: str
) -> None:
    run = run_cli("--method", method, parent, *QUICK)

    assert run.result["status"] == status
    assert run.returncode == (0 if status == "ok" else 1)
    assert len(run.of_kind("worker_ready")) == 2
    assert len(run.of_kind("task_done")) == (4 if status == "ok" else 0)
    assert alive_in_session(run.session_id) == []
    assert still_running(run.pids_seen()) == []


def test_events_start_with_the_settings_and_name_the_environment(run_cli) -> None:
    run = run_cli("--method", "fork", "--parent-idle", *QUICK)

    assert run.events[0] == {
        "event": "start",
        "pid": run.session_id,
        "method": "fork",
        "scenario": "parent-idle",
        "workers": 2,
        "tasks": 4,
        "rows": 1000,
        "time_limit": 2.0,
    }
    (environment,) = run.of_kind("environment")
    assert set(environment) >= {
        "python",
        "platform",
        "default_start_method",
        "polars",
        "polars_threads",
        "cpu_count",
    }
    assert environment["polars_threads"] >= 1
    assert run.events[-1]["event"] == "result"
    assert all(event["seconds"] >= 0 for event in run.of_kind("task_done"))


def test_a_deadlocked_run_is_called_stuck_and_its_stuck_workers_are_killed(run_cli) -> None:
    # How soon after the stall the verdict comes is measured by bench/bench_demo.py.
    run = run_cli("--method", "fork", "--parent-uses-polars", *QUICK)

    assert run.result["status"] == "deadlock"
    assert run.result["tasks_done"] == 0
    assert run.result["workers_ready"] == 2
    assert run.result["message"] == "no progress for 2 s: 2 of 2 workers ready, 0 of 4 tasks done"
    assert run.result["stuck_killed"] == 2
    assert alive_in_session(run.session_id) == []


def test_sigterm_stops_a_hung_run_and_its_workers(run_cli) -> None:
    process = start_cli("--method", "fork", "--parent-uses-polars", *QUICK[:-1], "20")
    deadline = time.monotonic() + 10
    seen_ready = 0
    assert process.stdout is not None
    while seen_ready < 2 and time.monotonic() < deadline:
        seen_ready += '"worker_ready"' in process.stdout.readline()
    process.send_signal(signal.SIGTERM)
    run = finish_cli(process)

    assert run.result["status"] == "cancelled"
    assert run.result["stuck_killed"] == 2
    assert alive_in_session(run.session_id) == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--workers", "9"], "workers must be from 1 to 8, got 9"),
        (["--tasks", "0"], "tasks must be from 1 to 64, got 0"),
        (["--rows", "1000001"], "rows must be from 1 to 1,000,000, got 1,000,001"),
        (["--timeout", "61"], "time_limit must be from 1 to 60, got 61"),
        (["--method", "vfork"], "method must be one of fork, spawn, forkserver, got 'vfork'"),
        (["--workers", "many"], "argument --workers: invalid int value: 'many'"),
        (["--parent-idle", "--parent-uses-polars"], "not allowed with argument"),
    ],
)
def test_bad_settings_exit_with_code_2_and_say_what_is_wrong(
    run_cli, arguments: list[str], message: str
) -> None:
    run = run_cli(*arguments)

    assert run.returncode == 2
    assert message in run.stderr
    assert run.events == []


def test_the_parent_forks_with_more_threads_once_it_has_used_polars(run_cli) -> None:
    idle = run_cli("--method", "spawn", "--parent-idle", *QUICK)
    warmed = run_cli("--method", "spawn", "--parent-uses-polars", *QUICK)

    (idle_start,) = idle.of_kind("workers_started")
    (warmed_start,) = warmed.of_kind("workers_started")
    assert warmed_start["parent_threads"] > idle_start["parent_threads"]
