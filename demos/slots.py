"""A first-come, first-served limit on how many demo runs execute at once.

One ``RunSlots`` is shared by every browser session of the server, so a room
of people pressing Run queues up instead of overloading the machine.
"""

import threading
from collections import deque
from collections.abc import Callable

__all__ = ["RunSlots", "RunnerBusy", "Ticket"]


class RunnerBusy(RuntimeError):
    """Too many runs are already waiting; the caller should retry later."""


class Ticket:
    """A place in the line; identity is all that matters."""


class RunSlots:
    """At most ``limit`` holders at a time; at most ``max_waiting`` in line behind them."""

    def __init__(self, limit: int, max_waiting: int) -> None:
        if limit < 1 or max_waiting < 0:
            raise ValueError(f"limit must be >= 1 and max_waiting >= 0, got {limit}, {max_waiting}")
        self.limit = limit
        self.max_waiting = max_waiting
        self._changed = threading.Condition()
        self._holders: set[Ticket] = set()
        self._line: deque[Ticket] = deque()

    def enqueue(self) -> Ticket:
        """Join the line, or raise RunnerBusy if it is full."""
        with self._changed:
            free_slots = self.limit - len(self._holders)
            if len(self._line) >= self.max_waiting + free_slots:
                raise RunnerBusy(
                    f"all {self.limit} demo slots are busy and {len(self._line)} more runs are "
                    "waiting, the most this server allows; please try again in a minute"
                )
            ticket = Ticket()
            self._line.append(ticket)
            return ticket

    def wait_turn(
        self, ticket: Ticket, cancelled: Callable[[], bool], poll_seconds: float = 0.1
    ) -> bool:
        """Block until the ticket holds a slot (True) or ``cancelled()`` says stop (False)."""
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
        """0 while the ticket holds a slot (or is gone), else its 1-based place in line."""
        with self._changed:
            return self._line.index(ticket) + 1 if ticket in self._line else 0

    def counts(self) -> tuple[int, int]:
        """(running, waiting), for showing how busy the server is."""
        with self._changed:
            return len(self._holders), len(self._line)
