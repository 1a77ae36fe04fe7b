"""live.watch: a knowledge folder's changes noticed as they are saved (real
inotify, through watchdog), and the app's server loading them, and laying out
the new whole graph, before any reader asks."""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from heuristica.kb.parsecache import CACHE_ENV_VAR
from heuristica.live.knowledge_base import KnowledgeBase, LiveKnowledgeBase
from heuristica.live.watch import FolderWatch
from heuristica.ui import knowledge_base as app_knowledge_base
from tests.kb import page, write
from tests.waiting import wait_until

pytestmark = pytest.mark.watched

SETTLE = 0.2
DEADLINE_S = 30.0


def until(condition: Callable[[], bool], what: str) -> None:
    wait_until(condition, DEADLINE_S, every=0.02, what=what)


def three_pages(root: Path) -> None:
    write(root, "a.yaml", page("heuristic/a", ("builds_on", "heuristic/b"), title="Rule A"))
    write(root, "b.yaml", page("heuristic/b", ("builds_on", "heuristic/c")))
    write(root, "c.yaml", page("heuristic/c"))


class Counted:
    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def __call__(self) -> None:
        with self.lock:
            self.calls += 1


@pytest.mark.timeout(60)
def test_reading_the_folder_is_not_a_change_and_a_burst_of_writes_is_one(tmp_path: Path) -> None:
    three_pages(tmp_path)
    changed = Counted()
    watch = FolderWatch(tmp_path, changed, settle=SETTLE)
    assert watch.start()
    try:
        for path in sorted(tmp_path.rglob("*.yaml")) * 3:
            path.read_bytes()  # what every load does
        time.sleep(SETTLE * 5)
        assert changed.calls == 0
        for i in range(20):  # a checkout: many files at once
            write(tmp_path / "more", f"{i}.yaml", page(f"heuristic/more-{i}"))
        until(lambda: changed.calls >= 1, "the writes were noticed")
        time.sleep(SETTLE * 5)
        assert changed.calls == 1
    finally:
        watch.stop()


def test_a_folder_that_cannot_be_watched_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    missing = tmp_path / "no-such-folder"
    assert not FolderWatch(missing, lambda: None).start()
    assert f"{missing} is not watched for changes" in caplog.text


@pytest.mark.timeout(60)
def test_an_edit_is_loaded_as_it_is_saved_with_no_one_asking(tmp_path: Path) -> None:
    three_pages(tmp_path)
    base = LiveKnowledgeBase(tmp_path, rescan_seconds=3600.0)  # no rescan of its own
    first = base.current()
    loads: list[KnowledgeBase] = []
    assert base.watch(loads.append)
    try:
        write(
            tmp_path, "a.yaml", page("heuristic/a", ("builds_on", "heuristic/b"), title="Rule A2")
        )
        until(lambda: bool(loads), "the edit was loaded")
        (loaded,) = loads
        assert loaded is not first and loaded.graph.page("heuristic/a").title == "Rule A2"
        assert base.current() is loaded  # the reader's next run finds it loaded
    finally:
        base.stop_watching()


@pytest.mark.timeout(90)
def test_the_app_lays_out_the_whole_graph_of_an_edit_before_a_reader_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's live knowledge base (``ui.knowledge_base``): an edit that
    changes a link is loaded, and its whole graph laid out, with no reader's
    run and no "Whole graph" asked for."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    root = tmp_path / "knowledge"
    three_pages(root)
    base = app_knowledge_base._live(root)
    try:
        before = base.current()
        write(root, "a.yaml", page("heuristic/a", ("builds_on", "heuristic/c"), title="Rule A"))
        until(lambda: base._current is not before, "the edit was loaded")  # no scan here
        assert base._current is not None
        shape = base._current.graph.shape
        assert shape != before.graph.shape
        until(
            lambda: (base.layout.folder / f"{shape}.json").exists(),
            "the new whole graph was laid out",
        )
    finally:
        base.stop_watching()
        app_knowledge_base._live.clear()


@pytest.mark.timeout(60)
def test_a_knowledge_base_no_longer_kept_stops_its_watch(tmp_path: Path) -> None:
    """The watch's threads hold no reference to the knowledge base it loads
    for, and stop with it: an app's cache dropping it frees its inotify
    instance (128 per user by default)."""
    three_pages(tmp_path)
    base = LiveKnowledgeBase(tmp_path)
    assert base.watch()
    watch = base._watch
    assert watch is not None and watch._observer is not None
    observer = watch._observer
    assert observer.is_alive()
    del base
    gc.collect()
    until(lambda: not observer.is_alive(), "the watch stopped with its knowledge base")
