"""A first-come, first-served limit on how many demo runs execute at once.

One limit is shared by every browser session: ``RunSlots`` within this
server process, ``RedisRunSlots`` across every app server on one Redis
(``HEURISTICA_REDIS_URL``), so a room of people pressing Run queues up
instead of overloading the machines.

The Redis limit is a semaphore with a line: a sorted set of holders scored
by when their lease runs out, a sorted set of waiting tickets in arrival
order, and their own leases. Each server renews the leases of its own
tickets every few seconds; a server that crashes stops renewing, and its
slots and places in line come back within ``LEASE_SECONDS``. Every change is
one Lua script, timed by Redis's clock, so servers never disagree.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import redis

from heuristica.shared_store import SharedStore, shared_store_from_environment

__all__ = [
    "LEASE_SECONDS",
    "RedisRunSlots",
    "RunLimit",
    "RunSlots",
    "RunnerBusy",
    "Ticket",
    "busy_message",
    "limit_from_environment",
    "run_limit_from_environment",
]

LEASE_SECONDS = 15.0
"""A ticket whose server has not renewed it for this long is dropped."""


class RunnerBusy(RuntimeError):
    """Too many runs are already waiting; the caller should retry later."""


@dataclass(eq=False)
class Ticket:
    """A place in the line (compared by identity; ``id`` names it in Redis)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)


class RunLimit(Protocol):
    """At most ``limit`` holders at a time; at most ``max_waiting`` in line behind them."""

    limit: int
    max_waiting: int

    def enqueue(self) -> Ticket:
        """Join the line, or raise RunnerBusy if it is full."""
        ...

    def wait_turn(
        self, ticket: Ticket, cancelled: Callable[[], bool], poll_seconds: float = 0.1
    ) -> bool:
        """Block until the ticket holds a slot (True) or ``cancelled()`` says stop (False)."""
        ...

    def release(self, ticket: Ticket) -> None: ...

    def position(self, ticket: Ticket) -> int:
        """0 while the ticket holds a slot (or is gone), else its 1-based place in line."""
        ...

    def counts(self) -> tuple[int, int]:
        """(running, waiting), for showing how busy the servers are."""
        ...


def busy_message(limit: int, waiting: int) -> str:
    return (
        f"all {limit} demo slots are busy and {waiting} more runs are waiting, "
        "the most this server allows; please try again in a minute"
    )


def _check(limit: int, max_waiting: int) -> None:
    if limit < 1 or max_waiting < 0:
        raise ValueError(f"limit must be >= 1 and max_waiting >= 0, got {limit}, {max_waiting}")


class RunSlots:
    """The limit within this server process."""

    def __init__(self, limit: int, max_waiting: int) -> None:
        _check(limit, max_waiting)
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
        self, ticket: Ticket, cancelled: Callable[[], bool], poll_seconds: float = 0.1
    ) -> bool:
        with self._changed:
            while not (self._line[0] is ticket and len(self._holders) < self.limit):
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
            self._changed.notify_all()

    def position(self, ticket: Ticket) -> int:
        with self._changed:
            return self._line.index(ticket) + 1 if ticket in self._line else 0

    def counts(self) -> tuple[int, int]:
        with self._changed:
            return len(self._holders), len(self._line)


# KEYS: holders, line, leases (of waiting tickets), sequence. Every script
# first drops holders and waiting tickets whose lease ran out.
_PURGE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], dead)
  redis.call('ZREM', KEYS[3], dead)
end
"""
# ARGV: ticket, limit, max waiting, lease ms. Returns {joined 0/1, waiting}.
_ENQUEUE = (
    _PURGE
    + """
local waiting = redis.call('ZCARD', KEYS[2])
local free = tonumber(ARGV[2]) - redis.call('ZCARD', KEYS[1])
if waiting >= tonumber(ARGV[3]) + free then return {0, waiting} end
redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[4]), ARGV[1])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[4]), ARGV[1])
return {1, waiting + 1}
"""
)
# ARGV: ticket, limit, lease ms. Returns 0 = holds a slot, n = place in line, -1 = gone.
_TAKE = (
    _PURGE
    + """
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local rank = redis.call('ZRANK', KEYS[2], ARGV[1])
if not rank then return -1 end
if rank == 0 and redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('ZREM', KEYS[3], ARGV[1])
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
  return 0
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[1])
return rank + 1
"""
)
# ARGV: lease ms, how many held tickets follow, the held tickets, the waiting
# tickets. A held slot is put back even if Redis lost it (a restart without
# data), so a run in progress keeps counting; a waiting ticket only if it is
# still in line. Returns {running, waiting}.
_RENEW = (
    _PURGE
    + """
