"""Live demo: start real Polars worker processes with fork, spawn or forkserver.

The runs execute in separate processes managed by ``demos.runs.BOARD``; this
page only starts, watches and cancels them, so a rerun or another tab finds
the same run and a closed tab cannot keep one alive past its time limit.
"""

import importlib.util
import shlex
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import streamlit as st

from heuristica.demos import REGISTRY, available
from heuristica.demos.runner import RunOutcome
from heuristica.demos.runs import BOARD, BOARD_PROBLEM, RunView
from heuristica.demos.slots import RunnerBusy
from heuristica.demos.spawn_vs_fork.report import (
    COMPARE_ALL,
    SCENARIOS,
    STATUS_COLOURS,
    comparison_rows,
    explanation,
    fork_warning_note,
    fork_warnings,
    progress,
    scenario_label,
    stall_note,
    verdict,
)
from heuristica.demos.spawn_vs_fork.settings import (
    LIMITS,
    DemoSettings,
    Method,
    Scenario,
    SettingsError,
)
from heuristica.graph.extras import install_line, missing
from heuristica.graph.markdown import quoted
from heuristica.shared_store import StoreUnavailable
from heuristica.ui.shell import inside_app

inside_app()

DEMO = "spawn_vs_fork"
DEFAULT_SCENARIO = "fork-after-polars"
PARENT_LABELS = {
    Scenario.PARENT_USES_POLARS: "The parent runs a Polars query first",
    Scenario.PARENT_IDLE: "The parent never touches Polars",
}
LABELS = {
    "workers": "Workers",
    "tasks": "Tasks",
    "rows": "Rows per group_by",
    "time_limit": "Time limit (s)",
}
HELP = {
    "time_limit": "1 to 60: seconds without progress (a worker ready, a task done) "
    "before the run is called stuck"
}
POLL_SECONDS = 0.5
BATCH_KEY = "demo_batch_id"
START_ERROR_KEY = "demo_start_error"


def requested_scenario() -> str:
    """The ``?demo=`` / ``?scenario=`` of the URL, with a warning for unknown values."""
    demo = st.query_params.get("demo", DEMO)
    if demo not in REGISTRY:
        st.warning(
            f"There is no live demo called {quoted(demo)} (from ?demo= in the address); "
            f"showing {DEMO!r}. Available demos: {', '.join(available())}."
        )
    scenario = st.query_params.get("scenario", DEFAULT_SCENARIO)
    if scenario not in SCENARIOS:
        st.warning(
            f"Unknown scenario {quoted(scenario)} (from ?scenario= in the address); showing "
            f"{DEFAULT_SCENARIO!r}. Scenarios: {', '.join(SCENARIOS)}."
        )
        return DEFAULT_SCENARIO
    return scenario


def choose_settings(scenario: str) -> None:
    """The form: start method, what the parent does, and the bounded sizes."""
    method, parent = SCENARIOS[scenario]
    defaults = DemoSettings()
    left, right = st.columns(2)
    left.selectbox(
        "Start method",
        [member.value for member in Method],
        index=list(Method).index(method),
        key="demo_method",
    )
    right.radio(
        "Before starting the workers",
        list(Scenario),
        index=list(Scenario).index(parent),
        format_func=PARENT_LABELS.__getitem__,
        key="demo_scenario",
    )
    columns = st.columns(4)
    for column, (name, label) in zip(columns, LABELS.items(), strict=True):
        low, high = LIMITS[name]
        value = getattr(defaults, name)
        # No min/max here: the browser would silently keep the old value of an
        # out-of-range entry; the server checks it and says what is wrong.
        column.number_input(
            label,
            value=value,
            step=type(value)(1),
            format="%.1f" if name == "time_limit" else None,
            help=HELP.get(name, f"{low} to {high:,}"),
            key=f"demo_{name}",
        )


def settings_from_widgets() -> DemoSettings:
    """The settings the form holds now; raises SettingsError if they cannot run."""
    names = ("method", "scenario", *LIMITS)
    return DemoSettings(**{name: st.session_state[f"demo_{name}"] for name in names})


