"""A first-come, first-served limit on how many demo runs execute at once.

One limit is shared by every browser session: ``RunSlots`` within this
server process, ``RedisRunSlots`` (``demos.redis_slots``) across every app server on one Redis
(``HEURISTICA_REDIS_URL``), so a room of people pressing Run queues up
instead of overloading the machines.

The Redis limit is a semaphore with a line: a sorted set of holders scored
by when their lease runs out, a sorted set of waiting tickets scored by when
they joined (Redis's clock, in microseconds), and their own leases. Each
server renews the leases of its own tickets twice a second; a server that
crashes stops renewing, and its slots and places in line come back within
``LEASE_SECONDS``. Every change is one Lua script, timed by Redis's clock,
so servers never disagree.

Redis may lose the line (a restart without its data, a ``FLUSHALL``) or be
out of reach for longer than a lease (frozen, or the network between). Either
way Redis no longer knows which runs are going: its record is missing, or it
was not touched for longer than the servers' renewals would allow. Then no
slot is handed out for ``grace`` seconds, and every lease is stretched that
long, while the servers put back what they hold and where their runs wait
(each ticket at its old place: it keeps the time it joined). So the limit is
never exceeded across a flush, a restart or a freeze, and counts again within
one renewal.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

from heuristica.demos.redis_slots import REJOINED_NOTE, UNSURE_NOTE, RedisRunSlots
from heuristica.demos.slot_line import (
    LEASE_SECONDS,
    RENEW_SECONDS,
    RunLimit,
    RunnerBusy,
    Ticket,
    Waiting,
    busy_message,
    check_limits,
    ignore_waiting,
)
from heuristica.shared_store import shared_store_from_environment

__all__ = [
    "LEASE_SECONDS",
    "REJOINED_NOTE",
    "RENEW_SECONDS",
    "UNSURE_NOTE",
    "RedisRunSlots",
    "RunLimit",
    "RunSlots",
    "RunnerBusy",
    "Ticket",
    "Waiting",
    "busy_message",
    "limit_from_environment",
    "run_limit_from_environment",
]


class RunSlots:
    """The limit within this server process."""

    def __init__(self, limit: int, max_waiting: int) -> None:
        check_limits(limit, max_waiting)
        self.limit = limit
        self.max_waiting = max_waiting
        self._changed = threading.Condition()
        self._holders: set[Ticket] = set()
        self._line: deque[Ticket] = deque()

    def enqueue(self) -> Ticket:
        with self._changed:
            free_slots = self.limit - len(self._holders)
            if len(self._line) >= self.max_waiting + free_slots:
                raise RunnerBusy(busy_message(self.limit, len(self._line)))
            ticket = Ticket()
            self._line.append(ticket)
            return ticket

    def wait_turn(
        self,
        ticket: Ticket,
        cancelled: Callable[[], bool],
        poll_seconds: float = 0.1,
        on_wait: Callable[[Waiting], None] = ignore_waiting,
    ) -> bool:
        with self._changed:
            while not (self._line[0] is ticket and len(self._holders) < self.limit):
                on_wait(Waiting(self._line.index(ticket) + 1))
                if cancelled():
                    self._line.remove(ticket)
                    self._changed.notify_all()
                    return False
                self._changed.wait(poll_seconds)
            self._line.popleft()
            self._holders.add(ticket)
            self._changed.notify_all()
            return True

    def release(self, ticket: Ticket) -> None:
        with self._changed:
            self._holders.discard(ticket)
            if ticket in self._line:  # it never got its turn
                self._line.remove(ticket)
            self._changed.notify_all()

    def position(self, ticket: Ticket) -> int:
        with self._changed:
            return self._line.index(ticket) + 1 if ticket in self._line else 0

    def counts(self) -> tuple[int, int]:
        with self._changed:
            return len(self._holders), len(self._line)


def limit_from_environment(name: str, default: int) -> int:
    """A positive whole number from the environment variable ``name``, or ``default``."""
    raw = os.environ.get(name, str(default))
    if not raw.strip().isdigit() or int(raw) < 1:
        raise ValueError(f"environment variable {name} must be a whole number >= 1, got {raw!r}")
    return int(raw)


def run_limit_from_environment() -> RunLimit:
    """``HEURISTICA_DEMO_MAX_RUNS`` (default 2) runs at once and
    ``HEURISTICA_DEMO_MAX_WAITING`` (default 30) in line: across every server
    on the Redis of ``HEURISTICA_REDIS_URL`` if it is set, else in this process."""
    limit = limit_from_environment("HEURISTICA_DEMO_MAX_RUNS", 2)
    max_waiting = limit_from_environment("HEURISTICA_DEMO_MAX_WAITING", 30)
    shared = shared_store_from_environment()
    if shared is None:
        return RunSlots(limit, max_waiting)
    return RedisRunSlots(shared, limit, max_waiting)
