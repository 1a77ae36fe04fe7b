"""The vocabulary of the demo's limit on concurrent runs (``demos.slots``):
a ticket for a place in line, where a waiting ticket stands, the protocol every
limit keeps, and the lease timings of the limit shared on Redis."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "LEASE_SECONDS",
    "RENEW_SECONDS",
    "UNSURE_RENEWALS",
    "RunLimit",
    "RunnerBusy",
    "Ticket",
    "Waiting",
    "busy_message",
    "check_limits",
    "ignore_waiting",
]

LEASE_SECONDS = 15.0
"""A ticket whose server has not renewed it for this long is dropped."""
RENEW_SECONDS = 0.5
"""How often a server renews its tickets (at most; a third of a shorter lease)."""
UNSURE_RENEWALS = 4
"""Redis untouched for this many renewals means it was out of reach; after a
loss or such a gap, slots wait this many renewals for the servers to report."""


class RunnerBusy(RuntimeError):
    """Too many runs are already waiting; the caller should retry later."""


@dataclass(eq=False)
class Ticket:
    """A place in the line (compared by identity; ``id`` names it in Redis)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    joined: int = 0
    """When it joined the line, by Redis's clock (µs): its place, kept across a loss."""


@dataclass(frozen=True)
class Waiting:
    """Where a waiting ticket stands: its place in line (0 while unknown) and,
    when something is wrong, what to tell the person waiting."""

    place: int
    note: str = ""


def ignore_waiting(_waiting: Waiting) -> None:
    return None


class RunLimit(Protocol):
    """At most ``limit`` holders at a time; at most ``max_waiting`` in line behind them."""

    limit: int
    max_waiting: int

    def enqueue(self) -> Ticket:
        """Join the line, or raise RunnerBusy if it is full."""
        ...

    def wait_turn(
        self,
        ticket: Ticket,
        cancelled: Callable[[], bool],
        poll_seconds: float = 0.1,
        on_wait: Callable[[Waiting], None] = ignore_waiting,
    ) -> bool:
        """Block until the ticket holds a slot (True) or ``cancelled()`` says stop
        (False); tell ``on_wait`` where it stands after every look."""
        ...

    def release(self, ticket: Ticket) -> None: ...

    def position(self, ticket: Ticket) -> int:
        """0 while the ticket holds a slot (or is gone), else its 1-based place in line."""
        ...

    def counts(self) -> tuple[int, int]:
        """(running, waiting), for showing how busy the servers are."""
        ...


def busy_message(limit: int, waiting: int) -> str:
    return (
        f"all {limit} demo slots are busy and {waiting} more runs are waiting, "
        "the most this server allows; please try again in a minute"
    )


def check_limits(limit: int, max_waiting: int) -> None:
    if limit < 1 or max_waiting < 0:
        raise ValueError(f"limit must be >= 1 and max_waiting >= 0, got {limit}, {max_waiting}")
