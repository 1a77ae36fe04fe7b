"""The code the spawn-vs-fork demo runs. This is the file to read.

The parent process may first run one parallel Polars query (``warm_up_parent``):
that starts Polars' thread pool, which Polars creates lazily on first use. Then
the parent starts worker processes with the chosen start method, and each
worker runs Polars ``group_by`` tasks.

With ``fork``, a worker is a copy of the parent that contains only the thread
that called fork. If the parent had started Polars' thread pool, the copy
believes the pool's threads exist, hands them its group_by, and waits forever
for threads that were never copied. ``spawn`` and ``forkserver`` start each
worker from a fresh interpreter, whose Polars starts its own pool: no hang,
but the worker must import Python and Polars first.
"""

import multiprocessing
import os
import queue
import time
from collections.abc import Callable
from multiprocessing.process import BaseProcess
from typing import Any, TypeAlias

import polars as pl
import psutil

from heuristica.demos.spawn_vs_fork.settings import DemoSettings, Method, Scenario

Events: TypeAlias = "multiprocessing.Queue[tuple[Any, ...]]"
"""What the workers tell the parent: (event, worker or task, pid, value)."""

Event = dict[str, Any]

POLL_SECONDS = 0.1
EXIT_GRACE_SECONDS = 2.0
STARTING_CHECK_SECONDS = 0.5
"""How often workers not ready yet are checked for using the CPU (starting up)."""
STARTING_CPU_SECONDS = 0.01
"""CPU time a starting worker must have used since the last check to count as progress."""


def group_by_sum(rows: int) -> pl.DataFrame:
    """A Polars query that runs on Polars' thread pool."""
    numbers = pl.int_range(0, rows, eager=True)
    frame = pl.DataFrame({"key": numbers % 100, "value": numbers})
    return frame.group_by("key").agg(pl.col("value").sum())


def worker(index: int, task_ids: range, rows: int, events: Events) -> None:
    """Runs in each worker process: report ready, then run its share of the tasks."""
    events.put(("worker_ready", index, os.getpid(), time.monotonic()))
    try:
        for task in task_ids:
            started = time.monotonic()
            group_by_sum(rows)  # after fork from a parent that used Polars: never returns
            events.put(("task_done", task, os.getpid(), time.monotonic() - started))
    except Exception as error:
        events.put(("worker_error", index, os.getpid(), f"{type(error).__name__}: {error}"))


def start_workers(settings: DemoSettings, events: Events) -> list[BaseProcess]:
    """Start the workers with the chosen start method; tasks are dealt out round-robin."""
    # Typeshed types get_context(str) as BaseContext, which lacks Process; every real one has it.
    context: Any = multiprocessing.get_context(settings.method.value)
    if settings.method is Method.FORKSERVER:
        # The server imports this module (and Polars) once; workers forked from it skip that.
        context.set_forkserver_preload([__name__])
    processes = [
        context.Process(
            target=worker,
            args=(index, range(index, settings.tasks, settings.workers), settings.rows, events),
            daemon=True,
        )
        for index in range(settings.workers)
    ]
    for process in processes:
        process.start()
    return processes


def run(
    settings: DemoSettings, emit: Callable[[Event], None], should_stop: Callable[[], bool]
) -> Event:
    """Run the demo, emitting events as they happen; return the result event.

    ``settings.time_limit`` is how long the workers may go without progress
    (a worker ready, a task done): a slow start that keeps making progress is
    never called stuck. Workers still busy after a stall that long are stuck:
    they are killed, so nothing is left.
    """
    if settings.scenario is Scenario.PARENT_USES_POLARS:
        started = time.monotonic()
        group_by_sum(settings.rows)
        emit({"event": "parent_warmed", "seconds": time.monotonic() - started})
    else:
        emit({"event": "parent_idle"})

    events = multiprocessing.get_context(settings.method.value).Queue()
    # Native threads count too: importing Polars alone starts a few background ones.
    parent_threads = psutil.Process().num_threads()
    pool_started = time.monotonic()
    processes = start_workers(settings, events)
    emit(
        {
            "event": "workers_started",
            "seconds": time.monotonic() - pool_started,
            "parent_threads": parent_threads,
        }
    )
    progress = _collect(settings, processes, events, pool_started, emit, should_stop)
    stuck = _stop_workers(processes, grace=EXIT_GRACE_SECONDS if progress["status"] == "ok" else 0)
    return {"event": "result", **progress, "stuck_killed": stuck}


