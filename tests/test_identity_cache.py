"""kb.identity_cache: results are found by their objects' identity, never
by equality, and only the last few are kept."""

from __future__ import annotations

import functools

from heuristica.kb.identity_cache import IdentityCache


def test_the_same_objects_and_key_give_the_kept_result() -> None:
    cache: IdentityCache[list[int]] = IdentityCache(4)
    anchor = ["graph"]
    made = cache.get((anchor,), 1, lambda: [1])
    assert cache.get((anchor,), 1, lambda: [2]) is made
    assert cache.get((anchor,), 2, lambda: [3]) == [3]


def test_an_equal_but_other_object_gets_its_own_result() -> None:
    cache: IdentityCache[str] = IdentityCache(4)
    first, second = ["same"], ["same"]
    assert cache.get((first,), None, lambda: "first") == "first"
    assert cache.get((second,), None, lambda: "second") == "second"
    assert cache.get((first,), None, lambda: "again") == "first"


def test_the_oldest_result_is_dropped_past_the_size() -> None:
    cache: IdentityCache[int] = IdentityCache(2)
    anchor = object()
    for key in range(3):
        cache.get((anchor,), key, functools.partial(int, key))
    assert cache.get((anchor,), 0, lambda: -1) == -1
    assert cache.get((anchor,), 2, lambda: -1) == 2
