"""What the Live demo shows of a batch of runs: each run's progress, stall
note and verdict, the comparison of several, the fork warning CPython gave,
and the environment the runs measured."""

from __future__ import annotations

import time
from typing import Any

import streamlit as st

from heuristica.demos.runs import BOARD, RunView
from heuristica.demos.spawn_vs_fork.report import (
    comparison_chart,
    comparison_rows,
    explanation,
    fork_warning_note,
    fork_warnings,
    progress,
    scenario_label,
    stall_note,
    verdict,
)
from heuristica.demos.spawn_vs_fork.settings import DemoSettings
from heuristica.processes.runner import RunOutcome

__all__ = ["show_batch"]


def show_run(run: RunView) -> None:
    """Status, progress, verdict and explanation of one run."""
    st.markdown(f"**{scenario_label(run.settings)}**")
    if run.state == "queued" and (run.queue_position or run.waiting_note):
        show_waiting(run)
        return
    if run.state == "queued":
        st.caption("Starts when the run above has finished.")
        return
    if run.state == "skipped":
        st.caption("Not run: the batch was cancelled first.")
        return
    step = progress(run.settings, run.events)
    st.progress(step.fraction, text=step.text)
    stall = run.stall(time.monotonic())
    note = stall and stall_note(*stall, run.settings.time_limit)
    if note:
        st.warning(note, icon=":material/hourglass_top:")
    started = [event for event in run.events if event["event"] == "workers_started"]
    if started:
        st.caption(
            f"The parent process had {started[0]['parent_threads']} threads when it started "
            "its workers."
        )
    if run.outcome is None:
        return
    show_verdict(run.settings, run.outcome)


def show_waiting(run: RunView) -> None:
    """Its place in line, and what is wrong with the line if anything is."""
    place = f": number {run.queue_position} in line" if run.queue_position else ""
    text = f"Waiting for a free demo slot{place}."
    if run.waiting_note:
        st.warning(f"{text} {run.waiting_note}.", icon=":material/cloud_off:")
    else:
        st.info(text)


def show_verdict(settings: DemoSettings, outcome: RunOutcome) -> None:
    text = verdict(settings, outcome)
    if outcome.status == "ok" and not outcome.leftovers:
        st.success(text)
    else:
        st.error(text)
    st.markdown(explanation(settings, outcome.status))


def show_fork_warning_note(runs: list[RunView]) -> None:
    """CPython 3.12+ warns when a multi-threaded process forks; say what this one did."""
    environment = latest_environment(runs)
    if environment is None:
        return
    warnings = [line for run in runs for line in fork_warnings(run.events)]
    note = fork_warning_note(environment["python"], warnings)
    if warnings:
        st.warning(note)
        st.code("\n".join(warnings), language="text")
    else:
        st.caption(note)


def latest_environment(runs: list[RunView]) -> dict[str, Any] | None:
    found = [event for run in runs for event in run.events if event["event"] == "environment"]
    return found[-1] if found else None


def show_environment(runs: list[RunView]) -> None:
    environment = latest_environment(runs)
    if environment is None:
        return
    facts = {
        "Python": f"{environment['implementation']} {environment['python']}",
        "Platform": environment["platform"],
        "Default start method": environment["default_start_method"],
        "Polars": environment["polars"],
        "Polars thread-pool size": environment["polars_threads"],
        "CPUs": environment["cpu_count"],
    }
    st.dataframe(
        [{"fact": name, "value": str(value)} for name, value in facts.items()],
        hide_index=True,
    )


def show_comparison(runs: list[RunView]) -> None:
    rows = comparison_rows([(run.settings, run.outcome) for run in runs])
    st.dataframe(rows, hide_index=True)
    for column, title in (
        ("start-up (s)", "Start-up: from starting the workers until all are ready"),
        ("workers + tasks (s)", "Workers + tasks: until every task is done, or stuck"),
    ):
        measured = [row for row in rows if row[column] is not None]
        if measured:
            st.caption(title)
            st.vega_lite_chart(comparison_chart(measured, column), use_container_width=True)


def show_batch(batch_id: str) -> None:
    batch = BOARD.get(batch_id)
    if batch is None:
        st.caption("That run has been cleared from the server; start a new one.")
        return
    runs = batch.views()
    for run in runs:
        show_run(run)
    if len(runs) > 1:
        show_comparison(runs)
    show_fork_warning_note(runs)
    show_environment(runs)
