"""Run a demo module (or a check's program) as a separate Python process and
leave nothing behind.

The demo never runs inside the (multi-threaded) Streamlit server: forking that
process is the very bug being taught. ``subprocess.Popen`` starts the child
with vfork/posix_spawn + exec, which is safe from a threaded parent; the child
gets its own process session so the whole tree can be found and killed.

Every run starts under its guard (``processes/guard.py``), the leader of its
session: if this process goes away in any way, SIGKILL included, the guard
ends the run within half a second. Each of the run's processes carries
``HEURISTICA_RUN`` in its environment, naming what it is and which process
started it, so a server starting up can end what a dead one left behind
(``processes.cleanup.end_runs_left_behind``).
"""

import contextlib
import json
import os
import queue
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from heuristica import child_env
from heuristica.processes.cleanup import RUN_MARK, kill_session, run_mark, running_in_session

__all__ = ["STARTUP_ALLOWANCE_SECONDS", "RunOutcome", "run_file", "run_module"]

Event = dict[str, Any]

# On top of a demo's own time limit: interpreter start, imports, warm-up, cleanup.
STARTUP_ALLOWANCE_SECONDS = 10.0
EXIT_GRACE_SECONDS = 3.0
POLL_SECONDS = 0.05
_END_OF_STREAM: Event = {"event": "end_of_stream"}
GUARD = Path(__file__).with_name("guard.py")


@dataclass
class RunOutcome:
    """How a run ended, as the runner saw it.

    status: the module's result status, or ``deadlock`` when the runner had to
        stop a module that did not report in time, ``cancelled``, ``error``.
    result: the module's ``result`` event ({} if it never sent one).
    killed_by_runner: pids the runner had to kill after the module was done.
    leftovers: pids of the run still alive after cleanup; empty unless cleanup failed.
    """

    status: str
    message: str
    result: Event
    events: list[Event] = field(default_factory=list)
    killed_by_runner: list[int] = field(default_factory=list)
    leftovers: list[int] = field(default_factory=list)
    returncode: int | None = None
    seconds: float = 0.0


def run_module(
    module: str,
    args: Sequence[str],
    time_limit: float,
    on_event: Callable[[Event], None] = lambda event: None,
    cancelled: Callable[[], bool] = lambda: False,
    on_started: Callable[[int], None] = lambda pid: None,
    *,
    progress_events: Collection[str] = (),
) -> RunOutcome:
    """Run ``python -m module args``, relaying its JSON-line events to ``on_event``.

    The process is stopped at ``time_limit`` plus a start-up allowance, or soon
    after ``cancelled()`` turns true; then every process of its session is
    killed and the run checks that none is left. With ``progress_events``,
    the limit is on a stall instead: it counts from the latest event of those
    kinds, so a module that keeps reporting progress is never stopped for
    being slow.
    """
    started = time.monotonic()
    hard_deadline = started + time_limit + STARTUP_ALLOWANCE_SECONDS

    def relay(event: Event) -> None:
        nonlocal hard_deadline
        if event["event"] in progress_events:
            hard_deadline = time.monotonic() + time_limit + STARTUP_ALLOWANCE_SECONDS
        on_event(event)

    command = [sys.executable, "-W", "default::DeprecationWarning", "-m", module, *args]
    run = _start(command, "demo run")
    on_started(run.session)
    events: list[Event] = []
    stop_reason = _relay(run.process, lambda: hard_deadline, events, relay, cancelled, _read_events)
    returncode, killed, leftovers = _finish(run)
    result = next((event for event in reversed(events) if event["event"] == "result"), {})
    status, message = _status(
        result, stop_reason, events, returncode, time_limit, stall=bool(progress_events)
    )
    return RunOutcome(
        status=status,
        message=message,
        result=result,
        events=events,
        killed_by_runner=killed,
        leftovers=leftovers,
        returncode=returncode,
        seconds=time.monotonic() - started,
    )


