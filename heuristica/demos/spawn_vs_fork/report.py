"""What a finished or running demo means, in words and numbers (no Streamlit).

The page shows these strings; they link to knowledge-base pages as ``/?node=<id>``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from heuristica.demos.spawn_vs_fork.settings import DemoSettings, Method, Scenario
from heuristica.processes.runner import STARTUP_ALLOWANCE_SECONDS, RunOutcome

__all__ = [
    "CHART_BAR_PIXELS",
    "COMPARE_ALL",
    "LINKED_PAGES",
    "SCENARIOS",
    "STATUS_COLOURS",
    "Progress",
    "comparison_chart",
    "comparison_rows",
    "explanation",
    "fork_warning_note",
    "fork_warnings",
    "progress",
    "scenario_label",
    "scenario_name",
    "seconds_left",
    "stall_note",
    "verdict",
]

HEURISTIC = "heuristic/polars-use-spawn-not-fork"
FORK_COPIES_ONE_THREAD = "principle/fork-copies-only-the-calling-thread"
LAZY_THREAD_POOL = "principle/lazy-thread-pool-initialisation"
START_METHODS = "principle/process-start-methods"
GET_CONTEXT = "implementation/multiprocessing-get-context"
FORKSERVER_PRELOAD = "implementation/multiprocessing-set-forkserver-preload"
START_METHOD_DEFAULTS = "environment/cpython-start-method-defaults"
FORK_WARNING = "environment/cpython-fork-deprecation-warning"
LINKED_PAGES = (
    HEURISTIC,
    FORK_COPIES_ONE_THREAD,
    LAZY_THREAD_POOL,
    START_METHODS,
    GET_CONTEXT,
    FORKSERVER_PRELOAD,
    START_METHOD_DEFAULTS,
    FORK_WARNING,
)

# Named (method, scenario) pairs: the ``?scenario=`` values, and the runs of
# "Compare all" in the order shown.
SCENARIOS: dict[str, tuple[Method, Scenario]] = {
    "fork-after-polars": (Method.FORK, Scenario.PARENT_USES_POLARS),
    "fork-idle-parent": (Method.FORK, Scenario.PARENT_IDLE),
    "spawn": (Method.SPAWN, Scenario.PARENT_USES_POLARS),
    "forkserver": (Method.FORKSERVER, Scenario.PARENT_USES_POLARS),
}
COMPARE_ALL = tuple(SCENARIOS.values())

# One colour per outcome in "Compare all", so a deadlock never reads as "slow".
STATUS_COLOURS: dict[str, str] = {
    "ok": "#2E7D32",
    "deadlock": "#D32F2F",
    "timeout": "#EF6C00",
    "cancelled": "#757575",
    "error": "#6A1B9A",
    "not run": "#BDBDBD",
}
STALL_SHOWN_AFTER_S = 1.0


@dataclass(frozen=True)
class Progress:
    fraction: float
    text: str


def scenario_name(settings: DemoSettings) -> str:
    """The short ``SCENARIOS`` name of the settings' (method, scenario) pair."""
    pair = (settings.method, settings.scenario)
    return next(name for name, known in SCENARIOS.items() if known == pair)


def scenario_label(settings: DemoSettings) -> str:
    parent = (
        "after the parent used Polars"
        if settings.scenario is Scenario.PARENT_USES_POLARS
        else "with an idle parent"
    )
    return f"{settings.method.value} {parent}"


def progress(settings: DemoSettings, events: Sequence[dict[str, Any]]) -> Progress:
    """How far a run has got, from its events so far."""
    ready = sum(1 for event in events if event["event"] == "worker_ready")
    done = sum(1 for event in events if event["event"] == "task_done")
    steps = settings.workers + settings.tasks
    return Progress(
        fraction=(ready + done) / steps,
        text=f"{ready} of {settings.workers} workers ready, {done} of {settings.tasks} tasks done",
    )


