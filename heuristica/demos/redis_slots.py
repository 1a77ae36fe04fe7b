"""The demo's limit on concurrent runs across every app server on one Redis
(``demos.slots`` says how it works, and how it survives a lost or frozen Redis)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import redis

from heuristica.demos.slot_line import (
    LEASE_SECONDS,
    RENEW_SECONDS,
    UNSURE_RENEWALS,
    RunnerBusy,
    Ticket,
    Waiting,
    busy_message,
    check_limits,
    ignore_waiting,
)
from heuristica.shared_store import SharedStore

__all__ = ["REJOINED_NOTE", "UNSURE_NOTE", "RedisRunSlots"]

_log = logging.getLogger(__name__)


# KEYS: holders, line, leases (of waiting tickets), the time Redis was last
# touched, the "unsure" marker. ARGV[1]: how long untouched means out of
# reach (ms), ARGV[2]: how long to be unsure (ms). Every script first
# notices a loss or a gap (then stretches every lease and marks itself
# unsure), then drops holders and waiting tickets whose lease ran out.
_PURGE = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local last = tonumber(redis.call('GET', KEYS[4]))
local unsure_ms = tonumber(ARGV[2])
local tickets = redis.call('ZCARD', KEYS[1]) + redis.call('ZCARD', KEYS[3])
if not last or (now - last > tonumber(ARGV[1]) and tickets > 0) then
  redis.call('SET', KEYS[5], '1', 'PX', unsure_ms)
  for _, key in ipairs({KEYS[1], KEYS[3]}) do
    for _, member in ipairs(redis.call('ZRANGEBYSCORE', key, '-inf', now + unsure_ms)) do
      redis.call('ZADD', key, now + unsure_ms, member)
    end
  end
end
redis.call('SET', KEYS[4], now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do
  redis.call('ZREM', KEYS[2], dead)
  redis.call('ZREM', KEYS[3], dead)
end
local unsure = redis.call('EXISTS', KEYS[5])
"""
# ARGV[3..]: ticket, limit, max waiting, lease ms. Returns {joined 0/1, waiting, joined at}.
_ENQUEUE = (
    _PURGE
    + """
local waiting = redis.call('ZCARD', KEYS[2])
local free = tonumber(ARGV[4]) - redis.call('ZCARD', KEYS[1])
if waiting >= tonumber(ARGV[5]) + free then return {0, waiting, 0} end
local joined = t[1] * 1000000 + t[2]
redis.call('ZADD', KEYS[2], joined, ARGV[3])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[6]), ARGV[3])
return {1, waiting + 1, joined}
"""
)
_HOLDS, _WAITS, _UNSURE, _LOST = 0, 1, 2, -1
# ARGV[3..]: ticket, limit, lease ms, joined at. Returns {state, place}:
# holds a slot now, waits (place), waits while Redis is unsure, or lost
# (then it is put back where it joined).
_TAKE = (
    _PURGE
    + """
if redis.call('ZSCORE', KEYS[1], ARGV[3]) then return {0, 0} end
local state = 1
if not redis.call('ZSCORE', KEYS[2], ARGV[3]) then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[3])
  state = -1
end
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[5]), ARGV[3])
local rank = redis.call('ZRANK', KEYS[2], ARGV[3])
if unsure == 1 then return {state == -1 and -1 or 2, rank + 1} end
if rank == 0 and redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZREM', KEYS[2], ARGV[3])
  redis.call('ZREM', KEYS[3], ARGV[3])
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[5]), ARGV[3])
  return {0, 0}
end
return {state, rank + 1}
"""
)
# ARGV[3..]: lease ms, how many held tickets, how many waiting ones, how many
# released ones; the held tickets, the waiting ones (ticket, joined at), the
# released ones. A held slot is put back even if Redis lost it, so a run in
# progress keeps counting; a waiting ticket goes back to its place unless it
# holds a slot by now; a released one is dropped. Returns {running, waiting, unsure}.
_RENEW = (
    _PURGE
    + """
local lease = now + tonumber(ARGV[3])
local held, waiting, released = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local i = 7
for _ = 1, held do
  redis.call('ZADD', KEYS[1], lease, ARGV[i])
  i = i + 1
end
for _ = 1, waiting do
  if not redis.call('ZSCORE', KEYS[1], ARGV[i]) then
    redis.call('ZADD', KEYS[2], 'NX', ARGV[i + 1], ARGV[i])
    redis.call('ZADD', KEYS[3], lease, ARGV[i])
  end
  i = i + 2
end
for _ = 1, released do
  redis.call('ZREM', KEYS[1], ARGV[i])
  redis.call('ZREM', KEYS[2], ARGV[i])
  redis.call('ZREM', KEYS[3], ARGV[i])
  i = i + 1
end
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), unsure}
"""
)


def _unreachable_note(reason: str) -> str:
    return f"{reason}: your run keeps its place and starts once Redis answers"


REJOINED_NOTE = (
    "Redis lost the line (it was restarted or emptied): your run joined it again "
    "where it was, by the time you pressed Run"
)
AWAY_LOG = "demo runs go on, and runs waiting in line keep their places until it answers"
UNSURE_LOG = (
    "Redis lost the demo's line (restarted or flushed) or was out of reach for longer "
    "than renewals allow: no run starts for %.1f s while the servers report theirs"
)
UNSURE_NOTE = (
    "Redis is back after an interruption: the servers are reporting which runs are "
    "still going, so that no more than the limit run at once"
)


