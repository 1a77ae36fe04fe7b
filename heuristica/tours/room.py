"""One app server's part of a room: it wakes its own followers when their
session moves or ends, and keeps its own presenters' sessions alive.

Followers do not poll. Each browser that follows a session registers here on
every run of its step view, with the session version it drew. When the store
nudges (a move or an end, from this server or, through Redis, from another)
and on a timer in case a nudge was lost, the room reads each followed
session once per code, however many followers it has, and wakes only the
browsers whose page is behind: ``wake(browser, fragment)`` asks that
browser's page to run the fragment that redraws its step. A room of thirty
costs nothing while the presenter talks, and one fragment run per follower
per step.

A presenter's page says where she is on every run (``present``); while her
browser stays connected, the room renews her session every
``heartbeat_seconds``. If the store lost the session (Redis restarted
without its data) while she is still there, the room restores it under the
same code, and her followers carry on. A step she takes while the store does
not answer is not lost: the room writes it as soon as the store answers
(trying every ``RETRY_SECONDS``) and wakes her page, which then drops its
"followers cannot see this step yet".

A followed session the store cannot be read for is ``UNREACHABLE``: its
attached followers are woken once to say so, and again when it answers.

No Streamlit here: the app passes ``wake`` and ``connected`` (ui.tour_live),
tests pass plain functions.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from heuristica.shared_store import StoreUnavailable
from heuristica.tours.sessions import (
    IDLE_TIMEOUT_S,
    PRESENTER_TIMEOUT_S,
    Session,
    SessionGone,
    SessionStore,
)

__all__ = [
    "GONE",
    "HEARTBEAT_SECONDS",
    "MISSING",
    "RECHECK_SECONDS",
    "RETRY_SECONDS",
    "UNREACHABLE",
    "Room",
]

RECHECK_SECONDS = 1.0
"""How often every followed session is re-read even without a nudge."""
RETRY_SECONDS = 0.25
"""How often a step the store did not take yet is offered again."""
HEARTBEAT_SECONDS = 3.0
"""How often a connected presenter's session is renewed (well inside its timeout)."""
REWAKE_SECONDS = 3.0
"""A browser woken for a version it has not drawn after this long is woken again."""
MISSING_GRACE_SECONDS = 3 * HEARTBEAT_SECONDS
"""A session that is missing without having ended (Redis restarted without its
data) is given this long for its presenter's server to restore it before its
followers are told it ended."""
GONE = -1
"""The version a follower has drawn once its session has ended."""
MISSING = -2
"""The version a follower has drawn while its session is missing but may come back."""
UNREACHABLE = -3
"""The version a follower has drawn while the store does not answer."""

Wake = Callable[[str, str], bool]
"""``wake(browser, fragment)``: run that fragment of that browser's page; False if it is gone."""

_log = logging.getLogger(__name__)


@dataclass
class _Follower:
    code: str
    attached: bool
    drawn_version: int
    fragment: str
    woken_for: int | None = None
    woken_at: float = 0.0


@dataclass
class _Presenter:
    session: Session
    """Her session as the store has it, as far as this server knows."""
    wanted: tuple[str, int]
    """(tour id, step) where she is: ahead of ``session`` while the store did not take it."""
    fragment: str
    moved_at: float
    renewed_at: float

    @property
    def behind(self) -> bool:
        return (self.session.tour_id, self.session.step) != self.wanted


