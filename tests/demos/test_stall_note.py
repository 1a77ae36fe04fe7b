"""The Live demo's stall note counts what the runner counts (issue 23, item 1):
a parent slow to start its workers (importing Polars, running its own query)
is not on the time limit's clock, so the note never says a run is about to be
stopped that the runner lets go on."""

import time

from heuristica.demos.runs import PROGRESS_EVENTS, RunView
from heuristica.demos.spawn_vs_fork.report import seconds_left, stall_note
from heuristica.demos.spawn_vs_fork.settings import DemoSettings
from heuristica.processes.runner import run_module

TIME_LIMIT = 1.0
STARTS_AFTER = 2.5
"""The stand-in's parent reports its first progress this long after it starts:
longer than the time limit, well within the runner's start-up allowance."""


def test_the_note_never_announces_a_stop_the_runner_does_not_make() -> None:
    started = time.monotonic()
    progress: list[float] = []

    def seen(event: dict) -> None:
        if event["event"] in PROGRESS_EVENTS:
            progress.append(time.monotonic())

    outcome = run_module(
        "tests.demos.slow_progress",
        ["1", str(STARTS_AFTER)],
        TIME_LIMIT,
        on_event=seen,
        progress_events=PROGRESS_EVENTS,
    )
    ended = started + outcome.seconds
    assert outcome.status == "ok", "the runner lets a slow start go on"
    run = RunView(DemoSettings(time_limit=TIME_LIMIT), state="running", started_at=started)
    moment = started
    while moment < progress[0]:
        stall = run.stall(moment)
        assert stall is not None
        stopped_at = moment + seconds_left(*stall, TIME_LIMIT)
        assert stopped_at >= ended, f"at {moment - started:.1f} s the note said it stops then"
        moment += 0.1


def test_before_the_workers_start_the_note_counts_the_runners_allowance() -> None:
    run = RunView(DemoSettings(time_limit=2), state="running", started_at=100.0)
    assert run.stall(103.0) == (3.0, None)
    assert stall_note(3.0, None, 2.0) == (
        "Running for 3.0 s: the parent process is still starting (importing Polars, and "
        "running its own query first if it uses Polars). The time limit counts from when "
        "it starts the workers; if it has not started them within 9.0 s more (the time "
        "limit plus 10 s to start), the run is stopped."
    )
    assert stall_note(0.5, None, 2.0) is None, "just started"
    after = RunView(DemoSettings(time_limit=2), state="running", started_at=100, progress_at=102)
    assert after.stall(103.5) == (3.5, 1.5)
