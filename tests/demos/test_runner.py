"""The runner and the run board, with the real module in real processes."""

import time
from collections.abc import Sequence
from typing import Any

import pytest

from heuristica.demos.runs import PROGRESS_EVENTS, Batch, RunBoard
from heuristica.demos.slots import RunnerBusy, RunSlots
from heuristica.demos.spawn_vs_fork.settings import (
    DemoSettings,
    Method,
    Scenario,
    SettingsError,
    parse_settings,
)
from heuristica.processes import runner
from heuristica.processes.runner import RunOutcome, run_module
from tests.demos.conftest import alive_in_session, still_running

MODULE = "heuristica.demos.spawn_vs_fork"
HUNG = DemoSettings(
    method=Method.FORK, scenario=Scenario.PARENT_USES_POLARS, workers=2, tasks=4, rows=1000
)


def quick(**changes: object) -> DemoSettings:
    return parse_settings({**HUNG.as_dict(), "time_limit": 2, **changes})


def found(board: RunBoard, batch_id: str) -> Batch:
    batch = board.get(batch_id)
    assert batch is not None, f"no batch {batch_id}"
    return batch


def outcome_status(outcome: RunOutcome | None) -> str:
    assert outcome is not None, "the run has not ended"
    return outcome.status


def worker_pids(events: Sequence[dict[str, Any]]) -> set[int]:
    return {event["pid"] for event in events if event["event"] == "worker_ready"}


def test_runner_reports_a_deadlock_at_the_time_limit_and_nothing_is_left() -> None:
    settings = quick()
    pids: list[int] = []

    outcome = run_module(
        MODULE, settings.command_args(), settings.time_limit, on_started=pids.append
    )

    assert outcome.status == "deadlock"
    assert outcome.result["stuck_killed"] == 2
    assert outcome.leftovers == []
    assert alive_in_session(pids[0]) == []
    assert still_running(worker_pids(outcome.events)) == []


def test_runner_kills_a_module_that_does_not_report_in_time(monkeypatch) -> None:
    monkeypatch.setattr(runner, "STARTUP_ALLOWANCE_SECONDS", 0.0)
    settings = quick(time_limit=20)
    pids: list[int] = []

    outcome = run_module(MODULE, settings.command_args(), 1.5, on_started=pids.append)

    assert outcome.status == "deadlock"
    assert "did not report within 1.5 s" in outcome.message
    assert outcome.leftovers == []
    assert alive_in_session(pids[0]) == []
    assert still_running(worker_pids(outcome.events)) == []


def test_a_module_that_keeps_reporting_progress_is_not_stopped_for_being_slow(
    monkeypatch,
) -> None:
    monkeypatch.setattr(runner, "STARTUP_ALLOWANCE_SECONDS", 0.0)

    outcome = run_module(
        "tests.demos.slow_progress", ["8", "0.3"], 2.0, progress_events={"worker_ready"}
    )

    assert outcome.status == "ok", outcome.message
    assert [event["event"] for event in outcome.events].count("worker_ready") == 8


def test_a_module_that_stops_reporting_progress_is_stopped_after_the_limit(monkeypatch) -> None:
    monkeypatch.setattr(runner, "STARTUP_ALLOWANCE_SECONDS", 0.0)

    outcome = run_module(
        "tests.demos.slow_progress", ["2", "30"], 1.0, progress_events={"worker_ready"}
    )

    assert outcome.status == "deadlock"
    assert "made no progress for 1 s" in outcome.message
    assert outcome.leftovers == []


def test_a_slow_run_that_keeps_finishing_tasks_is_not_called_stuck() -> None:
    """Forty tasks on one worker take longer than the limit, each far less:
    the limit is on a stall, not on the whole run."""
    settings = quick(method="spawn", workers=1, tasks=40, rows=1_000_000, time_limit=3)

    outcome = run_module(
        MODULE, settings.command_args(), settings.time_limit, progress_events=PROGRESS_EVENTS
    )

    assert outcome.status == "ok", outcome.message
    assert outcome.result["tasks_done"] == 40


def test_a_cold_spawn_start_slower_than_the_limit_is_not_called_stuck() -> None:
    """Eight fresh interpreters importing Polars on two cores take longer than
    the one-second limit to be ready; they are busy starting, not stuck."""
    settings = quick(method="spawn", workers=8, tasks=8, time_limit=1)

    outcome = run_module(
        MODULE, settings.command_args(), settings.time_limit, progress_events=PROGRESS_EVENTS
    )

    assert outcome.status == "ok", outcome.message
    assert outcome.result["workers_ready"] == 8


