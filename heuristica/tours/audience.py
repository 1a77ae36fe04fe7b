"""What comes back from a live session's room: who follows and where, their
answers to the steps' check questions, raised hands and short questions.

A follower is known by a random id its browser session draws (no account, no
address) and, only if they give one, a display name that only the presenter
sees. The room's state for one session code is a ``RoomState``; servers send
it what their own browsers did as ``Changes`` (``AudienceStore.write``), which
are idempotent, so a server may send them again after the store lost them.

Presence: a follower's server says every ``PRESENCE_SECONDS`` that the
follower is still there; one not heard from for ``PRESENCE_TTL_S`` has left
(its tab closed, its server went away), as has one who stopped following.

Everything a room holds lives only as long as the session: ``ROOM_TTL_S``
after the last write from any server, or at once when the presenter stops
(``AudienceStore.forget``). ``MemoryAudienceStore`` keeps it in this process;
``tours.redis_audience.RedisAudienceStore`` in Redis, for several servers.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, Protocol

from heuristica.tours.sessions import Listeners, Unsubscribe

__all__ = [
    "NAME_MAX_CHARS",
    "PRESENCE_SECONDS",
    "PRESENCE_TTL_S",
    "RAISE_LIMIT",
    "RAISE_WINDOW_S",
    "ROOM_TTL_S",
    "TEXT_MAX_CHARS",
    "AudienceStore",
    "Changes",
    "Kind",
    "MemoryAudienceStore",
    "Presence",
    "QuestionKey",
    "Raised",
    "RoomState",
    "Throttle",
    "name_problem",
    "text_problem",
]

PRESENCE_SECONDS = 3.0
"""How often a follower's server says the follower is still there."""
PRESENCE_TTL_S = 10.0
"""A follower not heard from for this long has left."""
ROOM_TTL_S = 60.0
"""A room's records outlive the last write from any server by this long (a
session whose presenter vanished: its followers' servers stop writing once
they learn it ended)."""
TEXT_MAX_CHARS = 280
"""The longest question a follower may send."""
NAME_MAX_CHARS = 40
"""The longest display name."""
RAISE_LIMIT = 3
"""Hands and questions one browser may send within ``RAISE_WINDOW_S``."""
RAISE_WINDOW_S = 60.0
FORGOTTEN_S = 3600.0
"""How long writes to an ended session's room are refused (its followers'
servers learn within seconds that it ended)."""

Kind = Literal["hand", "question"]
QuestionKey = tuple[str, int]
"""A check question: (tour id, 0-based step)."""


@dataclass(frozen=True)
class Presence:
    """Where one follower is: on the presenter's step (attached) or on its own."""

    follower: str
    attached: bool
    tour_id: str
    step: int
    name: str = ""


@dataclass(frozen=True)
class Raised:
    """A raised hand ("I'm lost on this step") or a short written question."""

    id: str
    follower: str
    kind: Kind
    text: str
    tour_id: str
    step: int
    at: float
    """Epoch seconds, when the follower sent it."""
    name: str = ""


@dataclass
class Changes:
    """What one server's browsers did in a session since its last write."""

    seen: dict[str, Presence] = field(default_factory=dict)
    """Followers still there (a heartbeat), by id."""
    left: set[str] = field(default_factory=set)
    """Followers who stopped following."""
    answers: dict[tuple[str, int, str], int] = field(default_factory=dict)
    """(tour id, step, follower) -> the index of the chosen answer."""
    raised: dict[str, Raised] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    """Ids of hands and questions the presenter marked answered."""
    revealed: set[QuestionKey] = field(default_factory=set)
    timeline: dict[float, tuple[str, int]] = field(default_factory=dict)
    """Epoch seconds -> the (tour id, step) the presenter went to then."""

    key: str = ""
    """The digest of the presenter's key: with the key, her browser may take
    the session back on another server."""
    moved: bool = False
    """Whether someone in ``seen`` joined, detached, re-joined or changed step."""

    def __bool__(self) -> bool:
        return bool(self.seen) or bool(self.key) or self.news()

    def news(self) -> bool:
        """Whether these changes show on the presenter's screen (more than "still here")."""
        return self.moved or any(
            (self.left, self.answers, self.raised, self.answered, self.revealed, self.timeline)
        )

    def add(self, other: Changes) -> None:
        """Take ``other``'s changes as well (the later ones win)."""
        self.seen.update(other.seen)
        self.left -= set(other.seen)
        self.left |= other.left
        for gone in other.left:
            self.seen.pop(gone, None)
        self.answers.update(other.answers)
        self.raised.update(other.raised)
        self.answered |= other.answered
        self.revealed |= other.revealed
        self.timeline.update(other.timeline)
        self.key = other.key or self.key
        self.moved |= other.moved


