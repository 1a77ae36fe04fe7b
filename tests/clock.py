"""A clock a test moves by hand, for code that takes its time from a clock it
is given (``time.monotonic`` in the product): no test sleeps to outwait one."""

from __future__ import annotations

__all__ = ["FakeClock"]


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
