"""Waiting for a condition with a deadline, for tests that watch real
processes, threads or files: never a fixed sleep, never a wall-clock figure
asserted."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

__all__ = ["wait_until"]


def wait_until(
    condition: Callable[[], object], timeout: float = 60.0, every: float = 0.05, what: str = ""
) -> float:
    """Seconds until ``condition()`` was true; fails the test after ``timeout``,
    saying ``what`` (else the condition's docstring) was not true."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            said = what or getattr(condition, "__doc__", "") or ""
            pytest.fail(f"not true within {timeout:g} s: {said}")
        time.sleep(every)
    return time.monotonic() - started