def start(compare_all: bool) -> None:
    """Button callback: runs before the rerun, so the buttons below see the new batch."""
    try:
        chosen = settings_from_widgets()
        batch = [chosen]
        if compare_all:
            batch = [replace(chosen, method=m, scenario=s) for m, s in COMPARE_ALL]
        st.session_state[BATCH_KEY] = BOARD.start(batch)
        st.session_state.pop(START_ERROR_KEY, None)
    except (SettingsError, RunnerBusy) as problem:
        st.session_state[START_ERROR_KEY] = f"Not started: {problem}."
    except StoreUnavailable as problem:
        st.session_state[START_ERROR_KEY] = (
            f"Not started: the demo's shared run limit is kept in Redis, and {problem.message}."
        )


def cancel() -> None:
    batch_id = st.session_state.get(BATCH_KEY)
    if batch_id:
        BOARD.cancel(batch_id)


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


def comparison_chart(rows: list[dict[str, Any]], column: str) -> dict[str, Any]:
    """Horizontal bars of ``column`` per run, coloured by how the run ended."""
    statuses = list(STATUS_COLOURS)
    return {
        "data": {
            "values": [{"run": r["run"], "status": r["status"], "s": r[column]} for r in rows]
        },
        "mark": {"type": "bar"},
        "height": 150,
        "encoding": {
            "y": {"field": "run", "type": "nominal", "sort": None, "title": None},
            "x": {"field": "s", "type": "quantitative", "title": column},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": {"domain": statuses, "range": [STATUS_COLOURS[s] for s in statuses]},
                "legend": {"title": "ended"},
            },
        },
    }


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


def workload_source() -> tuple[str, str]:
    """Path and text of the code the demo runs, read without importing Polars here."""
    spec = importlib.util.find_spec("heuristica.demos.spawn_vs_fork.workload")
    path = Path(spec.origin) if spec and spec.origin else None
    if path is None:
        return "", ""
    return path.name, path.read_text(encoding="utf-8")


st.title("Live demo: spawn vs fork with Polars")
st.caption(REGISTRY[DEMO].description)
if missing("polars"):
    st.warning(
        "The live demo runs real Polars workers, and Polars is not installed with this "
        "heuristica. Install the demo extra, then restart the app:",
        icon=":material/extension:",
    )
    st.code(install_line("demo"), language="bash")
    st.stop()
choose_settings(requested_scenario())
try:
    settings: DemoSettings | None = settings_from_widgets()
except SettingsError as problem:
    field = LABELS.get(problem.setting, problem.setting)
    st.error(f"**{field}:** {problem}. Run is off until this is fixed.")
    settings = None

if BOARD_PROBLEM:
    st.error(f"The live demo is off on this server: {BOARD_PROBLEM}.")
    settings = None

batch_id: str | None = st.session_state.get(BATCH_KEY)
current = BOARD.get(batch_id) if batch_id else None
watching = current is not None and not current.finished
run_column, compare_column, cancel_column = st.columns(3)
run_column.button(
    "Run",
    key="demo_run",
    type="primary",
    disabled=watching or settings is None,
    on_click=start,
    args=(False,),
)
compare_column.button(
    "Compare all",
    key="demo_compare",
    disabled=watching or settings is None,
    on_click=start,
    args=(True,),
)
cancel_column.button(
    "Cancel run",
    key="demo_cancel",
    disabled=not watching,
    on_click=cancel,
    help="Stop the run now and kill its processes",
)
if START_ERROR_KEY in st.session_state:
    st.error(st.session_state[START_ERROR_KEY])
if settings is not None:
    command = ["python", "-m", "heuristica.demos.spawn_vs_fork", *settings.command_args()]
    st.caption(f"Runs `{shlex.join(command)}` in its own process session.")
try:
    running, waiting = BOARD.slots.counts()
    st.caption(
        f"Servers: {running} of {BOARD.slots.limit} demo slots in use, {waiting} runs waiting."
    )
except StoreUnavailable as problem:
    st.warning(
        f"The demo's shared run limit is kept in Redis, and {problem.message}: "
        "runs start once it answers.",
        icon=":material/cloud_off:",
    )


@st.fragment(run_every=POLL_SECONDS if watching else None)
def live_status() -> None:
    if batch_id is None:
        return
    show_batch(batch_id)
    batch = BOARD.get(batch_id)
    if watching and (batch is None or batch.finished):
        st.rerun()  # refresh the buttons and stop polling


live_status()

file_name, source = workload_source()
with st.expander(f"The code being run ({file_name})"):
    st.code(source, language="python", line_numbers=True)