@dataclass(frozen=True)
class RoomState:
    """A session's room as the presenter sees it."""

    present: tuple[Presence, ...] = ()
    """Followers heard from within ``PRESENCE_TTL_S``, by id."""
    left: int = 0
    """Followers who joined and are no longer there."""
    answers: tuple[tuple[str, int, str, int], ...] = ()
    """(tour id, step, follower, chosen index), sorted."""
    raised: tuple[Raised, ...] = ()
    """Oldest first."""
    answered: frozenset[str] = frozenset()
    revealed: frozenset[QuestionKey] = frozenset()
    timeline: tuple[tuple[float, str, int], ...] = ()
    """(epoch seconds, tour id, step), oldest first."""

    def on_step(self, tour_id: str, step: int) -> int:
        """Followers on that step, attached or not."""
        return sum((p.tour_id, p.step) == (tour_id, step) for p in self.present)

    def detached(self) -> tuple[Presence, ...]:
        return tuple(p for p in self.present if not p.attached)

    def where_detached(self) -> Counter[tuple[str, int]]:
        """How many detached followers are on each (tour id, step)."""
        return Counter((p.tour_id, p.step) for p in self.detached())

    def distribution(self, tour_id: str, step: int) -> Counter[int]:
        """How many chose each answer index of that step's question."""
        return Counter(c for t, s, _, c in self.answers if (t, s) == (tour_id, step))

    def answer_of(self, follower: str, tour_id: str, step: int) -> int | None:
        return next(
            (c for t, s, f, c in self.answers if (t, s, f) == (tour_id, step, follower)), None
        )

    def waiting(self) -> tuple[Raised, ...]:
        """Hands and questions not marked answered yet, oldest first."""
        return tuple(r for r in self.raised if r.id not in self.answered)

    def merged(self, changes: Changes) -> RoomState:
        """This state with ``changes`` a server has not written yet (the store did not
        answer), as far as they show: answers, hands, marks, reveals, the timeline."""
        answers = {(t, s, f): c for t, s, f, c in self.answers} | changes.answers
        raised = {r.id: r for r in self.raised} | changes.raised
        timeline = {at: (t, s) for at, t, s in self.timeline} | changes.timeline
        return replace(
            self,
            answers=tuple(sorted((*k, c) for k, c in answers.items())),
            raised=tuple(sorted(raised.values(), key=lambda r: (r.at, r.id))),
            answered=self.answered | changes.answered,
            revealed=self.revealed | changes.revealed,
            timeline=tuple(sorted((at, t, s) for at, (t, s) in timeline.items())),
        )


class AudienceStore(Protocol):
    """Where rooms are kept; every method is safe to call from any thread. A
    shared store raises ``StoreUnavailable`` when it cannot be reached."""

    def write(self, code: str, server: str, changes: Changes) -> bool:
        """Apply ``changes`` from ``server`` to ``code``'s room. False if the store
        no longer holds what ``server`` wrote before (it restarted empty, or the
        room expired): the server then writes everything it has again. Changes to
        a room the presenter ended are dropped."""
        ...

    def read(self, code: str) -> RoomState: ...

    def revealed(self, code: str) -> frozenset[QuestionKey]:
        """The questions whose answers the presenter has revealed (a cheap read)."""
        ...

    def answer_of(self, code: str, follower: str, question: QuestionKey) -> int | None:
        """The index ``follower`` chose for ``question``, if any (a cheap read: a
        follower back on another server sees its answer again)."""
        ...

    def forget(self, code: str) -> None:
        """The session ended: drop its room now, and any write for it from now on."""
        ...

    def presenter_key(self, code: str) -> str:
        """The digest of the presenter's key ('' if none is stored)."""
        ...

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        """``on_change(code)`` soon after a write with news; a nudge only (None:
        anything may have changed)."""
        ...


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be sent as a question, in words for the follower."""
    if not text.strip():
        return "Type your question first."
    if len(text) > TEXT_MAX_CHARS:
        return f"A question has at most {TEXT_MAX_CHARS} characters; yours has {len(text)}."
    return None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a display name."""
    if len(name) > NAME_MAX_CHARS:
        return f"A name has at most {NAME_MAX_CHARS} characters; this one has {len(name)}."
    return None


