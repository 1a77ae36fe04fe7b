"""Live sessions in Redis, so a presenter and her followers may each land on
any app server (``HEURISTICA_REDIS_URL``; docs/deploy.md).

Keys (prefix ``heuristica:``):

- ``tour:session:<CODE>`` — a hash ``{tour_id, step, version, moved}``. Its
  TTL is the presenter timeout: a heartbeat or a move renews it, so a
  session whose presenter's server stopped saying she is there expires by
  Redis's own clock. ``moved`` (epoch seconds) decides the idle limit.
- ``tour:code:<CODE>`` — the code was handed out; ``SET NX`` with a 24 h TTL
  claims it, so two servers never hand out the same code.
- ``tour:ended:<CODE>`` — the session was stopped or went idle (1 h TTL), so
  a missing hash can be told apart from one Redis lost in a restart.
- channel ``tour:moved`` — the code of a session that moved or ended. Only a
  nudge: Pub/Sub drops messages for a disconnected subscriber, so whoever
  listens also re-reads the hash on a timer and after reconnecting.

Moves, heartbeats and restores are Lua scripts: check, write, renew the TTL
and publish in one step, so a move never resurrects an expired session.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from heuristica.shared_store import SharedStore
from heuristica.tours.sessions import (
    CODE_RESERVED_S,
    IDLE_TIMEOUT_S,
    PRESENTER_TIMEOUT_S,
    Session,
    Unsubscribe,
    draw_code,
    gone,
    normalise_code,
)

__all__ = ["RedisSessionStore", "subscribe"]

RECONNECT_WAIT_S = 1.0
ENDED_MEMORY_S = 3600
"""How long an ended session is known as ended rather than missing."""

# KEYS[1] session hash, KEYS[2] channel, KEYS[3] ended marker. ARGV: code,
# now, idle limit (s). Returns the hash as a flat list, or false when it is gone.
_LIVE = """
local moved = redis.call('HGET', KEYS[1], 'moved')
if not moved then return false end
if tonumber(ARGV[2]) - tonumber(moved) > tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[3], '1', 'EX', 3600)
  redis.call('PUBLISH', KEYS[2], ARGV[1])
  return false
end
"""
_HEARTBEAT = (
    _LIVE
    + """
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('HGETALL', KEYS[1])
"""
)
# ARGV[5..6]: tour id, step.
_MOVE = (
    _LIVE
    + """