@pytest.mark.parametrize(
    ("settings", "status"),
    [
        (quick(scenario="parent-idle"), "ok"),
        (quick(method="spawn"), "ok"),
        (quick(method="forkserver"), "ok"),
    ],
)
def test_runner_relays_every_event_of_a_successful_run(settings, status: str) -> None:
    outcome = run_module(MODULE, settings.command_args(), settings.time_limit)

    kinds = [event["event"] for event in outcome.events]
    assert outcome.status == status
    assert kinds.count("task_done") == 4
    assert kinds.count("worker_ready") == 2
    assert kinds[-2:] == ["environment", "result"]
    assert outcome.leftovers == []


def test_cancel_stops_a_hung_run_and_leaves_nothing_behind() -> None:
    board = RunBoard(RunSlots(limit=1, max_waiting=0))
    batch_id = board.start([quick(time_limit=30)])
    batch = board.get(batch_id)
    assert batch is not None
    _wait_for(lambda: len(worker_pids(batch.views()[0].events)) == 2)
    session_id = batch.pid
    assert session_id is not None

    board.cancel(batch_id)
    assert board.wait(batch_id, timeout=10)

    (run,) = batch.views()
    assert run.outcome is not None
    assert run.outcome.status == "cancelled"
    assert run.outcome.leftovers == []
    assert alive_in_session(session_id) == []
    assert still_running(worker_pids(run.events)) == []


def test_no_more_runs_execute_at_once_than_the_limit_and_the_rest_wait_or_are_refused() -> None:
    board = RunBoard(RunSlots(limit=2, max_waiting=1))
    batch_ids = [board.start([quick()]) for _ in range(3)]
    with pytest.raises(RunnerBusy, match="all 2 demo slots are busy and 1 more runs are waiting"):
        board.start([quick()])

    batches = [found(board, batch_id) for batch_id in batch_ids]
    most_running = 0
    waited = False
    while not all(batch.finished for batch in batches):
        states = [batch.views()[0] for batch in batches]
        sessions = [batch.pid for batch in batches]
        live = [pid for pid in sessions if pid is not None and alive_in_session(pid)]
        most_running = max(most_running, len(live))
        waited |= any(run.state == "queued" and run.queue_position == 1 for run in states)
        time.sleep(0.05)

    assert most_running == 2
    assert waited
    statuses = [outcome_status(batch.views()[0].outcome) for batch in batches]
    assert statuses == ["deadlock"] * 3


class BrokenLine(RunSlots):
    """A limit whose wait fails in a way nobody planned for."""

    def wait_turn(self, *args: object, **kwargs: object) -> bool:
        raise RuntimeError("the line broke")


def test_a_batch_whose_thread_fails_ends_with_every_run_saying_why() -> None:
    board = RunBoard(BrokenLine(limit=1, max_waiting=1))
    batch_id = board.start([quick(), quick(method="spawn")])
    assert board.wait(batch_id, timeout=30)
    batch = board.get(batch_id)
    assert batch is not None
    runs = batch.views()
    assert [run.state for run in runs] == ["finished", "finished"], "no tab stays 'waiting'"
    messages = {run.outcome.message if run.outcome else None for run in runs}
    assert messages == {"the server could not run it (the line broke)"}
    assert board.slots.counts() == (0, 0), "its place in line was given back"


def test_a_comparison_runs_its_runs_one_after_another() -> None:
    board = RunBoard(RunSlots(limit=2, max_waiting=0))
    batch_id = board.start([quick(scenario="parent-idle"), quick(method="forkserver")])
    batch = found(board, batch_id)
    seen_states = set()
    while not batch.finished:
        seen_states.add(tuple(run.state for run in batch.views()))
        time.sleep(0.02)

    assert ("running", "running") not in seen_states
    assert ("running", "queued") in seen_states
    assert [outcome_status(run.outcome) for run in batch.views()] == ["ok", "ok"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"workers": 0}, "workers must be from 1 to 8, got 0"),
        ({"rows": 1.5}, "rows must be a whole number from 1 to 1,000,000, got 1.5"),
        ({"time_limit": True}, "time_limit must be a number from 1 to 60, got True"),
        ({"scenario": "parent-busy"}, "scenario must be one of parent-uses-polars, parent-idle"),
        ({"threads": 4}, "unknown setting threads"),
    ],
)
def test_bad_settings_are_refused_with_a_typed_error(raw: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        parse_settings(raw)


def _wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
