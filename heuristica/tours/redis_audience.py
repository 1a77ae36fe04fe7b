"""Rooms in Redis, so followers on any app server count in their presenter's room.

Keys, per session code, under ``heuristica:tour:room:<CODE>:``:

- ``seen`` — hash follower -> when its server last said it is there (Redis's
  clock, ms), so presence is judged by one clock whatever server wrote it;
- ``where`` — hash follower -> its presence as JSON (attached, tour, step,
  the optional name); a follower here but not recently seen has left;
- ``answers`` — hash ``[tour, step, follower]`` -> the chosen answer's index;
- ``raised`` — hash id -> a hand or question as JSON (written once: a server
  that sends it again does not undo anything);
- ``answered``, ``revealed`` — sets of ids, and of ``[tour, step]``;
- ``timeline`` — hash epoch seconds -> ``[tour, step]`` the presenter went to;
- ``held`` — the servers whose writes these keys hold: a server that finds
  itself missing (Redis restarted empty, or the room expired) writes
  everything it has again;
- ``key`` — the digest of the presenter's key (her browser may take the
  session back on another server with the key);
- ``forgotten`` — the presenter ended the session (1 h): writes are dropped.

Every write renews the room's TTL (``ROOM_TTL_S``) and is one Lua script, so
a room is never half-written; a write with news publishes the code on
``heuristica:tour:room``, a nudge for the presenter's server.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from heuristica.shared_store import SharedStore
from heuristica.tours.audience import (
    FORGOTTEN_S,
    PRESENCE_TTL_S,
    ROOM_TTL_S,
    Changes,
    Presence,
    QuestionKey,
    Raised,
    RoomState,
)
from heuristica.tours.redis_store import subscribe
from heuristica.tours.sessions import Unsubscribe

__all__ = ["RedisAudienceStore"]

_PARTS = ("seen", "where", "answers", "raised", "answered", "revealed", "timeline", "held", "key")

# KEYS: the nine parts, then forgotten, then the channel. ARGV: server,
# changes as JSON lists, TTL (ms), code, "1" to publish. Returns 1 when the
# room held this server's writes before.
_WRITE = """
if redis.call('EXISTS', KEYS[10]) == 1 then return 1 end
local c = cjson.decode(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local held = redis.call('SISMEMBER', KEYS[8], ARGV[1])
redis.call('SADD', KEYS[8], ARGV[1])
for _, p in ipairs(c[1]) do
  redis.call('HSET', KEYS[1], p[1], now)
  redis.call('HSET', KEYS[2], p[1], p[2])
end
for _, f in ipairs(c[2]) do redis.call('HDEL', KEYS[1], f) end
for _, a in ipairs(c[3]) do redis.call('HSET', KEYS[3], a[1], a[2]) end
for _, r in ipairs(c[4]) do redis.call('HSETNX', KEYS[4], r[1], r[2]) end
for _, id in ipairs(c[5]) do redis.call('SADD', KEYS[5], id) end
for _, q in ipairs(c[6]) do redis.call('SADD', KEYS[6], q) end
for _, e in ipairs(c[7]) do redis.call('HSET', KEYS[7], e[1], e[2]) end
if c[8] ~= '' then redis.call('SET', KEYS[9], c[8]) end
for i = 1, 9 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
if ARGV[5] == '1' then redis.call('PUBLISH', KEYS[11], ARGV[4]) end
return held
"""


class RedisAudienceStore:
    """``AudienceStore`` on Redis; any number of app servers may share one."""

    def __init__(self, shared: SharedStore, *, presence_ttl: float = PRESENCE_TTL_S) -> None:
        self._shared = shared
        self._presence_ttl_ms = presence_ttl * 1000
        self._redis = shared.client
        self._channel = f"{shared.prefix}tour:room"
        self._write = self._redis.register_script(_WRITE)

    def write(self, code: str, server: str, changes: Changes) -> bool:
        payload = [
            [[f, json.dumps(asdict(p))] for f, p in changes.seen.items()],
            sorted(changes.left),
            [[json.dumps(list(k)), c] for k, c in changes.answers.items()],
            [[r.id, json.dumps(asdict(r))] for r in changes.raised.values()],
            sorted(changes.answered),
            [json.dumps(list(q)) for q in sorted(changes.revealed)],
            [[repr(at), json.dumps(list(w))] for at, w in changes.timeline.items()],
            changes.key,
        ]
        keys = [*self._keys(code), self._forgotten_key(code), self._channel]
        args: list[str | int] = [
            server,
            json.dumps(payload),
            int(ROOM_TTL_S * 1000),
            code,
            int(changes.news()),
        ]
        with self._shared.answering():
            return bool(self._write(keys=keys, args=args))

    def read(self, code: str) -> RoomState:
        seen, where, answers, raised, answered, revealed, timeline, _, _ = self._keys(code)
        with self._shared.answering(), self._redis.pipeline(transaction=False) as pipe:
            pipe.time()
            for key in (seen, where, answers, raised, timeline):
                pipe.hgetall(key)
            pipe.smembers(answered)
            pipe.smembers(revealed)
            now, seen_at, placed, chosen, hands, moves, marks, shown = pipe.execute()
        now_ms = now[0] * 1000 + now[1] // 1000
        present = tuple(
            sorted(
                (
                    Presence(**json.loads(placed[f]))
                    for f, at in seen_at.items()
                    if f in placed and now_ms - int(at) <= self._presence_ttl_ms
                ),
                key=lambda p: p.follower,
            )
        )
        here = {p.follower for p in present}
        return RoomState(
            present=present,
            left=sum(f not in here for f in placed),
            answers=tuple(sorted((*json.loads(k), int(c)) for k, c in chosen.items())),
            raised=tuple(
                sorted((Raised(**json.loads(r)) for r in hands.values()), key=_raised_order)
            ),
            answered=frozenset(marks),
            revealed=_questions(shown),
            timeline=tuple(sorted((float(at), *json.loads(w)) for at, w in moves.items())),
        )

    def revealed(self, code: str) -> frozenset[QuestionKey]:
        with self._shared.answering():
            return _questions(self._redis.smembers(self._keys(code)[5]))

    def answer_of(self, code: str, follower: str, question: QuestionKey) -> int | None:
        with self._shared.answering():
            chosen = self._redis.hget(self._keys(code)[2], json.dumps([*question, follower]))
        return None if chosen is None else int(chosen)

    def presenter_key(self, code: str) -> str:
        with self._shared.answering():
            return str(self._redis.get(self._keys(code)[8]) or "")

    def forget(self, code: str) -> None:
        with self._shared.answering(), self._redis.pipeline() as pipe:
            pipe.delete(*self._keys(code))
            pipe.set(self._forgotten_key(code), "1", ex=int(FORGOTTEN_S))
            pipe.publish(self._channel, code)
            pipe.execute()

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        return subscribe(self._redis, self._channel, on_change)

    def _keys(self, code: str) -> list[str]:
        return [f"{self._shared.prefix}tour:room:{code}:{part}" for part in _PARTS]

    def _forgotten_key(self, code: str) -> str:
        return f"{self._shared.prefix}tour:room:{code}:forgotten"


def _raised_order(raised: Raised) -> tuple[float, str]:
    return raised.at, raised.id


def _questions(members: Any) -> frozenset[QuestionKey]:
    return frozenset((str(t), int(s)) for t, s in (json.loads(m) for m in members))