redis.call('HSET', KEYS[1], 'tour_id', ARGV[5], 'step', ARGV[6], 'moved', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""
)
_BUMP = (
    _LIVE
    + """
redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PUBLISH', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""
)
# KEYS[3] the code's claim, KEYS[4] its ended marker.
# ARGV[5..7]: tour id, step, version; ARGV[8] claim TTL (s).
_RESTORE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('HGETALL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'tour_id', ARGV[5], 'step', ARGV[6], 'version', ARGV[7],
           'moved', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[8])
redis.call('DEL', KEYS[4])
redis.call('PUBLISH', KEYS[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""


class RedisSessionStore:
    """``SessionStore`` on Redis; any number of app servers may share one."""

    def __init__(
        self,
        shared: SharedStore,
        *,
        presenter_timeout: float = PRESENTER_TIMEOUT_S,
        idle_timeout: float = IDLE_TIMEOUT_S,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._shared = shared
        self._redis = shared.client
        self._ttl_ms = int(presenter_timeout * 1000)
        self._idle_timeout = idle_timeout
        self._rng = rng or random.SystemRandom()
        self._clock = clock
        self._channel = f"{shared.prefix}tour:moved"
        self._heartbeat = self._redis.register_script(_HEARTBEAT)
        self._move = self._redis.register_script(_MOVE)
        self._bump = self._redis.register_script(_BUMP)
        self._restore = self._redis.register_script(_RESTORE)

    def start(self, tour_id: str, step: int = 0) -> Session:
        with self._shared.answering():
            while True:
                code = draw_code(self._rng)
                if self._redis.set(self._claim_key(code), "1", nx=True, ex=int(CODE_RESERVED_S)):
                    break
            fields: list[str | int | float] = ["tour_id", tour_id, "step", step, "version", 1]
            fields += ["moved", self._clock()]
            with self._redis.pipeline() as pipe:
                pipe.hset(self._key(code), items=fields)
                pipe.pexpire(self._key(code), self._ttl_ms)
                pipe.execute()
        return Session(code, tour_id, step, version=1)

    def look_up(self, code: str) -> Session:
        code = normalise_code(code)
        with self._shared.answering():
            fields = {str(k): str(v) for k, v in self._redis.hgetall(self._key(code)).items()}
            if fields and self._clock() - float(fields["moved"]) > self._idle_timeout:
                self.end(code)
                fields = {}
        return self._session(code, fields)

    def move(self, code: str, tour_id: str, step: int) -> Session:
        code = normalise_code(code)
        return self._run(self._move, code, tour_id, step)

    def bump(self, code: str) -> Session:
        return self._run(self._bump, normalise_code(code))

    def heartbeat(self, code: str) -> Session:
        return self._run(self._heartbeat, normalise_code(code))

    def restore(self, session: Session) -> Session:
        code = session.code
        keys = [self._key(code), self._channel, self._claim_key(code), self._ended_key(code)]
        args = [
            *self._common_args(session.code),
            session.tour_id,
            session.step,
            session.version + 1,
            int(CODE_RESERVED_S),
        ]
        with self._shared.answering():
            fields = self._restore(keys=keys, args=args)
        return self._session(session.code, _as_dict(fields))

    def end(self, code: str) -> None:
        code = normalise_code(code)
        with self._shared.answering(), self._redis.pipeline() as pipe:
            pipe.delete(self._key(code))
            pipe.set(self._ended_key(code), "1", ex=ENDED_MEMORY_S)
            pipe.publish(self._channel, code)
            pipe.execute()

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        return subscribe(self._redis, self._channel, on_change)

    def _run(self, script: Any, code: str, *extra: str | int) -> Session:
        keys = [self._key(code), self._channel, self._ended_key(code)]
        with self._shared.answering():
            fields = script(keys=keys, args=[*self._common_args(code), *extra])
        return self._session(code, _as_dict(fields))

    def _common_args(self, code: str) -> list[str | int | float]:
        return [code, self._clock(), self._idle_timeout, self._ttl_ms]

    def _session(self, code: str, fields: dict[str, str]) -> Session:
        if not fields:
            with self._shared.answering():
                ended = bool(self._redis.exists(self._ended_key(code)))
            raise gone(code, ended=ended)
        return Session(code, fields["tour_id"], int(fields["step"]), int(fields["version"]))

    def _ended_key(self, code: str) -> str:
        return f"{self._shared.prefix}tour:ended:{code}"

    def _key(self, code: str) -> str:
        return f"{self._shared.prefix}tour:session:{code}"

    def _claim_key(self, code: str) -> str:
        return f"{self._shared.prefix}tour:code:{code}"


def subscribe(
    client: redis.Redis, channel: str, on_change: Callable[[str | None], None]
) -> Unsubscribe:
    """Relay ``channel``'s codes to ``on_change`` from a daemon thread; after every
    (re)connect, say that anything may have changed (None), since messages sent
    meanwhile are lost."""
    stop = threading.Event()

    def listen() -> None:
        while not stop.is_set():
            try:
                with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    pubsub.subscribe(channel)
                    on_change(None)
                    while not stop.is_set():
                        message = pubsub.get_message(timeout=RECONNECT_WAIT_S)
                        if message is not None:
                            on_change(str(message["data"]))
            except redis.RedisError:
                stop.wait(RECONNECT_WAIT_S)

    threading.Thread(target=listen, name=f"nudges {channel}", daemon=True).start()
    return stop.set


def _as_dict(fields: object) -> dict[str, str]:
    """A Lua script's HGETALL (a flat list, or None for false) as a dict."""
    if not fields:
        return {}
    assert isinstance(fields, list)
    return dict(zip(fields[::2], fields[1::2], strict=True))