local held = tonumber(ARGV[2])
for i = 3, #ARGV do
  if i - 2 <= held then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
  else
    redis.call('ZADD', KEYS[3], 'XX', now + tonumber(ARGV[1]), ARGV[i])
  end
end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
"""
)
_RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
"""


class RedisRunSlots:
    """The limit across every app server on one Redis."""

    def __init__(
        self, shared: SharedStore, limit: int, max_waiting: int, lease: float = LEASE_SECONDS
    ) -> None:
        _check(limit, max_waiting)
        self.limit = limit
        self.max_waiting = max_waiting
        self._shared = shared
        self._lease_ms = int(lease * 1000)
        prefix = f"{shared.prefix}demo:"
        self._keys = [f"{prefix}holders", f"{prefix}line", f"{prefix}leases", f"{prefix}seq"]
        client = shared.client
        self._enqueue = client.register_script(_ENQUEUE)
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._release = client.register_script(_RELEASE)
        self._held: set[str] = set()
        self._waiting: set[str] = set()
        self._mine_lock = threading.Lock()
        threading.Thread(
            target=self._renew_forever, args=(lease / 3,), name="demo-leases", daemon=True
        ).start()

    def enqueue(self) -> Ticket:
        ticket = Ticket()
        with self._shared.answering():
            joined, waiting = self._join(ticket, self.max_waiting)
        if not joined:
            raise RunnerBusy(busy_message(self.limit, int(waiting)))
        with self._mine_lock:
            self._waiting.add(ticket.id)
        return ticket

    def _join(self, ticket: Ticket, max_waiting: int) -> list[int]:
        args: list[str | int] = [ticket.id, self.limit, max_waiting, self._lease_ms]
        return list(self._enqueue(keys=self._keys, args=args))

    def wait_turn(
        self, ticket: Ticket, cancelled: Callable[[], bool], poll_seconds: float = 0.1
    ) -> bool:
        while True:
            if cancelled():
                self.release(ticket)
                return False
            try:
                place = self._place(ticket)
            except redis.RedisError:
                place = 1  # Redis is away: keep our place and ask again
            if place == 0:
                with self._mine_lock:
                    self._waiting.discard(ticket.id)
                    self._held.add(ticket.id)
                return True
            if place < 0:  # Redis lost the line (a restart): join it again
                with contextlib.suppress(redis.RedisError):
                    self._join(ticket, max_waiting=1 << 30)
            time.sleep(poll_seconds)

    def release(self, ticket: Ticket) -> None:
        with self._mine_lock:
            self._held.discard(ticket.id)
            self._waiting.discard(ticket.id)
        with contextlib.suppress(redis.RedisError):  # else its lease runs out on its own
            self._release(keys=self._keys[:3], args=[ticket.id])

    def position(self, ticket: Ticket) -> int:
        with self._shared.answering():
            rank = self._shared.client.zrank(self._keys[1], ticket.id)
        return rank + 1 if isinstance(rank, int) else 0

    def counts(self) -> tuple[int, int]:
        with self._shared.answering():
            running, waiting = self._renew(keys=self._keys[:3], args=[self._lease_ms, 0])
        return int(running), int(waiting)

    def _place(self, ticket: Ticket) -> int:
        return int(self._take(keys=self._keys[:3], args=[ticket.id, self.limit, self._lease_ms]))

    def _renew_forever(self, every: float) -> None:
        while True:
            time.sleep(every)
            with self._mine_lock:
                held, waiting = list(self._held), list(self._waiting)
            if held or waiting:
                with contextlib.suppress(redis.RedisError):
                    self._renew(
                        keys=self._keys[:3], args=[self._lease_ms, len(held), *held, *waiting]
                    )


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
