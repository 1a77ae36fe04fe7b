"""The Live demo's form: which scenario the URL asks for, the start method,
what the parent does first, and the bounded sizes a person may change (each
checked by the server, which says what is wrong)."""

from __future__ import annotations

import streamlit as st

from heuristica.demos import REGISTRY, available
from heuristica.demos.spawn_vs_fork.report import SCENARIOS
from heuristica.demos.spawn_vs_fork.settings import LIMITS, DemoSettings, Method, Scenario
from heuristica.kb.markdown import quoted

__all__ = ["DEMO", "LABELS", "choose_settings", "requested_scenario", "settings_from_widgets"]

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
