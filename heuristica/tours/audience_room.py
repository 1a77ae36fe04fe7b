"""One app server's part of the rooms' state: what its own browsers did, kept
here until the store has it, and its presenters' room views, woken when
their room changes.

A follower's answer, hand or question, and a presenter's reveal, mark or
step, go first into this server's ``_Local`` copy of the session's room, and
a thread writes them to the store at once (in batches: a room answering at
the same moment costs a few writes, not one each). A write the store does not
take (Redis stopped or frozen) is offered again every ``RETRY_SECONDS``; a
store that lost what this server wrote (Redis restarted empty) says so on the
next write, and the server writes all of it again. So nothing a follower
sent is lost while its server runs. Every ``PRESENCE_SECONDS`` the server
says which of its followers are still connected.

A presenter's room view (a fragment of her page) registers here with what it
drew; when the store nudges (a write with news, from any server) and once a
second in case a nudge was lost, the server reads the room once per session
and wakes the views that drew something else. A reveal is written, then the
session is bumped (``SessionStore.bump``) so that every follower's page,
woken as for a step, shows the answer.

No Streamlit here: the app passes ``wake`` and ``connected`` (ui.tour_live).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from heuristica.shared_store import StoreUnavailable
from heuristica.tours.audience import (
    PRESENCE_SECONDS,
    ROOM_TTL_S,
    AudienceStore,
    Changes,
    Presence,
    Raised,
    RoomState,
)
from heuristica.tours.room import RECHECK_SECONDS, RETRY_SECONDS, REWAKE_SECONDS, Wake
from heuristica.tours.sessions import SessionGone, SessionStore

__all__ = ["BATCH_SECONDS", "VIEW_WAKE_SECONDS", "Audience", "digest", "key_digest"]

BATCH_SECONDS = 0.05
"""After a first change, how long the thread waits for more before it writes:
a room that answers or moves at once costs a few writes, not one per follower."""
VIEW_WAKE_SECONDS = 0.3
"""A presenter's room view is woken at most this often: it reads the room
afresh when it runs, so what arrived meanwhile is drawn at its next wake."""

_log = logging.getLogger(__name__)


def key_digest(key: str) -> str:
    """What the store keeps of a presenter's key."""
    return hashlib.sha256(key.encode()).hexdigest()


def digest(state: RoomState) -> str:
    """A short fingerprint of what a room view shows."""
    return hashlib.sha1(repr(state).encode(), usedforsecurity=False).hexdigest()[:16]


@dataclass
class _Local:
    """What this server's browsers did in one session."""

    everything: Changes = field(default_factory=Changes)
    """All of it but presence, to write again if the store lost it."""
    unsent: Changes = field(default_factory=Changes)
    followers: dict[str, tuple[str, Presence]] = field(default_factory=dict)
    """Follower id -> (its browser, where it is)."""
    bump: bool = False
    """A reveal is written; followers' pages have not been told yet."""
    heartbeat_at: float = float("-inf")
    renew: bool = False
    """Write even with nothing new: renew the room's TTL, learn whether it was lost."""
    touched: float = 0.0


@dataclass
class _View:
    code: str
    fragment: str
    drawn: str
    woken_for: str | None = None
    woken_at: float = 0.0