class RedisRunSlots:
    """The limit across every app server on one Redis."""

    def __init__(
        self, shared: SharedStore, limit: int, max_waiting: int, lease: float = LEASE_SECONDS
    ) -> None:
        check_limits(limit, max_waiting)
        self.limit = limit
        self.max_waiting = max_waiting
        self._shared = shared
        self._lease_ms = int(lease * 1000)
        renew_every = min(lease / 3, RENEW_SECONDS)
        unsure_ms = int(renew_every * UNSURE_RENEWALS * 1000)
        self._timing = [unsure_ms, unsure_ms]
        prefix = f"{shared.prefix}demo:"
        self._keys = [
            f"{prefix}{name}" for name in ("holders", "line", "leases", "touched", "unsure")
        ]
        client = shared.client
        self._enqueue = client.register_script(_ENQUEUE)
        self._take = client.register_script(_TAKE)
        self._renew = client.register_script(_RENEW)
        self._held: set[str] = set()
        self._waiting: dict[str, int] = {}
        """Ticket id -> when it joined."""
        self._released: set[str] = set()
        """Released while Redis did not answer: dropped at the next renewal."""
        self._mine_lock = threading.Lock()
        threading.Thread(
            target=self._renew_forever, args=(renew_every,), name="demo-leases", daemon=True
        ).start()

    def enqueue(self) -> Ticket:
        ticket = Ticket()
        args: list[str | int] = [ticket.id, self.limit, self.max_waiting, self._lease_ms]
        with self._shared.answering():
            joined, waiting, ticket.joined = self._run(self._enqueue, args)
        if not joined:
            raise RunnerBusy(busy_message(self.limit, int(waiting)))
        with self._mine_lock:
            self._waiting[ticket.id] = ticket.joined
        return ticket

    def wait_turn(
        self,
        ticket: Ticket,
        cancelled: Callable[[], bool],
        poll_seconds: float = 0.1,
        on_wait: Callable[[Waiting], None] = ignore_waiting,
    ) -> bool:
        place, rejoined = 0, False
        while True:
            try:
                state, place = self._place(ticket)
            except redis.RedisError as error:  # keep the place we had and ask again
                note = _unreachable_note(self._shared.unreachable(error))
            else:
                if state == _HOLDS:
                    return True
                rejoined = rejoined or state == _LOST
                note = REJOINED_NOTE if rejoined else UNSURE_NOTE if state == _UNSURE else ""
            on_wait(Waiting(place, note))
            if cancelled():
                self.release(ticket)
                return False
            time.sleep(poll_seconds)

    def release(self, ticket: Ticket) -> None:
        with self._mine_lock:
            self._held.discard(ticket.id)
            self._waiting.pop(ticket.id, None)
            self._released.add(ticket.id)
            with contextlib.suppress(redis.RedisError):  # else the next renewal drops it
                self._renew_mine()

    def position(self, ticket: Ticket) -> int:
        with self._shared.answering():
            rank = self._shared.client.zrank(self._keys[1], ticket.id)
        return rank + 1 if isinstance(rank, int) else 0

    def counts(self) -> tuple[int, int]:
        with self._shared.answering():
            running, waiting, _ = self._run(self._renew, [self._lease_ms, 0, 0, 0])
        return running, waiting

    def _run(self, script: redis.commands.core.Script, args: list[str | int]) -> list[int]:
        return [int(value) for value in script(keys=self._keys, args=[*self._timing, *args])]

    def _place(self, ticket: Ticket) -> tuple[int, int]:
        """(state, place in line) of a waiting ticket; a ticket that gets its
        slot moves from waiting to held in the same step, under the lock."""
        args: list[str | int] = [ticket.id, self.limit, self._lease_ms, ticket.joined]
        with self._mine_lock:
            state, place = self._run(self._take, args)
            if state == _HOLDS:
                self._waiting.pop(ticket.id, None)
                self._held.add(ticket.id)
        return state, place

    def _renew_mine(self) -> bool:
        """Renew this server's tickets and drop the ones it released (caller holds
        the lock); whether Redis is unsure of the line (False with nothing to renew)."""
        held, waiting, released = list(self._held), list(self._waiting.items()), self._released
        if not (held or waiting or released):
            return False
        args: list[str | int] = [self._lease_ms, len(held), len(waiting), len(released)]
        args += [*held, *(value for pair in waiting for value in pair), *released]
        unsure = self._run(self._renew, args)[2]
        self._released = set()
        return bool(unsure)

    def _renew_forever(self, every: float) -> None:
        """Renew this server's tickets; tell the operator, once each, that Redis
        went away, came back, or lost track of the line."""
        away = unsure = False
        while True:
            time.sleep(every)
            try:
                with self._mine_lock:
                    now_unsure = self._renew_mine()
            except redis.RedisError as error:  # the leases wait for its return
                if not away:
                    _log.warning("%s: %s", self._shared.unreachable(error), AWAY_LOG)
                away = True
                continue
            except Exception:  # the renewals must outlive any one bad round
                _log.exception("renewing the demo's run slots failed")
                continue
            if away:
                _log.warning(
                    "Redis at %s answers again: the demo's line goes on", self._shared.shown_url
                )
            if now_unsure and not unsure:
                _log.warning(UNSURE_LOG, self._timing[1] / 1000)
            away, unsure = False, now_unsure
