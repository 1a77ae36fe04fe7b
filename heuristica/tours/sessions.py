"""Live onboarding sessions: a presenter walks a tour, followers see where she is.

A session is found by a short code (``K7QXM4P``) that people type or scan, so
codes use letters and digits that cannot be mistaken for one another. Its
state is which tour, which step, and a version number that grows with every
step change, so a follower can tell "moved" from "same" by comparing one
integer. ``SessionStore`` is the whole interface the app uses; two stores
implement it: ``MemorySessionStore`` keeps sessions in this server process
(the default), ``tours.redis_store.RedisSessionStore`` keeps them in Redis,
shared by every app server.

A session ends when its presenter ends it, when nobody has said she is still
there for ``presenter_timeout`` seconds (her server stops sending heartbeats
when her tab closes), or when nobody has moved for ``idle_timeout`` seconds.
A code is never handed out twice within ``CODE_RESERVED_S``.

To someone joining, an ended code and a code that was never used read the
same ("no live session"): the difference would tell a guesser which codes
were real. Only a browser that was in the session is told it has ended.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from heuristica.shared_store import StoreUnavailable

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "CODE_RESERVED_S",
    "IDLE_TIMEOUT_S",
    "PRESENTER_TIMEOUT_S",
    "Following",
    "Listeners",
    "MemorySessionStore",
    "Session",
    "SessionGone",
    "SessionStore",
    "StoreUnavailable",
    "Unsubscribe",
    "code_problem",
    "draw_code",
    "ended_message",
    "gone",
    "normalise_code",
    "not_live_message",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Upper-case letters and digits without 0/O, 1/I/L: nothing to misread on a projector."""
CODE_LENGTH = 7
"""31**7, about 27.5 billion codes: with the join limit (tours.join_limit) a
guesser needs years to hit one of a thousand live sessions; typing seven
characters off a projector is still easy."""
PRESENTER_TIMEOUT_S = 20.0
"""A session whose presenter has not been heard from for this long has ended."""
IDLE_TIMEOUT_S = 3 * 3600.0
"""A session nobody has moved for this long has ended (a forgotten tab)."""
CODE_RESERVED_S = 24 * 3600.0
"""How long a code stays taken after it was handed out, so an old code never
leads someone into a newer, unrelated session."""

Clock = Callable[[], float]
Unsubscribe = Callable[[], None]


@dataclass(frozen=True)
class Session:
    """Where a live session stands."""

    code: str
    tour_id: str
    step: int
    """0-based index of the step the presenter shows."""
    version: int
    """Grows by one with every start, move or restore: followers compare it."""