class Throttle:
    """At most ``limit`` events per key within ``window`` seconds (a sliding window)."""

    def __init__(
        self,
        limit: int = RAISE_LIMIT,
        window: float = RAISE_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._events: dict[str, list[float]] = {}

    def wait_seconds(self, key: str) -> float:
        """0 if ``key`` may act now (and it counts), else how long it must wait."""
        with self._lock:
            now = self._clock()
            recent = [t for t in self._events.get(key, []) if now - t < self._window]
            if len(recent) >= self._limit:
                self._events[key] = recent
                return recent[0] + self._window - now
            self._events[key] = [*recent, now]
            stale = [k for k, times in self._events.items() if now - times[-1] >= self._window]
            for other in stale:
                del self._events[other]
            return 0.0


@dataclass
class _Room:
    seen: dict[str, float] = field(default_factory=dict)
    where: dict[str, Presence] = field(default_factory=dict)
    answers: dict[tuple[str, int, str], int] = field(default_factory=dict)
    raised: dict[str, Raised] = field(default_factory=dict)
    answered: set[str] = field(default_factory=set)
    revealed: set[QuestionKey] = field(default_factory=set)
    timeline: dict[float, tuple[str, int]] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)
    key: str = ""
    written: float = 0.0


class MemoryAudienceStore:
    """Rooms held in this server process, behind one lock."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, *, presence_ttl: float = PRESENCE_TTL_S
    ) -> None:
        self._clock = clock
        self._presence_ttl = presence_ttl
        self._lock = threading.Lock()
        self._rooms: dict[str, _Room] = {}
        self._forgotten: dict[str, float] = {}
        self._listeners = Listeners()

    def write(self, code: str, server: str, changes: Changes) -> bool:
        with self._lock:
            now = self._clock()
            self._expire(now)
            if code in self._forgotten:
                return True
            room = self._rooms.setdefault(code, _Room())
            held = server in room.held
            room.held.add(server)
            room.written = now
            for follower, presence in changes.seen.items():
                room.seen[follower] = now
                room.where[follower] = presence
            for follower in changes.left:
                room.seen.pop(follower, None)
            room.answers.update(changes.answers)
            for raised in changes.raised.values():
                room.raised.setdefault(raised.id, raised)
            room.answered |= changes.answered
            room.revealed |= changes.revealed
            room.timeline.update(changes.timeline)
            room.key = changes.key or room.key
        if changes.news():
            self._listeners.nudge(code)
        return held

    def read(self, code: str) -> RoomState:
        with self._lock:
            now = self._clock()
            self._expire(now)
            room = self._rooms.get(code)
            if room is None:
                return RoomState()
            present = sorted(
                (room.where[f] for f, t in room.seen.items() if now - t <= self._presence_ttl),
                key=lambda p: p.follower,
            )
            return _state(room, present)

    def revealed(self, code: str) -> frozenset[QuestionKey]:
        with self._lock:
            room = self._rooms.get(code)
            return frozenset(room.revealed) if room is not None else frozenset()

    def answer_of(self, code: str, follower: str, question: QuestionKey) -> int | None:
        with self._lock:
            room = self._rooms.get(code)
            return room.answers.get((*question, follower)) if room is not None else None

    def presenter_key(self, code: str) -> str:
        with self._lock:
            room = self._rooms.get(code)
            return room.key if room is not None else ""

    def forget(self, code: str) -> None:
        with self._lock:
            self._rooms.pop(code, None)
            self._forgotten[code] = self._clock()
        self._listeners.nudge(code)

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        return self._listeners.subscribe(on_change)

    def _expire(self, now: float) -> None:
        for code in [c for c, r in self._rooms.items() if now - r.written > ROOM_TTL_S]:
            del self._rooms[code]
        for code in [c for c, t in self._forgotten.items() if now - t > FORGOTTEN_S]:
            del self._forgotten[code]


def _state(room: _Room, present: Iterable[Presence]) -> RoomState:
    present = tuple(present)
    here = {p.follower for p in present}
    return RoomState(
        present=present,
        left=sum(f not in here for f in room.where),
        answers=tuple(sorted((*k, c) for k, c in room.answers.items())),
        raised=tuple(sorted(room.raised.values(), key=lambda r: (r.at, r.id))),
        answered=frozenset(room.answered),
        revealed=frozenset(room.revealed),
        timeline=tuple(sorted((at, t, s) for at, (t, s) in room.timeline.items())),
    )
