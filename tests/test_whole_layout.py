"""The whole graph's layout: prepared in the background ahead of need, at
once when the whole graph is asked for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.ui.graph_component import cache as whole
from tests.kb import page, write


@pytest.fixture
def kg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> KnowledgeGraph:
    ids = [f"heuristic/rule-{i}" for i in range(6)]
    for i, page_id in enumerate(ids):
        write(tmp_path / "kb", f"{i}.yaml", page(page_id, ("related", ids[(i + 1) % 6])))
    monkeypatch.setattr(whole, "LAYOUT_CACHE_DIR", tmp_path / "layouts")
    return KnowledgeGraph(load_knowledge(tmp_path / "kb").pages)


@pytest.mark.timeout(60)
def test_asking_for_the_whole_graph_does_not_wait_for_the_prepared_start(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whole, "_PREPARE_AFTER_SECONDS", 3600.0)  # would time the test out
    whole.prepare_whole_graph_layout(kg, "fingerprint-a")
    assert not whole.layout_ready("fingerprint-a")
    positions = whole.whole_graph_layout(kg, "fingerprint-a")
    assert set(positions) == set(kg.nx)
    assert whole.layout_ready("fingerprint-a")
    stored = json.loads((whole.LAYOUT_CACHE_DIR / f"{kg.shape}.json").read_text("utf-8"))
    assert {k: tuple(v) for k, v in stored.items()} == positions
