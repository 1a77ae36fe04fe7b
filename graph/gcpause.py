"""Bulk building without the cyclic garbage collector.

Loading a large knowledge base creates millions of long-lived objects and no
reference cycles; the collector would walk them all again and again (a third
of the load time at 10,000 pages). It is paused for the build and restored
after, whatever it was.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
