"""Demo runs in progress, kept server-side so any rerun or browser tab can find them.

A browser session only holds a batch id. The batch runs in its own thread and
is bounded by each run's time limit, whether or not anyone is still watching.
"""

import itertools
import logging
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from heuristica.demos.slots import (
    RunLimit,
    RunSlots,
    Ticket,
    Waiting,
    run_limit_from_environment,
)
from heuristica.demos.spawn_vs_fork.settings import DemoSettings
from heuristica.processes.cleanup import end_runs_left_behind, kill_session
from heuristica.processes.runner import RunOutcome, run_module

__all__ = [
    "BOARD",
    "BOARD_PROBLEM",
    "Batch",
    "RunBoard",
    "RunView",
    "on_server_start",
    "on_server_stop",
]

MODULE = "heuristica.demos.spawn_vs_fork"
KEEP_FINISHED_SECONDS = 15 * 60
SHUTDOWN_SECONDS = 5.0
PROGRESS_EVENTS = frozenset({"workers_started", "workers_starting", "worker_ready", "task_done"})
"""What counts as progress: the time limit is on a stall between two of these."""

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunView:
    """A consistent copy of one run, safe to read from any thread.

    state: ``queued``, ``running``, ``finished`` or ``skipped`` (its batch was
    cancelled before it started).
    """

    settings: DemoSettings
    state: str = "queued"
    queue_position: int = 0
    waiting_note: str = ""
    """While queued: what is wrong with the line, in words for the reader (Redis away...)."""
    events: tuple[dict[str, Any], ...] = ()
    outcome: RunOutcome | None = None
    started_at: float | None = None
    """``time.monotonic()`` when the run's process started."""
    progress_at: float | None = None
    """``time.monotonic()`` of its latest progress (PROGRESS_EVENTS)."""

    def stall(self, now: float) -> tuple[float, float | None] | None:
        """While running: (seconds since it started, seconds since its latest
        progress, None before any: the time limit counts from the first)."""
        if self.state != "running" or self.started_at is None:
            return None
        return now - self.started_at, None if self.progress_at is None else now - self.progress_at


@dataclass
class Batch:
    """Runs executed one after another (one for Run, four for Compare all)."""

    batch_id: str
    runs: list[RunView]
    ticket: Ticket
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    finished_at: float | None = None
    pid: int | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def views(self) -> list[RunView]:
        with self.lock:
            return list(self.runs)

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