@dataclass
class Audience:
    """This server's followers' and presenters' part of their rooms."""

    store: AudienceStore
    sessions: SessionStore
    wake: Wake
    connected: Callable[[str], bool]
    clock: Callable[[], float] = time.monotonic
    wall: Callable[[], float] = time.time
    server: str = field(default_factory=lambda: secrets.token_hex(8))
    _local: dict[str, _Local] = field(default_factory=dict)
    _views: dict[str, _View] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _nudged: set[str | None] = field(default_factory=set)
    _event: threading.Event = field(default_factory=threading.Event)
    _away: bool = False
    _views_behind: bool = False
    """A view that drew something else was not woken yet (woken too recently)."""

    # What browsers do (called from their page runs).

    def here(self, browser: str, code: str, presence: Presence) -> None:
        """``browser``'s follower is in ``code``'s room, at ``presence``."""
        with self._lock:
            local = self._room(code)
            known = local.followers.get(presence.follower)
            local.followers[presence.follower] = (browser, presence)
            if known is not None and known[1] == presence:
                return
            local.unsent.add(Changes(seen={presence.follower: presence}, moved=True))
        self._event.set()

    def leave(self, browser: str) -> None:
        """``browser`` follows no session any more (or its page says it has left)."""
        left = False
        with self._lock:
            for local in self._local.values():
                gone = {f for f, (b, _) in local.followers.items() if b == browser}
                for follower in gone:
                    del local.followers[follower]
                if gone:
                    local.unsent.add(Changes(left=gone))
                    left = True
        if left:
            self._event.set()

    def answer(self, code: str, follower: str, question: tuple[str, int], choice: int) -> bool:
        """``follower`` chose ``choice`` for ``question``; False once it is revealed."""
        if question in self.revealed(code):
            return False
        self._record(code, Changes(answers={(*question, follower): choice}))
        return True

    def raise_(self, code: str, raised: Raised) -> None:
        self._record(code, Changes(raised={raised.id: raised}))

    def mark_answered(self, code: str, raised_id: str) -> None:
        self._record(code, Changes(answered={raised_id}))

    def reveal(self, code: str, question: tuple[str, int]) -> None:
        self._record(code, Changes(revealed={question}), bump=True)

    def presenter_at(self, code: str, tour_id: str, step: int) -> None:
        """The presenter stands at ``step`` of ``tour_id`` (recorded when it changes)."""
        with self._lock:
            timeline = self._room(code).everything.timeline
            last = timeline[max(timeline)] if timeline else None
        if last != (tour_id, step):
            self._record(code, Changes(timeline={self.wall(): (tour_id, step)}))

    def claim(self, code: str, key: str) -> None:
        """The presenter of ``code`` holds ``key`` (only its digest is stored)."""
        self._record(code, Changes(key=key_digest(key)))

    def holds(self, code: str, key: str) -> bool:
        """Whether ``key`` is the key of ``code``'s presenter (False while the store
        does not answer)."""
        try:
            stored = self.store.presenter_key(code)
        except StoreUnavailable:
            return False
        return bool(stored) and hmac.compare_digest(stored, key_digest(key))

    def forget(self, code: str) -> None:
        """The presenter ended the session: nothing of its room is kept."""
        with self._lock:
            self._local.pop(code, None)
            for browser in [b for b, v in self._views.items() if v.code == code]:
                del self._views[browser]
        self.store.forget(code)

    def revealed(self, code: str) -> frozenset[tuple[str, int]]:
        """The questions of ``code`` whose answer is revealed, as far as this server knows."""
        with self._lock:
            local = self._local.get(code)
            here = frozenset(local.everything.revealed) if local is not None else frozenset()
        try:
            return here | self.store.revealed(code)
        except StoreUnavailable:
            return here

    def chosen(self, code: str, follower: str, question: tuple[str, int]) -> int | None:
        """The answer ``follower`` gave to ``question``, here or on another server
        (None if none, or while the store does not answer)."""
        with self._lock:
            local = self._local.get(code)
            here = local.everything.answers.get((*question, follower)) if local else None
        if here is not None:
            return here
        try:
            return self.store.answer_of(code, follower, question)
        except StoreUnavailable:
            return None

    def view(self, code: str) -> tuple[RoomState, str | None]:
        """The room as far as anyone knows (what this server has not written yet
        included), and why the store could not be read (None if it could)."""
        unsent, everything = Changes(), Changes()
        with self._lock:  # copies: the thread adds to them meanwhile
            local = self._local.get(code)
            if local is not None:
                unsent.add(local.unsent)
                everything.add(local.everything)
        try:
            return self.store.read(code).merged(unsent), None
        except StoreUnavailable as error:
            return RoomState().merged(everything), error.message

    def shows(self, browser: str, code: str, fragment: str, drawn: str) -> None:
        """``browser``'s room view of ``code`` (woken by ``fragment``) drew ``drawn``."""
        with self._lock:
            known = self._views.get(browser)
            view = _View(code, fragment, drawn)
            if known is not None and known.code == code:
                view.woken_for, view.woken_at = known.woken_for, known.woken_at
            self._views[browser] = view
            self._room(code)

    def hide(self, browser: str) -> None:
        with self._lock:
            self._views.pop(browser, None)

    def nudged(self, code: str | None) -> None:
        with self._lock:
            self._nudged.add(code)
        self._event.set()

    # The server's thread.

    def run_forever(self) -> None:
        self.store.subscribe(self.nudged)
        while True:
            busy = self._away or self._views_behind
            nudged = self._event.wait(RETRY_SECONDS if busy else RECHECK_SECONDS)
            if nudged:
                time.sleep(BATCH_SECONDS)
            with self._lock:
                codes = set(self._nudged)
                self._nudged.clear()
                self._event.clear()
            try:
                self.tick(None if not nudged or None in codes else {c for c in codes if c})
            except Exception:  # the thread must outlive any one bad round
                _log.exception("room round failed")

    def tick(self, nudged: set[str] | None = None) -> None:
        """One round: say who is still here, write what waits, wake the room views
        of ``nudged`` sessions (None: all) that drew something else."""
        now = self.clock()
        self._heartbeats(now)
        with self._lock:
            codes = list(self._local)
        for code in codes:
            self._flush(code)
        self._wake_views(now, nudged)
        self._drop_idle(now)

    def _record(self, code: str, changes: Changes, *, bump: bool = False) -> None:
        with self._lock:
            local = self._room(code)
            local.unsent.add(changes)
            local.everything.add(changes)
            local.bump |= bump
        self._event.set()

    def _room(self, code: str) -> _Local:
        local = self._local.setdefault(code, _Local())
        local.touched = self.clock()
        return local

    def _heartbeats(self, now: float) -> None:
        """Every ``PRESENCE_SECONDS``, say which followers are still connected, and
        renew the rooms this server takes part in (a write finds out whether the
        store lost them)."""
        with self._lock:
            viewed = {v.code for v in self._views.values()}
            due = [
                (code, local)
                for code, local in self._local.items()
                if (local.followers or code in viewed)
                and now - local.heartbeat_at >= PRESENCE_SECONDS
            ]
            for _, local in due:
                local.heartbeat_at = now
                local.renew = True
            followers = {code: dict(local.followers) for code, local in due}
        for code, here in followers.items():
            gone = {f for f, (browser, _) in here.items() if not self.connected(browser)}
            with self._lock:
                room = self._local.get(code)
                if room is None:
                    continue
                for follower in gone:
                    room.followers.pop(follower, None)
                seen = {f: p for f, (_, p) in room.followers.items()}
                room.unsent.add(Changes(seen=seen))

    def _flush(self, code: str) -> None:
        with self._lock:
            local = self._local.get(code)
            if local is None or not (local.unsent or local.bump or local.renew):
                return
            unsent, local.unsent, local.renew = local.unsent, Changes(), False
            everything = Changes()
            everything.add(local.everything)
            everything.seen = {f: p for f, (_, p) in local.followers.items()}
            bump = local.bump
        try:
            if not self.store.write(code, self.server, unsent):
                self.store.write(code, self.server, everything)
            if bump:
                self._bump(code)
        except StoreUnavailable as error:
            with self._lock:
                unsent.add(local.unsent)
                local.unsent = unsent
            self._store_away(error)
        else:
            self._store_back()

    def _bump(self, code: str) -> None:
        with contextlib.suppress(SessionGone):  # ended: its followers are told that instead
            self.sessions.bump(code)
        with self._lock:
            local = self._local.get(code)
            if local is not None:
                local.bump = False

    def _wake_views(self, now: float, nudged: set[str] | None) -> None:
        with self._lock:
            codes = {v.code for v in self._views.values()}
            if self._views_behind:
                nudged = None
            self._views_behind = False
        for code in codes if nudged is None else codes & nudged:
            drawn = digest(self.view(code)[0])
            with self._lock:
                behind = [
                    (browser, view)
                    for browser, view in self._views.items()
                    if view.code == code
                    and view.drawn != drawn
                    and not (view.woken_for == drawn and now - view.woken_at < REWAKE_SECONDS)
                ]
                due = [(b, v) for b, v in behind if now - v.woken_at >= VIEW_WAKE_SECONDS]
                self._views_behind |= len(due) < len(behind)
                for _, view in due:
                    view.woken_for, view.woken_at = drawn, now
            for browser, view in due:
                if not self.wake(browser, view.fragment):
                    self.hide(browser)

    def _drop_idle(self, now: float) -> None:
        """Forget sessions nobody here takes part in any more (their room expires)."""
        with self._lock:
            viewed = {v.code for v in self._views.values()}
            idle = [
                code
                for code, local in self._local.items()
                if code not in viewed
                and not local.followers
                and not (local.unsent or local.bump)
                and now - local.touched > ROOM_TTL_S
            ]
            for code in idle:
                del self._local[code]

    def _store_away(self, error: StoreUnavailable) -> None:
        if not self._away:
            _log.warning(
                "%s: answers, hands and questions wait on this server until it answers",
                error.message,
            )
        self._away = True

    def _store_back(self) -> None:
        if self._away:
            _log.warning("the rooms' store answers again: what waited is written")
        self._away = False