def _collect(
    settings: DemoSettings,
    processes: list[BaseProcess],
    events: Events,
    pool_started: float,
    emit: Callable[[Event], None],
    should_stop: Callable[[], bool],
) -> Event:
    """Relay the workers' events until every task is done, a stall of the time
    limit, or a stop.

    Progress is a worker ready, a task done, or, while workers are still
    starting, those workers using the CPU (a spawned interpreter importing
    Polars on a slow machine); a forked worker hung on a copied lock uses none.
    The clock starts once the workers are started: starting forkserver's
    server (which imports Polars) can take seconds and is not a stall.
    """
    deadline = time.monotonic() + settings.time_limit
    ready_at: list[float] = []
    ready_pids: set[int] = set()
    starting = _StartingWorkers(processes)
    done = 0
    status, message = "ok", ""
    while done < settings.tasks:
        if len(ready_at) < settings.workers and starting.used_cpu(ready_pids):
            deadline = time.monotonic() + settings.time_limit
            emit({"event": "workers_starting", "t": time.monotonic() - pool_started})
        if should_stop():
            status, message = "cancelled", "stopped on request"
            break
        if time.monotonic() >= deadline:
            status = "deadlock" if done == 0 else "timeout"
            message = (
                f"no progress for {settings.time_limit:g} s: {len(ready_at)} of "
                f"{settings.workers} workers ready, {done} of {settings.tasks} tasks done"
            )
            break
        try:
            kind, *payload = events.get(timeout=POLL_SECONDS)
        except queue.Empty:
            crashed = [p for p in processes if p.exitcode not in (None, 0)]
            if crashed:
                status = "error"
                message = f"worker pid {crashed[0].pid} exited with code {crashed[0].exitcode}"
                break
            continue
        if kind in ("worker_ready", "task_done"):
            deadline = time.monotonic() + settings.time_limit
        if kind == "worker_ready":
            index, pid, at = payload
            ready_at.append(at - pool_started)
            ready_pids.add(pid)
            emit({"event": "worker_ready", "worker": index, "pid": pid, "t": at - pool_started})
        elif kind == "task_done":
            task, pid, seconds = payload
            done += 1
            elapsed = time.monotonic() - pool_started
            emit({"event": "task_done", "task": task, "pid": pid, "seconds": seconds, "t": elapsed})
        else:
            status, message = "error", f"worker {payload[0]} failed: {payload[2]}"
            break
    return {
        "status": status,
        "message": message,
        "tasks": settings.tasks,
        "tasks_done": done,
        "workers_ready": len(ready_at),
        "startup_seconds": max(ready_at) if len(ready_at) == settings.workers else None,
        "total_seconds": time.monotonic() - pool_started,
    }


class _StartingWorkers:
    """Whether workers that are not ready yet have used the CPU since the last look."""

    def __init__(self, processes: list[BaseProcess]) -> None:
        self._processes = processes
        self._cpu: dict[int, float] = {}
        self._looked = time.monotonic()

    def used_cpu(self, ready: set[int]) -> bool:
        if time.monotonic() - self._looked < STARTING_CHECK_SECONDS:
            return False
        self._looked = time.monotonic()
        used = False
        for process in self._processes:
            if process.pid is None or process.pid in ready:
                continue
            try:
                times = psutil.Process(process.pid).cpu_times()
            except psutil.Error:
                continue
            cpu = times.user + times.system
            used |= cpu - self._cpu.get(process.pid, 0.0) >= STARTING_CPU_SECONDS
            self._cpu[process.pid] = cpu
        return used


def _stop_workers(processes: list[BaseProcess], grace: float) -> int:
    """Give workers ``grace`` seconds to exit, then kill and reap the rest. Returns how many."""
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(timeout=max(0.0, deadline - time.monotonic()))
    stuck = [process for process in processes if process.is_alive()]
    for process in stuck:
        process.kill()  # SIGKILL: a worker hung inside Polars never runs a SIGTERM handler
    for process in stuck:
        process.join()
    return len(stuck)