class SessionGone(LookupError):
    """No live session has this code; ``message`` says why, for the reader.

    ``ended``: the store knows it ended (stopped, or timed out). False when it
    is simply not there, which is also what a shared store that lost its data
    looks like until the presenter's server restores the session.
    """

    def __init__(self, code: str, message: str, *, ended: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.ended = ended


class SessionStore(Protocol):
    """Where live sessions are kept; every method is safe to call from any thread.

    A shared store raises ``StoreUnavailable`` from any method when it cannot
    be reached; the in-process store never does.
    """

    def start(self, tour_id: str, step: int = 0) -> Session:
        """A new session at ``step`` of ``tour_id``, under a fresh code."""
        ...

    def look_up(self, code: str) -> Session:
        """The live session with ``code``; SessionGone if there is none."""
        ...

    def move(self, code: str, tour_id: str, step: int) -> Session:
        """The presenter shows ``step`` of ``tour_id`` now (counts as a heartbeat)."""
        ...

    def heartbeat(self, code: str) -> Session:
        """The presenter is still there; SessionGone if the session has ended."""
        ...

    def bump(self, code: str) -> Session:
        """Something followers see changed without a move (the presenter revealed
        an answer): a newer version at the same step, so their pages redraw."""
        ...

    def restore(self, session: Session) -> Session:
        """Bring back a session the store lost (a restarted Redis) where its
        presenter still stands, under the same code, with a newer version; a
        session that is still there is returned as it is."""
        ...

    def end(self, code: str) -> None:
        """The presenter ends the session; followers are told it has ended."""
        ...

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        """Call ``on_change(code)`` soon after a session moves or ends, from any
        thread. A nudge only: it may be late or lost, so whoever listens also
        re-reads on a timer; ``on_change(None)`` means "anything may have
        changed" (the store reconnected)."""
        ...


def normalise_code(text: str) -> str:
    """``text`` as a code: upper case, spaces and hyphens dropped ("k7q-xm4p" -> "K7QXM4P")."""
    return "".join(text.split()).replace("-", "").upper()


def _shown(code: str) -> str:
    return "`" + code[:20].replace("`", "'") + "`"


def code_problem(text: str) -> str | None:
    """Why ``text`` cannot be a session code, in words for the reader; None if it can."""
    code = normalise_code(text)
    if not code:
        return "Type the session code the presenter shows, e.g. `K7QXM4P`."
    if len(code) != CODE_LENGTH:
        return f"A session code has {CODE_LENGTH} characters; {_shown(code)} has {len(code)}."
    wrong = sorted({c for c in code if c not in CODE_ALPHABET})
    if wrong:
        listed = ", ".join(f"'{c}'" for c in wrong)
        return (
            f"{_shown(code)} is not a session code: codes use letters and digits without "
            f"0, O, 1, I or L (found {listed})."
        )
    return None


def not_live_message(code: str) -> str:
    """What someone joining is told about a well-formed code with no live session."""
    return (
        f"There is no live session {_shown(code)}: check the code the presenter shows "
        "(a session ends when its presenter stops presenting or leaves)."
    )


def ended_message(code: str) -> str:
    """What a browser that was in the session is told once it has gone."""
    return f"The session {_shown(code)} has ended: the presenter left or stopped presenting."


def gone(code: str, *, ended: bool = False) -> SessionGone:
    """The SessionGone for ``code``: what is wrong with it, or that it is not live
    (the same words whether or not it ``ended``: see the module docstring)."""
    return SessionGone(code, code_problem(code) or not_live_message(code), ended=ended)


@dataclass
class _Live:
    session: Session
    heartbeat: float
    moved: float


class Listeners:
    """Whom to tell, in this process, that a code changed (the memory stores'
    stand-in for Redis Pub/Sub); safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Callable[[str | None], None]] = []

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        with self._lock:
            self._listeners.append(on_change)

        def unsubscribe() -> None:
            with self._lock:
                self._listeners.remove(on_change)

        return unsubscribe

    def nudge(self, code: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(code)


class MemorySessionStore:
    """Sessions held in this server process, behind one lock."""

    def __init__(
        self,
        clock: Clock = time.monotonic,
        *,
        presenter_timeout: float = PRESENTER_TIMEOUT_S,
        idle_timeout: float = IDLE_TIMEOUT_S,
        rng: random.Random | None = None,
    ) -> None:
        self._clock = clock
        self._presenter_timeout = presenter_timeout
        self._idle_timeout = idle_timeout
        self._rng = rng or random.SystemRandom()
        self._lock = threading.Lock()
        self._live: dict[str, _Live] = {}
        self._issued: dict[str, float] = {}
        """Code -> when it was handed out (an ended session's code stays here)."""
        self._listeners = Listeners()

    def start(self, tour_id: str, step: int = 0) -> Session:
        with self._lock:
            now = self._clock()
            self._expire_all(now)
            code = self._fresh_code(now)
            session = Session(code, tour_id, step, version=1)
            self._live[code] = _Live(session, heartbeat=now, moved=now)
        return session

    def look_up(self, code: str) -> Session:
        with self._lock:
            return self._live_entry(normalise_code(code), self._clock()).session

    def move(self, code: str, tour_id: str, step: int) -> Session:
        with self._lock:
            now = self._clock()
            entry = self._live_entry(normalise_code(code), now)
            old = entry.session
            entry.session = replace(old, tour_id=tour_id, step=step, version=old.version + 1)
            entry.heartbeat = entry.moved = now
            moved = entry.session
        self._listeners.nudge(moved.code)
        return moved

    def bump(self, code: str) -> Session:
        with self._lock:
            entry = self._live_entry(normalise_code(code), self._clock())
            entry.session = replace(entry.session, version=entry.session.version + 1)
            bumped = entry.session
        self._listeners.nudge(bumped.code)
        return bumped

    def heartbeat(self, code: str) -> Session:
        with self._lock:
            now = self._clock()
            entry = self._live_entry(normalise_code(code), now)
            entry.heartbeat = now
            return entry.session

    def restore(self, session: Session) -> Session:
        with self._lock:
            now = self._clock()
            entry = self._live.get(session.code)
            if entry is not None and not self._expired(entry, now):
                return entry.session
            restored = replace(session, version=session.version + 1)
            self._live[session.code] = _Live(restored, heartbeat=now, moved=now)
            self._issued[session.code] = now
        self._listeners.nudge(session.code)
        return restored

    def end(self, code: str) -> None:
        code = normalise_code(code)
        with self._lock:
            ended = self._live.pop(code, None) is not None
        if ended:
            self._listeners.nudge(code)

    def subscribe(self, on_change: Callable[[str | None], None]) -> Unsubscribe:
        return self._listeners.subscribe(on_change)

    def __len__(self) -> int:
        """Live sessions (expired ones are dropped first)."""
        with self._lock:
            self._expire_all(self._clock())
            return len(self._live)

    def _live_entry(self, code: str, now: float) -> _Live:
        entry = self._live.get(code)
        if entry is not None and self._expired(entry, now):
            del self._live[code]
            entry = None
        if entry is None:
            # nothing in this process is ever lost: a code handed out and gone has ended
            raise gone(code, ended=code in self._issued)
        return entry

    def _expired(self, entry: _Live, now: float) -> bool:
        return (
            now - entry.heartbeat > self._presenter_timeout
            or now - entry.moved > self._idle_timeout
        )

    def _expire_all(self, now: float) -> None:
        for code in [c for c, e in self._live.items() if self._expired(e, now)]:
            del self._live[code]
        for code in [c for c, t in self._issued.items() if now - t > CODE_RESERVED_S]:
            del self._issued[code]

    def _fresh_code(self, now: float) -> str:
        while True:
            code = draw_code(self._rng)
            if code not in self._issued:
                self._issued[code] = now
                return code


def draw_code(rng: random.Random) -> str:
    """A random code (not yet checked against the codes already handed out)."""
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class Following:
    """One browser following a session: attached, it shows the presenter's
    step; detached, it goes its own way until it re-joins."""

    code: str
    attached: bool = True

    def detach(self) -> Following:
        return replace(self, attached=False)

    def rejoin(self) -> Following:
        return replace(self, attached=True)

    def target(self, session: Session, own: tuple[str, int]) -> tuple[str, int]:
        """The (tour id, step) this browser should show, given its own position."""
        return (session.tour_id, session.step) if self.attached else own