def run_file(
    interpreter: str,
    path: Path,
    args: Sequence[str],
    time_limit: float,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> RunOutcome:
    """Run ``interpreter path args`` in ``cwd``, exactly as ``run_module`` runs a demo:
    its own session, killed with its whole group at ``time_limit`` (no allowance),
    nothing left. Every line it prints is an ``output`` event, JSON or not.

    status: ``timed_out`` when the limit stopped it, else ``exited``. ``env``:
    its environment (default: ours, with this package importable).
    """
    started = time.monotonic()
    run = _start([interpreter, str(path), *args], "check", cwd=cwd, env=env)
    events: list[Event] = []
    deadline = started + time_limit
    stop_reason = _relay(
        run.process, lambda: deadline, events, lambda event: None, lambda: False, _read_lines
    )
    returncode, killed, leftovers = _finish(run)
    return RunOutcome(
        status="timed_out" if stop_reason == "deadline" else "exited",
        message="",
        result={},
        events=events,
        killed_by_runner=killed,
        leftovers=leftovers,
        returncode=returncode,
        seconds=time.monotonic() - started,
    )


@dataclass
class _Guarded:
    """A run under its guard: the guard's process (the leader of the run's
    session; its pipes are the run's input and output) and the pipe that
    brings the exit status of the run's own command."""

    process: subprocess.Popen[str]
    status_pipe: int
    _returncode: int | None = None

    @property
    def session(self) -> int:
        return self.process.pid

    def returncode(self, timeout: float) -> int | None:
        """The command's exit status, waiting up to ``timeout`` s for it; None if
        it is still running. A guard killed before it could say (the whole
        session was killed) counts as the command killed by SIGKILL."""
        if self._returncode is None:
            ready, _, _ = select.select([self.status_pipe], [], [], timeout)
            if not ready:
                return None
            said = os.read(self.status_pipe, 64).strip()
            self._returncode = int(said) if said else -signal.SIGKILL
        return self._returncode

    def end(self) -> None:
        """The run is over: let its guard go (it kills anything still in the session)."""
        with contextlib.suppress(OSError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(timeout=EXIT_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self.status_pipe)


def _start(
    command: Sequence[str],
    kind: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> _Guarded:
    """``command`` in a new session under its guard; ``kind`` names the run
    ("demo run", "check") to a server that finds it left behind. ``env``: its
    environment (default: ours, with this package importable)."""
    status_pipe, status_end = os.pipe()
    try:
        process = subprocess.Popen(
            [sys.executable, "-I", "-S", str(GUARD), str(status_end), *command],
            stdin=subprocess.PIPE,  # never written: its end is the guard's lifeline
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            cwd=cwd,
            pass_fds=(status_end,),
            env={
                **(child_env() if env is None else env),
                "PYTHONUNBUFFERED": "1",
                RUN_MARK: run_mark(kind),
            },
        )
    except BaseException:
        os.close(status_pipe)
        raise
    finally:
        os.close(status_end)
    return _Guarded(process, status_pipe)


def _finish(run: _Guarded) -> tuple[int, list[int], list[int]]:
    """Wait briefly for the command to exit, kill what is left of its session,
    let the guard go: (returncode, killed, leftovers)."""
    returncode = run.returncode(EXIT_GRACE_SECONDS)
    if returncode is None:
        kill_session(run.session)
        returncode = run.returncode(EXIT_GRACE_SECONDS)
    killed = kill_session(run.session, spare=run.session)
    run.end()
    return (
        -signal.SIGKILL if returncode is None else returncode,
        killed,
        _leftovers(run.session),
    )


def _relay(
    process: subprocess.Popen[str],
    hard_deadline: Callable[[], float],
    events: list[Event],
    on_event: Callable[[Event], None],
    cancelled: Callable[[], bool],
    read_stdout: Callable[[IO[str], "queue.Queue[Event]"], None],
) -> str:
    """Pass events on until both streams end; stop the process on cancel or at the deadline."""
    arrivals: queue.Queue[Event] = queue.Queue()
    readers = [
        threading.Thread(target=read_stdout, args=(process.stdout, arrivals), daemon=True),
        threading.Thread(target=_read_stderr, args=(process.stderr, arrivals), daemon=True),
    ]
    for reader in readers:
        reader.start()
    open_streams = len(readers)
    stop_reason = ""
    while open_streams:
        if not stop_reason and cancelled():
            stop_reason = "cancelled"
            _terminate(process)
        if not stop_reason and time.monotonic() >= hard_deadline():
            stop_reason = "deadline"
            kill_session(process.pid)
        try:
            event = arrivals.get(timeout=POLL_SECONDS)
        except queue.Empty:
            continue
        if event is _END_OF_STREAM:
            open_streams -= 1
            continue
        events.append(event)
        on_event(event)
    return stop_reason


def _read_events(stream: IO[str], arrivals: "queue.Queue[Event]") -> None:
    for line in stream:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            event = None
        if not isinstance(event, dict) or "event" not in event:
            event = {"event": "output", "line": line.rstrip("\n")}
        arrivals.put(event)
    arrivals.put(_END_OF_STREAM)


def _read_lines(stream: IO[str], arrivals: "queue.Queue[Event]") -> None:
    for line in stream:
        arrivals.put({"event": "output", "line": line.rstrip("\n")})
    arrivals.put(_END_OF_STREAM)


def _read_stderr(stream: IO[str], arrivals: "queue.Queue[Event]") -> None:
    for line in stream:
        arrivals.put({"event": "stderr", "line": line.rstrip("\n")})
    arrivals.put(_END_OF_STREAM)


def _terminate(process: subprocess.Popen[str]) -> None:
    """Ask the module to stop: it kills and reaps its own workers, then reports."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGTERM)


def _leftovers(session_id: int, settle_seconds: float = 1.0) -> list[int]:
    """Pids of the session still alive once SIGKILL has had time to land."""
    deadline = time.monotonic() + settle_seconds
    while True:
        alive = [process.pid for process in running_in_session(session_id)]
        if not alive or time.monotonic() >= deadline:
            return alive
        time.sleep(POLL_SECONDS)


def _status(
    result: Event,
    stop_reason: str,
    events: list[Event],
    returncode: int | None,
    time_limit: float,
    *,
    stall: bool,
) -> tuple[str, str]:
    if result:
        return str(result.get("status", "error")), str(result.get("message", ""))
    if stop_reason == "cancelled":
        return "cancelled", "stopped on request before the demo reported"
    if stop_reason == "deadline":
        waited = "made no progress for" if stall else "did not report within"
        return "deadlock", (
            f"the demo process {waited} {time_limit:g} s "
            f"+ {STARTUP_ALLOWANCE_SECONDS:g} s allowance and was killed"
        )
    errors = [event["line"] for event in events if event["event"] in ("stderr", "output")]
    return "error", "\n".join(errors[-20:]) or f"the demo process exited with code {returncode}"
