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
same code, and her followers carry on.

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

__all__ = ["GONE", "HEARTBEAT_SECONDS", "MISSING", "RECHECK_SECONDS", "Room"]

RECHECK_SECONDS = 1.0
"""How often every followed session is re-read even without a nudge."""
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
    fragment: str
    moved_at: float
    renewed_at: float


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

    def follow(
        self, browser: str, code: str, *, attached: bool, drawn_version: int, fragment: str
    ) -> None:
        """``browser`` follows ``code`` and has just drawn ``drawn_version`` of it."""
        with self._lock:
            self._followers[browser] = _Follower(code, attached, drawn_version, fragment)

    def unfollow(self, browser: str) -> None:
        with self._lock:
            self._followers.pop(browser, None)

    def present(self, browser: str, session: Session, fragment: str) -> None:
        """``browser`` presents ``session`` (its page has just run; ``fragment`` wakes it)."""
        now = self.clock()
        with self._lock:
            known = self._presenters.get(browser)
            moved_at = now if known is None or known.session != session else known.moved_at
            renewed_at = now if known is None else known.renewed_at
            self._presenters[browser] = _Presenter(session, fragment, moved_at, renewed_at)

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
            nudged = self._nudge.wait(recheck_seconds)
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

    def _wake_followers_of(self, code: str) -> None:
        now = self.clock()
        try:
            target = self.store.look_up(code).version
        except SessionGone as gone:
            target = self._ended_or_missing(code, gone, now)
        except StoreUnavailable:
            return  # nothing new to show; the next round asks again
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
                if now - presenter.renewed_at >= self.heartbeat_seconds
            ]
        for browser, presenter in due:
            if not self.connected(browser):
                # her tab may come back; if not, the session expires on its own
                if now - presenter.renewed_at > PRESENTER_TIMEOUT_S:
                    self.stop_presenting(browser)
                continue
            presenter.renewed_at = now
            try:
                self.store.heartbeat(presenter.session.code)
            except SessionGone:
                self._lost(browser, presenter, now)
            except StoreUnavailable:
                continue

    def _lost(self, browser: str, presenter: _Presenter, now: float) -> None:
        """Her session is gone while she is still here: idle too long, or the store lost it."""
        if now - presenter.moved_at > self.idle_timeout:
            self.stop_presenting(browser)
            self.wake(browser, presenter.fragment)
            return
        presenter.session = self.store.restore(presenter.session)


def _should_wake(follower: _Follower, target: int, now: float) -> bool:
    """Whether ``follower`` must redraw for ``target`` and has not just been woken for it."""
    if target == GONE:
        behind = follower.drawn_version != GONE
    else:
        behind = follower.attached and follower.drawn_version != target
    recently = follower.woken_for == target and now - follower.woken_at < REWAKE_SECONDS
    return behind and not recently
