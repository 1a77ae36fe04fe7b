"""kb.gcpause: what is set aside is walked by no collection until tidied."""

from __future__ import annotations

import gc
import weakref

from heuristica.kb.gcpause import paused_gc, set_aside, tidy


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector frees it


def _tracked(thing: object) -> bool:
    """``thing`` is in one of the collector's generations (not set aside)."""
    return any(candidate is thing for candidate in gc.get_objects())


def test_paused_gc_restores_the_collector_as_it_was() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_what_is_set_aside_is_left_out_of_collections() -> None:
    node = _Node()
    assert _tracked(node)
    set_aside()
    assert not _tracked(node)
    tidy()  # leave the rest of the session as it was


def test_tidy_collects_the_cycles_that_were_set_aside_and_sets_the_rest_aside() -> None:
    kept, dropped = _Node(), _Node()
    gone = weakref.ref(dropped)
    set_aside()
    del dropped
    gc.collect()
    assert gone() is not None, "a full collection walked an object set aside"
    tidy()
    assert gone() is None
    assert not _tracked(kept)
    tidy()
