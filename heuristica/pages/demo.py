"""Live demo: start real Polars worker processes with fork, spawn or forkserver.

The runs execute in separate processes managed by ``demos.runs.BOARD``; this
page only starts, watches and cancels them, so a rerun or another tab finds
the same run and a closed tab cannot keep one alive past its time limit. The
form is ui.demo_form, what a batch of runs shows is ui.demo_runs.
"""

import importlib.util
import shlex
from dataclasses import replace
from pathlib import Path

import streamlit as st

from heuristica.demos import REGISTRY
from heuristica.demos.runs import BOARD, BOARD_PROBLEM
from heuristica.demos.slots import RunnerBusy
from heuristica.demos.spawn_vs_fork.report import COMPARE_ALL
from heuristica.demos.spawn_vs_fork.settings import DemoSettings, SettingsError
from heuristica.extras import install_line, missing
from heuristica.shared_store import StoreUnavailable
from heuristica.ui.demo_form import (
    DEMO,
    LABELS,
    choose_settings,
    requested_scenario,
    settings_from_widgets,
)
from heuristica.ui.demo_runs import show_batch
from heuristica.ui.shell import inside_app

inside_app()

POLL_SECONDS = 0.5
BATCH_KEY = "demo_batch_id"
START_ERROR_KEY = "demo_start_error"


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
