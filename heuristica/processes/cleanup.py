"""Finding and stopping the processes of a demo run (psutil, no Streamlit)."""

import contextlib
import os
import signal
from collections import defaultdict
from dataclasses import dataclass

import psutil

__all__ = [
    "RUN_MARK",
    "LeftBehind",
    "end_runs_left_behind",
    "kill_session",
    "run_mark",
    "running_in_session",
    "stop_descendants",
]

_MAX_ROUNDS = 5
RUN_MARK = "HEURISTICA_RUN"
"""The environment variable every process of a run carries: ``kind|pid|start``,
what the run is and which process started it (its pid and start time)."""
OWNERS = {"demo run": "a server", "check": "a verify run"}


def stop_descendants(grace: float = 1.0) -> list[int]:
    """Kill every descendant of this process, deepest first, and reap them.

    Killing a process before its children would orphan them; where init does
    not reap orphans (as in some containers) they would stay as zombies.
    Returns the pids that were killed.
    """
    me = psutil.Process()
    killed: list[int] = []
    for _ in range(_MAX_ROUNDS):
        descendants = me.children(recursive=True)
        if not descendants:
            break
        leaves = [process for process in descendants if not _children_of(process)]
        for process in leaves or descendants:
            try:
                process.kill()
                killed.append(process.pid)
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(leaves or descendants, timeout=grace)
    return killed


def running_in_session(session_id: int) -> list[psutil.Process]:
    """Processes of the session that are still alive (zombies have already exited)."""
    alive = []
    for process in psutil.process_iter(["status"]):
        try:
            in_session = os.getsid(process.pid) == session_id
        except (ProcessLookupError, PermissionError):
            continue
        if in_session and process.info["status"] != psutil.STATUS_ZOMBIE:
            alive.append(process)
    return alive


def kill_session(session_id: int, spare: int | None = None) -> list[int]:
    """SIGKILL every live process of the session (its process group included)
    but ``spare``. Returns pids."""
    victims = [process for process in running_in_session(session_id) if process.pid != spare]
    for process in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    return [process.pid for process in victims]


def _identity(pid: int) -> str:
    """A process as no other process on this machine since boot: pid and start time."""
    return f"{pid}|{psutil.Process(pid).create_time():.2f}"


def run_mark(kind: str) -> str:
    """The ``RUN_MARK`` value for a run of ``kind`` that this process starts."""
    return f"{kind}|{_identity(os.getpid())}"


@dataclass(frozen=True)
class LeftBehind:
    """Runs whose starter is gone, ended: what they were, who started them, what was killed."""

    kind: str
    owner: int
    runs: int
    pids: tuple[int, ...]

    def __str__(self) -> str:
        plural = "s" * (self.runs != 1)
        return (
            f"ended {self.runs} {self.kind}{plural} left by {OWNERS.get(self.kind, 'a process')} "
            f"that stopped (pid {self.owner})"
        )


def end_runs_left_behind() -> list[LeftBehind]:
    """End the runs on this machine whose starter (a server, a verify) is gone.

    Only a process that carries ``RUN_MARK`` naming a starter that no longer
    runs (no process with that pid and start time) is taken for such a run,
    and its whole session ended, since every process of a run shares one
    session; a session whose leader is alive and does not carry the same
    mark is left alone. A look-alike without the mark, a run of a live
    server, another user's processes (their environment cannot be read) are
    never touched.
    """
    sessions: dict[int, tuple[str, int]] = {}
    for process in psutil.process_iter(["environ"]):
        mark = (process.info["environ"] or {}).get(RUN_MARK, "")
        left = _left_behind(mark)
        with contextlib.suppress(OSError, psutil.Error):
            session = os.getsid(process.pid)
            if left and _leader_agrees(session, mark):
                sessions[session] = left
    ended: dict[tuple[str, int], list[int]] = defaultdict(list)
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for session, left in sessions.items():
        ended[left] += kill_session(session)
        counts[left] += 1
    return [
        LeftBehind(kind, owner, counts[kind, owner], tuple(pids))
        for (kind, owner), pids in ended.items()
    ]


def _left_behind(mark: str) -> tuple[str, int] | None:
    """(kind, starter's pid) if ``mark`` names a starter that is gone, else None."""
    kind, _, starter = mark.partition("|")
    pid, _, started = starter.partition("|")
    if not (kind and pid.isdigit() and started):
        return None
    try:
        alive = _identity(int(pid)) == starter
    except psutil.Error:
        alive = False
    return None if alive else (kind, int(pid))


def _leader_agrees(session: int, mark: str) -> bool:
    """Whether the session's leader is gone, or carries ``mark`` too."""
    try:
        return psutil.Process(session).environ().get(RUN_MARK) == mark
    except psutil.NoSuchProcess:
        return True
    except psutil.Error:
        return False


def _children_of(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children()
    except psutil.NoSuchProcess:
        return []