@dataclass
class Room:
    """The followers and presenters of one app server."""

    store: SessionStore
    wake: Wake
    connected: Callable[[str], bool]
    clock: Callable[[], float] = time.monotonic
    heartbeat_seconds: float = HEARTBEAT_SECONDS
    idle_timeout: float = IDLE_TIMEOUT_S
    _followers: dict[str, _Follower] = field(default_factory=dict)
    _presenters: dict[str, _Presenter] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _missing_since: dict[str, float] = field(default_factory=dict)
    _ended: set[str] = field(default_factory=set)
    _nudged: set[str | None] = field(default_factory=set)
    _nudge: threading.Event = field(default_factory=threading.Event)
    _away: str | None = None
    """Why the store did not answer last time (None: it did), for the operator's log."""

    def follow(
        self, browser: str, code: str, *, attached: bool, drawn_version: int, fragment: str
    ) -> None:
        """``browser`` follows ``code`` and has just drawn ``drawn_version`` of it."""
        with self._lock:
            self._followers[browser] = _Follower(code, attached, drawn_version, fragment)

    def unfollow(self, browser: str) -> None:
        with self._lock:
            self._followers.pop(browser, None)

    def present(
        self,
        browser: str,
        session: Session,
        fragment: str,
        wanted: tuple[str, int] | None = None,
    ) -> None:
        """``browser`` presents ``session`` (its page has just run; ``fragment``
        wakes it) and stands at ``wanted`` (tour id, step; by default where
        ``session`` is): if the store has not taken that step yet, the room
        writes it once the store answers."""
        now = self.clock()
        with self._lock:
            known = self._presenters.get(browser)
            if known is not None and known.session.code == session.code:
                session = max(session, known.session, key=lambda s: s.version)
            moved_at = now if known is None or known.session != session else known.moved_at
            renewed_at = now if known is None else known.renewed_at
            where = wanted or (session.tour_id, session.step)
            self._presenters[browser] = _Presenter(session, where, fragment, moved_at, renewed_at)

    def published(self, browser: str) -> Session | None:
        """The session ``browser`` presents, as the room last wrote or read it."""
        with self._lock:
            presenter = self._presenters.get(browser)
            return presenter.session if presenter is not None else None

    def stop_presenting(self, browser: str) -> None:
        with self._lock:
            self._presenters.pop(browser, None)

    def has_ended(self, code: str) -> bool:
        """Whether this room has told ``code``'s followers that it ended."""
        with self._lock:
            return code in self._ended

    def nudged(self, code: str | None) -> None:
        """The store says ``code`` moved or ended (None: anything may have changed)."""
        with self._lock:
            self._nudged.add(code)
        self._nudge.set()

    def run_forever(self, recheck_seconds: float = RECHECK_SECONDS) -> None:
        """Listen to the store and look after this server's browsers (a daemon thread)."""
        self.store.subscribe(self.nudged)
        while True:
            nudged = self._nudge.wait(RETRY_SECONDS if self._any_behind() else recheck_seconds)
            with self._lock:
                codes = set(self._nudged)
                self._nudged.clear()
                self._nudge.clear()
            try:
                self.tick(None if not nudged or None in codes else {c for c in codes if c})
            except Exception:  # the room must outlive any one bad round
                _log.exception("live-session round failed")

    def tick(self, codes: set[str] | None = None) -> None:
        """One round: renew presenters; wake followers of ``codes`` (None: all) that are behind."""
        self._renew_presenters()
        with self._lock:
            followed = {f.code for f in self._followers.values()}
        for code in followed if codes is None else followed & codes:
            self._wake_followers_of(code)

    def _any_behind(self) -> bool:
        with self._lock:
            return any(presenter.behind for presenter in self._presenters.values())

    def _wake_followers_of(self, code: str) -> None:
        now = self.clock()
        try:
            target = self.store.look_up(code).version
        except SessionGone as gone:
            target = self._ended_or_missing(code, gone, now)
        except StoreUnavailable as error:
            target = UNREACHABLE  # they are told, and woken again once it answers
            self._store_away(error)
        else:
            self._store_back()
        if target == MISSING:
            return
        with self._lock:
            if target != GONE:
                self._missing_since.pop(code, None)
            behind = [
                (browser, follower)
                for browser, follower in self._followers.items()
                if follower.code == code and _should_wake(follower, target, now)
            ]
            for _, follower in behind:
                follower.woken_for, follower.woken_at = target, now
        for browser, follower in behind:
            if not self.wake(browser, follower.fragment):
                self.unfollow(browser)

    def _ended_or_missing(self, code: str, gone: SessionGone, now: float) -> int:
        with self._lock:
            since = self._missing_since.setdefault(code, now)
            if gone.ended or now - since >= MISSING_GRACE_SECONDS:
                self._ended.add(code)
                return GONE
        return MISSING

    def _renew_presenters(self) -> None:
        now = self.clock()
        with self._lock:
            due = [
                (browser, presenter)
                for browser, presenter in self._presenters.items()
                if presenter.behind or now - presenter.renewed_at >= self.heartbeat_seconds
            ]
        for browser, presenter in due:
            if not self.connected(browser):
                # her tab may come back; if not, the session expires on its own
                if now - presenter.renewed_at > PRESENTER_TIMEOUT_S:
                    self.stop_presenting(browser)
                continue
            try:
                self._renew(browser, presenter, now)
            except StoreUnavailable as error:
                self._store_away(error)  # the next round asks again
            else:
                self._store_back()

    def _store_away(self, error: StoreUnavailable) -> None:
        if self._away is None:
            _log.warning(
                "%s: live sessions wait for it; followers are told, and a presenter's "
                "steps are written when it answers",
                error.message,
            )
        self._away = error.message

    def _store_back(self) -> None:
        if self._away is not None:
            _log.warning("the live sessions' store answers again: followers catch up")
        self._away = None

    def _renew(self, browser: str, presenter: _Presenter, now: float) -> None:
        """Write her step if the store is behind her, else say she is still there."""
        behind = presenter.behind
        try:
            if behind:
                tour_id, step = presenter.wanted
                presenter.session = self.store.move(presenter.session.code, tour_id, step)
            else:
                self.store.heartbeat(presenter.session.code)
        except SessionGone:
            self._lost(browser, presenter, now)
        presenter.renewed_at = now
        if behind:
            self.wake(browser, presenter.fragment)  # her page: the step reached them

    def _lost(self, browser: str, presenter: _Presenter, now: float) -> None:
        """Her session is gone while she is still here: idle too long, or the store
        lost it (then it comes back under its code, at the step where she is)."""
        if now - presenter.moved_at > self.idle_timeout:
            self.stop_presenting(browser)
            self.wake(browser, presenter.fragment)
            return
        tour_id, step = presenter.wanted
        where = Session(presenter.session.code, tour_id, step, presenter.session.version)
        presenter.session = self.store.restore(where)


def _should_wake(follower: _Follower, target: int, now: float) -> bool:
    """Whether ``follower`` must redraw for ``target`` and has not just been woken for it."""
    if target == GONE:
        behind = follower.drawn_version != GONE
    else:  # a detached follower shows neither the presenter's step nor the store's trouble
        behind = follower.attached and follower.drawn_version != target
    recently = follower.woken_for == target and now - follower.woken_at < REWAKE_SECONDS
    return behind and not recently
