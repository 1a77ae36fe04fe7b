"""The watchdog every run starts under, so that no run outlives the process
that started it: ``python -I -S guard.py STATUS_FD COMMAND [ARG...]``.

The runner starts this file as the leader of the run's own process session.
It starts COMMAND (a demo module, or a check's program under any interpreter)
in that session and then watches two things: its standard input, a pipe whose
writing end only the process that started the run holds, and its parent.
When the pipe reaches its end (the runner is done with the run, or its
process exited, crashed or was killed with SIGKILL, which closes every
descriptor it held) or the guard is handed to another parent, it kills every
process of its session and exits. A run notices within half a second.

Why not ``prctl(PR_SET_PDEATHSIG)``: the signal is sent when the *thread*
that started the child ends, not the process, and an app server starts each
run from a short-lived thread; it must also be set in the child between fork
and exec, which from a threaded server means ``preexec_fn`` (no longer safe,
and it forces a plain fork). Why not a watchdog inside the run: a check's
program is anybody's code under any interpreter. This file needs nothing but
the standard library (``-I -S``: no site-packages, no environment variables).

COMMAND's exit status goes to the descriptor STATUS_FD as soon as it exits,
as a number in ``subprocess`` terms (negative: killed by that signal). The
guard keeps watching after that: the runner may still have processes of the
run to account for, and closes the pipe once it has. SIGTERM and SIGINT sent
to the guard are passed on to COMMAND (a cancelled run may stop gracefully).
"""

import contextlib
import os
import select
import signal
import sys
import time

WATCH_SECONDS = 0.5
KILL_ROUNDS = 20


def main() -> int:
    status_fd, command = int(sys.argv[1]), sys.argv[2:]
    parent = os.getppid()
    try:
        child = _start(command, status_fd)
    except OSError as error:
        print(f"cannot start {command[0]}: {error}", file=sys.stderr, flush=True)
        _report(status_fd, 127)
        return 127
    for caught in (signal.SIGTERM, signal.SIGINT):
        signal.signal(caught, lambda number, _frame: _pass_on(child, number))
    _let_go_of_the_output()
    _watch(child, parent, status_fd)
    _kill_session()
    return 0


def _start(command: list[str], status_fd: int) -> int:
    """COMMAND in this session, reading nothing (the pipe on our stdin is ours)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_CLOSE, status_fd),
    ]
    return os.posix_spawnp(command[0], command, os.environ, file_actions=actions)


def _let_go_of_the_output() -> None:
    """Stop holding the run's output pipes: the runner reads them to their end,
    which must come when the run's own processes are done with them."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _watch(child: int, parent: int, status_fd: int) -> None:
    """Until the pipe on stdin ends or the parent changes; report the child's exit."""
    running = True
    while True:
        readable, _, _ = select.select([0], [], [], WATCH_SECONDS)
        if readable and not os.read(0, 4096):
            return
        if os.getppid() != parent:
            return
        if running:
            pid, status = os.waitpid(child, os.WNOHANG)
            if pid:
                running = False
                _report(status_fd, os.waitstatus_to_exitcode(status))


def _report(status_fd: int, code: int) -> None:
    os.write(status_fd, f"{code}\n".encode())
    os.close(status_fd)


def _pass_on(child: int, number: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, number)


def _kill_session() -> None:
    """SIGKILL every other process of this session, until none is left (a
    process may start another while the first round goes)."""
    if not os.path.isdir("/proc"):  # no way to list a session: its group, this guard included
        os.killpg(os.getpgrp(), signal.SIGKILL)
    session, me = os.getsid(0), os.getpid()
    for _ in range(KILL_ROUNDS):
        others = [pid for pid in _session_members(session) if pid != me]
        if not others:
            return
        for pid in others:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _reap()
        time.sleep(0.01)


def _session_members(session: int) -> list[int]:
    members = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                if os.getsid(int(name)) == session and not _is_zombie(int(name)):
                    members.append(int(name))
            except OSError:
                continue
    return members


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except (OSError, IndexError):
        return True


def _reap() -> None:
    """Collect our own children that died (the command), so none stays a zombie."""
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


if __name__ == "__main__":
    sys.exit(main())
