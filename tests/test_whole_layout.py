"""The whole graph's layout: prepared in the background ahead of need, at
once when the whole graph is asked for, in a process of its own, and only
for the latest graph."""

from __future__ import annotations

import json
from concurrent.futures import CancelledError
from pathlib import Path

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.live.whole_layout import WholeLayout
from tests.kb import page, write

WAITS_FOREVER = 3600.0
"""A job prepared ahead of need that waited this long would time the test out."""


def graph(folder: Path, pages: int) -> KnowledgeGraph:
    ids = [f"heuristic/rule-{i}" for i in range(pages)]
    for i, page_id in enumerate(ids):
        write(folder, f"{i}.yaml", page(page_id, ("related", ids[(i + 1) % pages])))
    return KnowledgeGraph(load_knowledge(folder).pages)


@pytest.mark.timeout(60)
def test_asking_for_the_whole_graph_does_not_wait_for_the_prepared_start(tmp_path: Path) -> None:
    kg = graph(tmp_path / "kb", 6)
    layout = WholeLayout(tmp_path / "layouts", wait_before=WAITS_FOREVER)
    layout.prepare(kg, "fingerprint-a")
    assert not layout.ready("fingerprint-a")
    positions = layout.positions(kg, "fingerprint-a")
    assert set(positions) == set(kg.nx)
    assert layout.ready("fingerprint-a")
    stored = json.loads((tmp_path / "layouts" / f"{kg.shape}.json").read_text("utf-8"))
    assert {k: tuple(v) for k, v in stored.items()} == positions


@pytest.mark.timeout(60)
def test_a_newer_graph_replaces_the_one_waiting_and_only_it_is_kept(tmp_path: Path) -> None:
    first, second = graph(tmp_path / "a", 6), graph(tmp_path / "b", 7)
    layout = WholeLayout(tmp_path / "layouts", wait_before=WAITS_FOREVER)
    layout.prepare(first, "fingerprint-a")
    waiting = layout._job
    assert waiting is not None
    assert set(layout.positions(second, "fingerprint-b")) == set(second.nx)
    with pytest.raises(CancelledError):
        waiting.future.result(timeout=30)  # gave up at once, never laid out
    assert not layout.ready("fingerprint-a") and layout.ready("fingerprint-b")
    assert [path.name for path in (tmp_path / "layouts").iterdir()] == [f"{second.shape}.json"]


@pytest.mark.timeout(60)
def test_a_graph_of_a_known_shape_reuses_its_layout_file(tmp_path: Path) -> None:
    kg = graph(tmp_path / "kb", 6)
    layouts = tmp_path / "layouts"
    positions = WholeLayout(layouts, wait_before=0).positions(kg, "before-a-restart")
    (layouts / f"{kg.shape}.json").write_text(json.dumps({"heuristic/rule-0": [1.0, 2.0]}))
    again = WholeLayout(layouts, wait_before=0).positions(kg, "after-a-restart")
    assert again == {"heuristic/rule-0": (1.0, 2.0)} != positions
