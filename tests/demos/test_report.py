"""Verdicts and explanations shown for a run, and the registry pages link to."""

from pathlib import Path

import yaml

from heuristica import demos
from heuristica.demos.spawn_vs_fork.report import (
    COMPARE_ALL,
    LINKED_PAGES,
    STATUS_COLOURS,
    comparison_rows,
    explanation,
    fork_warning_note,
    fork_warnings,
    progress,
    stall_note,
    verdict,
)
from heuristica.demos.spawn_vs_fork.settings import DemoSettings, Method
from heuristica.processes.runner import RunOutcome

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
HUNG = DemoSettings(workers=4, tasks=8, time_limit=5)


def test_a_deadlock_verdict_says_how_long_and_how_many_processes_were_killed() -> None:
    outcome = RunOutcome(
        status="deadlock",
        message="no progress for 5 s: 4 of 4 workers ready, 0 of 8 tasks done",
        result={"status": "deadlock", "tasks_done": 0, "workers_ready": 4, "stuck_killed": 4},
    )

    assert verdict(HUNG, outcome) == (
        "deadlocked: 4 of 4 workers were ready and no task finished, then nothing moved "
        "for 5 s; 4 stuck processes were killed. No process of this run is left."
    )


def test_a_cancelled_run_reads_as_cancelled_by_the_reader_whatever_its_method() -> None:
    outcome = RunOutcome(status="cancelled", message="stopped on request", result={}, seconds=3.2)

    assert verdict(HUNG, outcome).startswith("cancelled by you after 3.2 s")
    for method, scenario in COMPARE_ALL:
        said = explanation(DemoSettings(method=method, scenario=scenario), "cancelled")
        assert said.startswith("You stopped this run before it could finish or be called stuck")
        assert "not guaranteed" not in said


def test_a_stall_says_how_long_it_has_run_and_how_long_until_it_is_called_stuck() -> None:
    assert stall_note(elapsed=4.0, stalled=0.5, time_limit=5) is None, "still making progress"
    assert stall_note(elapsed=6.25, stalled=2.0, time_limit=5) == (
        "Running for 6.2 s. No worker has reported for 2.0 s: if none does within 3.0 s "
        "more (5 s without progress), the run is called stuck and its processes are killed."
    )


def test_every_outcome_has_its_own_colour_and_a_deadlock_is_red() -> None:
    assert len(set(STATUS_COLOURS.values())) == len(STATUS_COLOURS)
    assert STATUS_COLOURS["deadlock"] == "#D32F2F"


def test_a_verdict_says_so_when_cleanup_failed() -> None:
    outcome = RunOutcome(
        status="deadlock",
        message="",
        result={"stuck_killed": 1},
        leftovers=[4242],
    )

    assert "Cleanup FAILED: processes [4242] are still running" in verdict(HUNG, outcome)


def test_an_ok_verdict_gives_the_measured_times() -> None:
    outcome = RunOutcome(
        status="ok", message="", result={"total_seconds": 0.7412, "startup_seconds": 0.7021}
    )

    assert verdict(HUNG, outcome).startswith(
        "finished: 8 tasks on 4 workers in 0.74 s; the workers took 0.70 s to start."
    )


def test_every_compared_run_has_an_explanation_with_links_to_pages_that_exist() -> None:
    page_ids = {
        yaml.safe_load(path.read_text(encoding="utf-8"))["id"] for path in KNOWLEDGE.rglob("*.yaml")
    }
    assert set(LINKED_PAGES) <= page_ids
    for method, scenario in COMPARE_ALL:
        expected = "deadlock" if (method, scenario) == COMPARE_ALL[0] else "ok"
        text = explanation(DemoSettings(method=method, scenario=scenario), expected)
        assert "(/?node=" in text


def test_progress_counts_ready_workers_and_finished_tasks() -> None:
    events = [
        {"event": "worker_ready", "pid": 1},
        {"event": "worker_ready", "pid": 2},
        {"event": "task_done", "task": 0},
    ]

    step = progress(HUNG, events)

    assert step.text == "2 of 4 workers ready, 1 of 8 tasks done"
    assert step.fraction == 3 / 12


def test_fork_warnings_are_picked_from_stderr_lines() -> None:
    warning = "x.py:1: DeprecationWarning: This process is multi-threaded, use of fork() ..."
    events = [{"event": "stderr", "line": warning}, {"event": "stderr", "line": "other"}]

    assert fork_warnings(events) == [warning]


def test_comparison_rows_show_not_run_for_runs_without_outcome() -> None:
    rows = comparison_rows([(DemoSettings(method=Method.SPAWN), None)])

    assert rows == [
        {
            "run": "spawn",
            "status": "not run",
            "start-up (s)": None,
            "workers + tasks (s)": None,
            "whole process (s)": None,
        }
    ]


def test_the_registry_knows_the_demo_the_heuristic_names() -> None:
    heuristic = yaml.safe_load(
        (KNOWLEDGE / "heuristic" / "polars-use-spawn-not-fork.yaml").read_text(encoding="utf-8")
    )

    assert heuristic["demo"] in demos.available()
    assert demos.REGISTRY[heuristic["demo"]].title


def test_the_fork_warning_note_fits_the_interpreter_and_what_it_said() -> None:
    assert "does not warn" in fork_warning_note("3.11.7", [])
    assert "emitted no fork warning" in fork_warning_note("3.12.1", [])
    assert "flags the risk" in fork_warning_note("3.12.1", ["DeprecationWarning: ..."])
    assert "(/?node=environment/cpython-fork-deprecation-warning)" in fork_warning_note(
        "3.13.0", []
    )
