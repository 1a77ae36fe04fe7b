"""What each start method costs, and how quickly the demo turns a hang into a verdict.

    python -m bench.bench_demo [--repeats N]

1. Start-and-join of one trivial process per start method (median of N).
2. The demo's own start-up, Polars import included: time from starting four
   workers until all report ready, run through the real runner (median of N).
3. Deadlock detection: time from the last event before the stall until the
   runner returns its verdict (processes killed and checked), against the
   limit, and the whole run's length (what unit tests no longer assert).
4. Cold starts against the limit: how much of the default 5 s limit a cold
   spawn / forkserver start of 8 workers uses when the limit is counted from
   the start of the pool (the old rule, which called a slow start a
   deadlock), beside the longest gap without progress, which is what the
   limit now applies to.
"""

import argparse
import itertools
import statistics
import subprocess
import sys
import time

from heuristica.demos.runs import PROGRESS_EVENTS
from heuristica.demos.spawn_vs_fork.settings import DemoSettings, Method, Scenario
from heuristica.processes.runner import run_module

MODULE = "heuristica.demos.spawn_vs_fork"
DEMO_WORKERS = 4


# Run in a fresh interpreter that imports nothing else, so that spawn and
# forkserver children do not re-import this benchmark's own imports.
TRIVIAL_START = """
import multiprocessing, os, statistics, sys, time
context = multiprocessing.get_context(sys.argv[1])
context.Process(target=os.getpid).start()  # forkserver: start its server outside the timing
timings = []
for _ in range(int(sys.argv[2])):
    started = time.perf_counter()
    process = context.Process(target=os.getpid)
    process.start()
    process.join()
    timings.append((time.perf_counter() - started) * 1000)
print(statistics.median(timings))
"""


def start_and_join_ms(method: Method, repeats: int) -> float:
    """Median ms to start and join one process whose target is ``os.getpid``."""
    completed = subprocess.run(
        [sys.executable, "-c", TRIVIAL_START, method.value, str(repeats)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(completed.stdout)


def demo_workers_ready_ms(method: Method, repeats: int) -> tuple[float, float]:
    """Median (all workers ready, whole demo process) in ms for DEMO_WORKERS tiny tasks."""
    scenario = Scenario.PARENT_IDLE if method is Method.FORK else Scenario.PARENT_USES_POLARS
    settings = DemoSettings(
        method=method,
        scenario=scenario,
        workers=DEMO_WORKERS,
        tasks=DEMO_WORKERS,
        rows=1000,
        time_limit=20,
    )
    ready, whole = [], []
    for _ in range(repeats):
        outcome = run_module(MODULE, settings.command_args(), settings.time_limit)
        if outcome.status != "ok":
            raise SystemExit(f"{method.value}: expected ok, got {outcome.status} {outcome.message}")
        ready.append(outcome.result["startup_seconds"] * 1000)
        whole.append(outcome.seconds * 1000)
    return statistics.median(ready), statistics.median(whole)


def detection_latency(time_limit: float, repeats: int) -> list[tuple[float, float, int, float]]:
    """Per run: (stall -> verdict seconds, overshoot past the limit, stuck processes
    killed, whole run seconds)."""
    settings = DemoSettings(workers=2, tasks=4, rows=1000, time_limit=time_limit)
    runs = []
    for _ in range(repeats):
        arrivals: list[float] = []
        outcome = run_module(
            MODULE,
            settings.command_args(),
            settings.time_limit,
            on_event=lambda event, seen=arrivals: seen.append(time.monotonic()),
            progress_events=PROGRESS_EVENTS,
        )
        verdict_at = time.monotonic()
        if outcome.status != "deadlock" or outcome.leftovers:
            raise SystemExit(f"expected a clean deadlock, got {outcome.status} {outcome.leftovers}")
        ready_at = [
            at
            for at, event in zip(arrivals, outcome.events, strict=True)
            if event["event"] == "worker_ready"
        ]
        latency = verdict_at - max(ready_at)
        killed = int(outcome.result["stuck_killed"])
        runs.append((latency, latency - time_limit, killed, outcome.seconds))
    return runs


def cold_start(method: Method, workers: int, time_limit: float) -> tuple[float, float]:
    """(seconds from pool start to all workers ready, longest gap without progress)."""
    settings = DemoSettings(
        method=method, workers=workers, tasks=workers, rows=1000, time_limit=time_limit
    )
    outcome = run_module(
        MODULE, settings.command_args(), time_limit, progress_events=PROGRESS_EVENTS
    )
    if outcome.status != "ok":
        raise SystemExit(f"{method.value} cold start: {outcome.status} {outcome.message}")
    progress = ("worker_ready", "task_done", "workers_starting")
    times = sorted(float(e["t"]) for e in outcome.events if e["event"] in progress)
    gaps = [later - earlier for earlier, later in itertools.pairwise([0.0, *times])]
    return float(outcome.result["startup_seconds"]), max(gaps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    repeats = parser.parse_args().repeats

    print(f"1. start-and-join of one trivial process, median of {repeats * 3}")
    baseline = start_and_join_ms(Method.FORK, repeats * 3)
    for method in Method:
        ms = baseline if method is Method.FORK else start_and_join_ms(method, repeats * 3)
        print(f"   {method.value:<11} {ms:8.2f} ms   {ms / baseline:6.1f} x fork")

    print(
        f"\n2. demo start-up of {DEMO_WORKERS} workers until all are ready, "
        f"Polars import included, median of {repeats}"
    )
    measured = {method: demo_workers_ready_ms(method, repeats) for method in Method}
    fork_ready = measured[Method.FORK][0]
    for method, (ready, whole) in measured.items():
        print(
            f"   {method.value:<11} all ready {ready:7.1f} ms ({ready / fork_ready:5.1f} x fork)"
            f"   whole demo process {whole:7.1f} ms"
        )

    time_limit = 2.0
    print(f"\n3. deadlock detection, fork after Polars, time limit {time_limit:g} s")
    runs = detection_latency(time_limit, max(3, repeats // 2))
    for latency, overshoot, killed, whole in runs:
        print(
            f"   stall -> verdict {latency:6.3f} s   past the limit {overshoot * 1000:6.0f} ms"
            f"   stuck processes killed {killed}   whole run {whole:5.2f} s"
        )
    overshoots = [overshoot for _, overshoot, _, _ in runs]
    print(f"   median overshoot {statistics.median(overshoots) * 1000:.0f} ms")

    limit = DemoSettings().time_limit
    print(f"\n4. cold start of 8 workers against the default {limit:g} s limit")
    for method in (Method.SPAWN, Method.FORKSERVER):
        ready, gap = cold_start(method, 8, limit)
        print(
            f"   {method.value:<11} all ready after {ready:5.2f} s ({ready / limit:4.0%} of the "
            f"limit, old rule)   longest gap without progress {gap:5.2f} s (new rule)"
        )


if __name__ == "__main__":
    main()