def verdict(settings: DemoSettings, outcome: RunOutcome) -> str:
    """One sentence: what happened and what was cleaned up."""
    result = outcome.result
    killed = int(result.get("stuck_killed", 0)) + len(outcome.killed_by_runner)
    limit = f"{settings.time_limit:g} s"
    if outcome.status == "ok":
        startup = result.get("startup_seconds")
        text = (
            f"finished: {settings.tasks} tasks on {settings.workers} workers in "
            f"{result['total_seconds']:.2f} s; the workers took {startup:.2f} s to start"
        )
    elif outcome.status == "deadlock" and result:
        text = (
            f"deadlocked: {result.get('workers_ready', 0)} of {settings.workers} workers were "
            f"ready and no task finished, then nothing moved for {limit}; "
            f"{_processes(killed, 'stuck ')} killed"
        )
    elif outcome.status == "deadlock":
        text = f"deadlocked: {outcome.message}"
    elif outcome.status == "timeout":
        text = (
            f"stalled: {result['tasks_done']} of {settings.tasks} tasks finished, then nothing "
            f"moved for {limit}; {_processes(killed, 'unfinished ')} killed (raise the time "
            "limit or lower the rows)"
        )
    elif outcome.status == "cancelled":
        text = f"cancelled by you after {outcome.seconds:.1f} s; {_processes(killed, '')} killed"
    else:
        text = f"error: {outcome.message}"
    if outcome.leftovers:
        return f"{text}. Cleanup FAILED: processes {outcome.leftovers} are still running"
    return f"{text}. No process of this run is left."


def explanation(settings: DemoSettings, status: str) -> str:
    """Two sentences on why this result happened, linking to the knowledge base."""
    heuristic = _link("use spawn, not fork", HEURISTIC)
    if status == "cancelled":
        return (
            "You stopped this run before it could finish or be called stuck, so it shows "
            "neither the hang nor the cost of starting workers. Run it again and let it "
            f"reach its verdict; the rule it tests is {heuristic}."
        )
    if settings.method is Method.FORK and settings.scenario is Scenario.PARENT_USES_POLARS:
        if status == "deadlock":
            return (
                f"The parent's parallel query started Polars' thread pool "
                f"({_link('Polars starts it lazily', LAZY_THREAD_POOL)}), and fork copied "
                f"only the calling thread into each worker "
                f"({_link('fork copies only the calling thread', FORK_COPIES_ONE_THREAD)}). "
                f"Each worker's group_by then waited for pool threads that do not exist in "
                f"the copy, which is why the rule is {heuristic}: pick the start method with "
                f"{_link('multiprocessing.get_context', GET_CONTEXT)}."
            )
        return (
            f"This fork was expected to hang, because the parent had started Polars' thread "
            f"pool ({_link('lazy thread pool', LAZY_THREAD_POOL)}) and fork copies only the "
            f"calling thread. It ended with status {status!r} here, so the hang is not "
            f"guaranteed on every machine; the rule {heuristic} still removes the risk."
        )
    if settings.method is Method.FORK:
        return (
            f"The parent never touched Polars, so no Polars threads existed to be lost when "
            f"fork copied it ({_link('lazy thread pool', LAZY_THREAD_POOL)}); each worker "
            f"started its own pool on first use. It works but is fragile: one Polars call "
            f"in the parent before the fork, even asking for the pool size, turns it into the "
            f"deadlock, which is why the rule is {heuristic}."
        )
    starts = _link("start methods", START_METHODS)
    if settings.method is Method.SPAWN:
        return (
            f"Spawn starts each worker as a fresh Python interpreter that imports Polars and "
            f"builds its own thread pool, so nothing copied from the parent can hang it "
            f"({starts}, chosen with {_link('get_context', GET_CONTEXT)}). The price is "
            f"start-up time, which is the trade-off of {heuristic}."
        )
    return (
        f"Forkserver forks each worker from a small server process that imported Polars but "
        f"never ran a query, so no worker inherits a half-copied thread pool ({starts}). "
        f"Because the server imports Polars once "
        f"({_link('set_forkserver_preload', FORKSERVER_PRELOAD)}), its workers start much "
        f"faster than spawn's; CPython 3.14 made it the default on Linux "
        f"({_link('start method defaults', START_METHOD_DEFAULTS)})."
    )


def seconds_left(elapsed: float, stalled: float | None, time_limit: float) -> float:
    """How long a run may still go without progress before it is stopped: the
    workload calls it stuck ``time_limit`` after its latest progress; before
    any (``stalled`` None: the parent is still starting, importing Polars and
    perhaps running its own query), the runner stops it ``time_limit`` plus
    STARTUP_ALLOWANCE_SECONDS after it started."""
    if stalled is None:
        return max(0.0, time_limit + STARTUP_ALLOWANCE_SECONDS - elapsed)
    return max(0.0, time_limit - stalled)


