"""A small cache of results made from objects that are kept, not compared:
the knowledge graph of a load, a tour, a drawing. Two equal-looking graphs of
two loads must not share a result, and comparing 10,000 pages would cost more
than the result saves, so an entry is found by its objects' identity and
holds those objects (an id stays unique while its object lives).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

__all__ = ["IdentityCache"]

V = TypeVar("V")


class IdentityCache(Generic[V]):
    """The last ``size`` results of ``make()``, each for some objects (by
    identity) and a plain key; safe to share between threads."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[tuple[object, ...], tuple[tuple[object, ...], V]] = OrderedDict()
        self._lock = Lock()

    def get(self, objects: tuple[object, ...], key: Hashable, make: Callable[[], V]) -> V:
        """The result for ``objects`` and ``key``: kept, or made now (outside
        the lock: two threads may both make it; either result is right)."""
        entry = (*(id(one) for one in objects), key)
        with self._lock:
            kept = self._entries.get(entry)
            if kept is not None and all(a is b for a, b in zip(kept[0], objects, strict=True)):
                self._entries.move_to_end(entry)
                return kept[1]
        value = make()
        with self._lock:
            self._entries[entry] = (objects, value)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value
