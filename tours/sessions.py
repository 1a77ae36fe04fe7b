"""Live onboarding sessions: a presenter walks a tour, followers see where she is.

A session is found by a short code (``K7QXM``) that people type, so codes use
letters and digits that cannot be mistaken for one another. Its state is a
few fields: which tour, which step, when the presenter was last heard from,
when she last moved. ``SessionStore`` is the whole interface the app uses;
``MemorySessionStore`` keeps it in this server process (thread-safe: every
browser session runs in its own thread). docs/tours.md says how a shared
store (e.g. Redis) would implement the same interface.

A session ends when its presenter ends it, when her page stops sending
heartbeats for ``presenter_timeout`` seconds (she closed the tab), or when
nobody has moved for ``idle_timeout`` seconds. The clock is injectable, so
tests expire sessions without waiting.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "IDLE_TIMEOUT_S",
    "PRESENTER_TIMEOUT_S",
    "Following",
    "MemorySessionStore",
    "Session",
    "SessionGone",
    "SessionStore",
    "code_problem",
    "normalise_code",
]

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Upper-case letters and digits without 0/O, 1/I/L: nothing to misread on a projector."""
CODE_LENGTH = 5
"""31**5, about 29 million codes: guessing a live one is hopeless, typing one is easy."""
PRESENTER_TIMEOUT_S = 20.0
"""A session whose presenter has not been heard from for this long has ended."""
IDLE_TIMEOUT_S = 3 * 3600.0
"""A session nobody has moved for this long has ended (a forgotten tab)."""
_ENDED_MEMORY_S = 24 * 3600.0
"""How long an ended code is remembered, to say "ended" rather than "unknown"."""

Clock = Callable[[], float]


@dataclass(frozen=True)
class Session:
    """Where a live session stands."""

    code: str
    tour_id: str
    step: int
    """0-based index of the step the presenter shows."""
    heartbeat: float
    """Clock time the presenter was last heard from."""
    moved: float
    """Clock time of the last start or step change."""


class SessionGone(LookupError):
    """No live session has this code; ``message`` says why, for the reader."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class SessionStore(Protocol):
    """Where live sessions are kept; every method is safe to call from any thread."""

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
        """The presenter is still there."""
        ...

    def end(self, code: str) -> None:
        """The presenter ends the session; followers are told it has ended."""
        ...


def normalise_code(text: str) -> str:
    """``text`` as a code: upper case, spaces and hyphens dropped ("k7q-xm" -> "K7QXM")."""
    return "".join(text.split()).replace("-", "").upper()


def code_problem(text: str) -> str | None:
    """Why ``text`` cannot be a session code, in words for the reader; None if it can."""
    code = normalise_code(text)
    if not code:
        return "Type the session code the presenter shows, e.g. `K7QXM`."
    shown = "`" + code[:20].replace("`", "'") + "`"
    if len(code) != CODE_LENGTH:
        return f"A session code has {CODE_LENGTH} characters; {shown} has {len(code)}."
    wrong = sorted({c for c in code if c not in CODE_ALPHABET})
    if wrong:
        listed = ", ".join(f"'{c}'" for c in wrong)
        return (
            f"{shown} is not a session code: codes use letters and digits without "
            f"0, O, 1, I or L (found {listed})."
        )
    return None


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
        self._live: dict[str, Session] = {}
        self._ended: dict[str, float] = {}
        """Code -> when it ended."""

    def start(self, tour_id: str, step: int = 0) -> Session:
        with self._lock:
            now = self._clock()
            self._expire_all(now)
            code = self._fresh_code()
            session = Session(code, tour_id, step, heartbeat=now, moved=now)
            self._live[code] = session
            return session

    def look_up(self, code: str) -> Session:
        with self._lock:
            return self._live_session(normalise_code(code), self._clock())

    def move(self, code: str, tour_id: str, step: int) -> Session:
        with self._lock:
            now = self._clock()
            session = self._live_session(normalise_code(code), now)
            moved = replace(session, tour_id=tour_id, step=step, heartbeat=now, moved=now)
            self._live[session.code] = moved
            return moved

    def heartbeat(self, code: str) -> Session:
        with self._lock:
            now = self._clock()
            session = replace(self._live_session(normalise_code(code), now), heartbeat=now)
            self._live[session.code] = session
            return session

    def end(self, code: str) -> None:
        with self._lock:
            code = normalise_code(code)
            if self._live.pop(code, None) is not None:
                self._ended[code] = self._clock()

    def __len__(self) -> int:
        """Live sessions (expired ones are dropped first)."""
        with self._lock:
            self._expire_all(self._clock())
            return len(self._live)

    def _live_session(self, code: str, now: float) -> Session:
        session = self._live.get(code)
        if session is not None and self._expired(session, now):
            del self._live[code]
            self._ended[code] = now
            session = None
        if session is not None:
            return session
        problem = code_problem(code)
        if problem:
            raise SessionGone(code, problem)
        if code in self._ended:
            raise SessionGone(
                code, f"The session `{code}` has ended: the presenter left or stopped presenting."
            )
        raise SessionGone(
            code, f"There is no session `{code}`: check the code the presenter shows."
        )

    def _expired(self, session: Session, now: float) -> bool:
        return (
            now - session.heartbeat > self._presenter_timeout
            or now - session.moved > self._idle_timeout
        )

    def _expire_all(self, now: float) -> None:
        for code in [c for c, s in self._live.items() if self._expired(s, now)]:
            del self._live[code]
            self._ended[code] = now
        for code in [c for c, t in self._ended.items() if now - t > _ENDED_MEMORY_S]:
            del self._ended[code]

    def _fresh_code(self) -> str:
        while True:
            code = "".join(self._rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self._live and code not in self._ended:
                return code


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
