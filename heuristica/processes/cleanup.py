"""Finding and stopping the processes of a demo run (psutil, no Streamlit)."""

import contextlib
import os
import signal

import psutil

__all__ = ["kill_session", "running_in_session", "stop_descendants"]

_MAX_ROUNDS = 5


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


def kill_session(session_id: int) -> list[int]:
    """SIGKILL every live process of the session (its process group included). Returns pids."""
    victims = running_in_session(session_id)
    for process in victims:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGKILL)
    return [process.pid for process in victims]


def _children_of(process: psutil.Process) -> list[psutil.Process]:
    try:
        return process.children()
    except psutil.NoSuchProcess:
        return []