def stall_note(elapsed: float, stalled: float | None, time_limit: float) -> str | None:
    """While a run has made no progress for a while: how long it has run, and
    how long until it is stopped (None while it is making progress)."""
    left = seconds_left(elapsed, stalled, time_limit)
    if stalled is None:
        if elapsed < STALL_SHOWN_AFTER_S:
            return None
        return (
            f"Running for {elapsed:.1f} s: the parent process is still starting (importing "
            "Polars, and running its own query first if it uses Polars). The time limit "
            "counts from when it starts the workers; if it has not started them within "
            f"{left:.1f} s more (the time limit plus {STARTUP_ALLOWANCE_SECONDS:g} s to "
            "start), the run is stopped."
        )
    if stalled < STALL_SHOWN_AFTER_S:
        return None
    return (
        f"Running for {elapsed:.1f} s. No worker has reported for {stalled:.1f} s: "
        f"if none does within {left:.1f} s more ({time_limit:g} s without progress), "
        "the run is called stuck and its processes are killed."
    )


def fork_warnings(events: Sequence[dict[str, Any]]) -> list[str]:
    """The DeprecationWarning lines CPython 3.12+ writes when a threaded process forks."""
    return [
        event["line"]
        for event in events
        if event["event"] == "stderr" and "DeprecationWarning" in event["line"]
    ]


def comparison_rows(
    runs: Sequence[tuple[DemoSettings, RunOutcome | None]],
) -> list[dict[str, Any]]:
    """One table row per run of "Compare all": status, start-up and total seconds."""
    rows = []
    for settings, outcome in runs:
        result = outcome.result if outcome else {}
        rows.append(
            {
                "run": scenario_name(settings),
                "status": outcome.status if outcome else "not run",
                "start-up (s)": result.get("startup_seconds"),
                "workers + tasks (s)": result.get("total_seconds"),
                "whole process (s)": outcome.seconds if outcome else None,
            }
        )
    return rows


CHART_BAR_PIXELS = 30
"""Height of each run's band in a "Compare all" chart: room for its name."""


def comparison_chart(rows: Sequence[dict[str, Any]], column: str) -> dict[str, Any]:
    """A Vega-Lite chart: horizontal bars of ``column`` per run, coloured by
    how the run ended, every run named on its bar's band."""
    statuses = list(STATUS_COLOURS)
    return {
        "data": {
            "values": [{"run": r["run"], "status": r["status"], "s": r[column]} for r in rows]
        },
        "mark": {"type": "bar"},
        "height": {"step": CHART_BAR_PIXELS},
        "encoding": {
            "y": {
                "field": "run",
                "type": "nominal",
                "sort": None,
                "title": None,
                "axis": {"labelOverlap": False, "labelLimit": 0, "labelFontSize": 13},
            },
            "x": {"field": "s", "type": "quantitative", "title": column},
            "color": {
                "field": "status",
                "type": "nominal",
                "scale": {"domain": statuses, "range": [STATUS_COLOURS[s] for s in statuses]},
                "legend": {"title": "ended"},
            },
        },
    }


def _processes(count: int, kind: str) -> str:
    return f"1 {kind}process was" if count == 1 else f"{count} {kind}processes were"


def fork_warning_note(python_version: str, warnings: Sequence[str]) -> str:
    """What the interpreter said, or would say, about forking a multi-threaded process."""
    page = _link("the fork DeprecationWarning", FORK_WARNING)
    if warnings:
        return (
            f"The interpreter warned about forking a multi-threaded process ({page}). It warns "
            f"whenever the parent has more than one thread, and importing Polars alone starts "
            f"a few, so the warning flags the risk even for a fork that happens to work."
        )
    major, minor = (int(part) for part in python_version.split(".")[:2])
    if (major, minor) >= (3, 12):
        return (
            f"CPython {python_version} emitted no fork warning in this run ({page}): the "
            f"parent had no other thread at the moment it forked, or did not fork."
        )
    return (
        f"This interpreter (CPython {python_version}) does not warn when a multi-threaded "
        f"process forks; CPython 3.12 and later emit a DeprecationWarning ({page}), hidden "
        f"by default, which this demo shows here because it runs Python with "
        f"`-W default::DeprecationWarning`."
    )


def _link(text: str, page_id: str) -> str:
    return f"[{text}](/?node={page_id})"