class RunBoard:
    """Starts, tracks and cancels batches; shared by every session of the server."""

    def __init__(self, slots: RunLimit) -> None:
        self.slots = slots
        self._batches: dict[str, Batch] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def start(self, settings: Sequence[DemoSettings]) -> str:
        """Queue a batch and return its id; raises RunnerBusy when the line is full."""
        self._forget_old()
        ticket = self.slots.enqueue()
        batch = Batch(
            batch_id=f"run-{next(self._ids)}-{os.getpid()}",
            runs=[RunView(settings=one) for one in settings],
            ticket=ticket,
        )
        with self._lock:
            self._batches[batch.batch_id] = batch
        threading.Thread(target=self._execute, args=(batch,), daemon=True).start()
        return batch.batch_id

    def get(self, batch_id: str) -> Batch | None:
        with self._lock:
            return self._batches.get(batch_id)

    def cancel(self, batch_id: str) -> None:
        batch = self.get(batch_id)
        if batch is not None:
            batch.cancel_requested.set()

    def wait(self, batch_id: str, timeout: float) -> bool:
        """Block until the batch has finished (True) or ``timeout`` passes (False)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            batch = self.get(batch_id)
            if batch is None or batch.finished:
                return True
            time.sleep(0.05)
        return False

    def kill_all(self) -> None:
        """Kill every running demo process tree."""
        with self._lock:
            pids = [batch.pid for batch in self._batches.values() if batch.pid is not None]
        for pid in pids:
            kill_session(pid)

    def shutdown(self, timeout: float = SHUTDOWN_SECONDS) -> tuple[int, int]:
        """The server is stopping: end every run it started and take every
        waiting one out of the line, and wait (up to ``timeout``) until each
        batch has given its slot back. Returns (runs ended, runs that waited)."""
        with self._lock:
            batches = [batch for batch in self._batches.values() if not batch.finished]
        running = sum(any(run.state == "running" for run in batch.views()) for batch in batches)
        for batch in batches:
            batch.cancel_requested.set()
        self.kill_all()
        deadline = time.monotonic() + timeout
        while any(not batch.finished for batch in batches) and time.monotonic() < deadline:
            time.sleep(0.05)
        return running, len(batches) - running

    def _execute(self, batch: Batch) -> None:
        try:
            cancelled = batch.cancel_requested.is_set
            if self._wait_for_slot(batch):
                for index in range(len(batch.runs)):
                    if cancelled():
                        break
                    self._run_one(batch, index)
        except Exception as error:  # a run's thread must end with its runs accounted for
            _log.exception("demo batch %s failed", batch.batch_id)
            self._fail_unfinished(batch, f"the server could not run it ({error})")
        finally:
            with batch.lock:
                batch.runs = [
                    replace(run, state="skipped") if run.state == "queued" else run
                    for run in batch.runs
                ]
            self.slots.release(batch.ticket)
            batch.finished_at = time.monotonic()

    def _wait_for_slot(self, batch: Batch) -> bool:
        def show(waiting: Waiting) -> None:
            self._update(batch, 0, queue_position=waiting.place, waiting_note=waiting.note)

        return self.slots.wait_turn(batch.ticket, batch.cancel_requested.is_set, on_wait=show)

    def _fail_unfinished(self, batch: Batch, message: str) -> None:
        """Give every run that did not finish an outcome that says why."""
        outcome = RunOutcome(status="error", message=message, result={})
        with batch.lock:
            batch.runs = [
                run if run.state == "finished" else replace(run, state="finished", outcome=outcome)
                for run in batch.runs
            ]

    def _run_one(self, batch: Batch, index: int) -> None:
        settings = batch.runs[index].settings
        self._update(batch, index, state="running", queue_position=0, started_at=time.monotonic())

        def record(event: dict[str, Any]) -> None:
            with batch.lock:
                run = batch.runs[index]
                progress = time.monotonic() if event["event"] in PROGRESS_EVENTS else None
                batch.runs[index] = replace(
                    run,
                    events=(*run.events, event),
                    progress_at=progress or run.progress_at,
                )

        def remember_pid(pid: int) -> None:
            batch.pid = pid

        outcome = run_module(
            MODULE,
            settings.command_args(),
            settings.time_limit,
            on_event=record,
            cancelled=batch.cancel_requested.is_set,
            on_started=remember_pid,
            progress_events=PROGRESS_EVENTS,
        )
        batch.pid = None
        self._update(batch, index, state="finished", outcome=outcome)

    def _update(self, batch: Batch, index: int, **changes: Any) -> None:
        with batch.lock:
            batch.runs[index] = replace(batch.runs[index], **changes)

    def _forget_old(self) -> None:
        cutoff = time.monotonic() - KEEP_FINISHED_SECONDS
        with self._lock:
            for batch_id, batch in list(self._batches.items()):
                if batch.finished_at is not None and batch.finished_at < cutoff:
                    del self._batches[batch_id]


def _board_from_environment() -> tuple[RunBoard, str | None]:
    """The board, and what is wrong with the environment's settings if it cannot
    be the configured one (then the page turns the demo off and says why)."""
    try:
        return RunBoard(run_limit_from_environment()), None
    except ValueError as problem:
        return RunBoard(RunSlots(limit=1, max_waiting=0)), str(problem)


BOARD, BOARD_PROBLEM = _board_from_environment()


def on_server_start() -> list[str]:
    """A server starting up ends the runs a dead one left on this machine; what it did."""
    return [str(left) for left in end_runs_left_behind()]


def on_server_stop() -> list[str]:
    """A server stopping ends its runs before it exits; what it did."""
    running, waiting = BOARD.shutdown()
    if not running + waiting:
        return []
    plural = "s" * (running != 1)
    return [f"ended {running} demo run{plural} and {waiting} waiting in line before stopping"]
