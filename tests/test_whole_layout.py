"""The whole graph's layout: prepared in the background ahead of need, at
once when the whole graph is asked for, in a process of its own, and only
for the latest graph."""

from __future__ import annotations

import gc
import json
import math
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

import pytest

from heuristica.draw import drawing
from heuristica.draw.drawing import draw
from heuristica.draw.layout_file import read_layout, spaced
from heuristica.draw.view import build_view
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.parsecache import CACHE_ENV_VAR, cache_folder, cache_path
from heuristica.live import whole_layout
from heuristica.live.knowledge_base import LiveKnowledgeBase
from heuristica.live.whole_layout import KEEP, WholeLayout
from heuristica.processes.runner import RunOutcome
from heuristica.ui import knowledge_base as app_knowledge_base
from tests.demos.conftest import alive_in_session
from tests.kb import page, write
from tests.waiting import wait_until

WAITS_FOREVER = 3600.0
"""A job prepared ahead of need that waited this long would time the test out."""


def graph(folder: Path, pages: int) -> KnowledgeGraph:
    """``pages`` pages, each building on the next and on one further round."""
    ids = [f"heuristic/rule-{i}" for i in range(pages)]
    for i, page_id in enumerate(ids):
        links = [("builds_on", ids[(i + 1) % pages]), ("builds_on", ids[(i * 7 + 3) % pages])]
        write(folder, f"{i}.yaml", page(page_id, *links))
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
    assert spaced({k: (x, y) for k, (x, y) in stored.items()}) == positions


@pytest.mark.timeout(60)
def test_a_layout_prepared_now_is_made_at_once_with_its_drawing_and_no_one_waiting(
    tmp_path: Path,
) -> None:
    """A reader's run has ended: the layout starts without its wait, and the
    whole graph's nodes at those positions are made too, before anyone asks."""
    kg = graph(tmp_path / "kb", 6)
    layout = WholeLayout(tmp_path / "layouts", wait_before=WAITS_FOREVER)
    layout.prepare(kg, "fingerprint-a", now=True)
    job = layout._job
    assert job is not None
    positions = job.future.result(timeout=30)
    assert layout.ready("fingerprint-a") and not job.wanted
    assert set(positions) == set(kg.nx)
    made = drawing._WHOLE_NODES.get((kg, positions), None, lambda: ())
    assert [node.id for node in made] == sorted(kg.nx)
    assert all(node.position == positions[node.id] for node in made)
    view = build_view(kg, sorted(kg.nx)[0], show_all=True)
    assert draw(view, kg, positions).nodes is made


@pytest.mark.timeout(60)
def test_a_replaced_layout_no_one_waits_for_stops_its_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edits come faster than layouts: a layout under way for a graph that a
    newer one replaced, and that no reader waits for, is stopped with its
    process, so a burst of edits never runs a layout per edit."""
    real = whole_layout.run_module
    sessions: list[int] = []

    def a_layout_that_hangs(
        module: str, args: list[str], time_limit: float, **given: Any
    ) -> RunOutcome:
        monkeypatch.setattr(whole_layout, "run_module", real)  # the next layout is real
        # tests.demos.slow_progress: reports once after 120 s, so it hangs here
        return real(
            "tests.demos.slow_progress",
            ["1", "120"],
            time_limit,
            on_started=sessions.append,
            **given,
        )

    monkeypatch.setattr(whole_layout, "run_module", a_layout_that_hangs)
    first, second = graph(tmp_path / "a", 6), graph(tmp_path / "b", 7)
    layout = WholeLayout(tmp_path / "layouts", wait_before=WAITS_FOREVER)
    layout.prepare(first, "fingerprint-a", now=True)
    replaced = layout._job
    assert replaced is not None
    wait_until(
        lambda: sessions and alive_in_session(sessions[0]),
        30,
        what="the first layout's process started",
    )
    layout.prepare(second, "fingerprint-b", now=True)
    with pytest.raises(CancelledError):
        replaced.future.result(timeout=30)
    assert alive_in_session(sessions[0]) == []
    assert set(layout.positions(second, "fingerprint-b")) == set(second.nx)
    assert [path.name for path in (tmp_path / "layouts").iterdir()] == [f"{second.shape}.json"]


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
    marked = {node: [float(i), 2.0] for i, node in enumerate(sorted(positions))}
    (layouts / f"{kg.shape}.json").write_text(json.dumps(marked))
    again = WholeLayout(layouts, wait_before=0).positions(kg, "after-a-restart")
    assert again == spaced({node: (x, y) for node, (x, y) in marked.items()}) != positions


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "damage",
    ["{not json", '{"heuristic/rule-0": [1.0, 2.0]}', '{"heuristic/rule-0": "here"}', "[]"],
    ids=["corrupt", "other-pages", "not-positions", "not-a-map"],
)
def test_a_damaged_layout_file_is_laid_out_again_not_trusted(tmp_path: Path, damage: str) -> None:
    kg = graph(tmp_path / "kb", 6)
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / f"{kg.shape}.json").write_text(damage)
    positions = WholeLayout(layouts, wait_before=0).positions(kg, "damaged")
    assert set(positions) == set(kg.nx)
    stored = json.loads((layouts / f"{kg.shape}.json").read_text("utf-8"))
    assert spaced({k: (x, y) for k, (x, y) in stored.items()}) == positions


@pytest.mark.timeout(60)
def test_an_edit_that_changes_links_starts_from_the_previous_layout(tmp_path: Path) -> None:
    before = graph(tmp_path / "kb", 40)
    layouts = tmp_path / "layouts"
    first = WholeLayout(layouts, wait_before=0).positions(before, "before")
    write(tmp_path / "kb", "extra.yaml", page("heuristic/extra", ("builds_on", "heuristic/rule-3")))
    after = KnowledgeGraph(load_knowledge(tmp_path / "kb").pages)
    assert after.shape != before.shape
    then = WholeLayout(layouts, wait_before=0).positions(after, "after")
    fresh = WholeLayout(tmp_path / "elsewhere", wait_before=0).positions(after, "after")
    moved = sum(math.dist(first[node], then[node]) for node in first)
    moved_fresh = sum(math.dist(first[node], fresh[node]) for node in first)
    assert moved < moved_fresh / 4  # from scratch the pages land elsewhere
    assert sorted(path.name for path in layouts.iterdir()) == sorted(
        [f"{before.shape}.json", f"{after.shape}.json"]
    )


@pytest.mark.timeout(60)
def test_only_the_newest_layouts_are_kept(tmp_path: Path) -> None:
    layouts = tmp_path / "layouts"
    layout = WholeLayout(layouts, wait_before=0)
    shapes = []
    for pages in range(3, 3 + KEEP + 2):
        kg = graph(tmp_path / f"kb{pages}", pages)
        layout.positions(kg, f"fingerprint-{pages}")
        shapes.append(f"{kg.shape}.json")
    assert sorted(path.name for path in layouts.iterdir()) == sorted(shapes[-KEEP:])


def test_without_a_folder_the_layouts_stay_in_a_folder_of_this_process_alone() -> None:
    one, two = WholeLayout(), WholeLayout()
    assert one.folder != two.folder and one.folder.is_dir()
    folder = one.folder
    del one
    gc.collect()
    assert not folder.exists()


@pytest.mark.timeout(60)
def test_two_servers_with_different_knowledge_bases_never_share_a_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both folders hold the same pages (one shape), the cache folder is the
    same: each server, made as the app and the MCP server make theirs, still
    lays out and reads only its own knowledge base's layouts."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    roots = [tmp_path / "team-a", tmp_path / "team-b"]
    for root in roots:
        graph(root, 12)

    def server(root: Path) -> LiveKnowledgeBase:
        return LiveKnowledgeBase(root, cache_file=cache_path(root), cache_folder=cache_folder(root))

    a, b = server(roots[0]), server(roots[1])
    kg_a, kg_b = a.current().graph, b.current().graph
    assert kg_a.shape == kg_b.shape and a.layout.folder != b.layout.folder
    a.layout.positions(kg_a, a.current().fingerprint)
    marked = {node: [float(i), 0.0] for i, node in enumerate(sorted(kg_a.nx))}
    (a.layout.folder / f"{kg_a.shape}.json").write_text(json.dumps(marked))
    positions_b = b.layout.positions(kg_b, b.current().fingerprint)
    assert positions_b != spaced({node: (x, y) for node, (x, y) in marked.items()})
    assert (b.layout.folder / f"{kg_b.shape}.json").exists()
    restarted = server(roots[0])
    assert restarted.layout.positions(kg_a, "restart") == spaced(
        {k: (x, y) for k, (x, y) in marked.items()}
    )


@pytest.mark.timeout(60)
def test_a_layouts_folder_that_cannot_be_made_gives_way_to_a_temporary_one(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    kg = graph(tmp_path / "kb", 6)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    layout = WholeLayout(tmp_path / "a-file" / "layouts", wait_before=0)
    positions = layout.positions(kg, "nowhere to keep it")
    assert set(positions) == set(kg.nx)
    assert spaced(read_layout(layout.folder / f"{kg.shape}.json") or {}) == positions
    assert "a-file/layouts cannot be made" in caplog.text


@pytest.mark.timeout(60)
def test_a_browser_that_drew_its_first_view_starts_the_whole_graph_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the app's ``/_heuristica/drawn`` does (``prepare_whole_graph``):
    nothing before a first load; after one, the layout of the graph as loaded
    starts without its wait."""
    monkeypatch.setenv(CACHE_ENV_VAR, str(tmp_path / "cache"))
    root = tmp_path / "knowledge"
    graph(root, 6)
    monkeypatch.setenv(app_knowledge_base.ENV_VAR, str(root))
    try:
        base = app_knowledge_base.live()
        app_knowledge_base.prepare_whole_graph()  # no load yet: nothing to lay out
        assert base.loaded is None and base._layout is None
        loaded = base.current()
        base.layout.wait_before = WAITS_FOREVER
        base.layout.prepare(loaded.graph, loaded.fingerprint)  # as a reader's run does
        job = base.layout._job
        assert job is not None and not job.hurry.is_set()
        app_knowledge_base.prepare_whole_graph()
        assert base.layout._job is job and job.hurry.is_set()
        assert set(job.future.result(timeout=30)) == set(loaded.graph.nx)
    finally:
        base.stop_watching()
        app_knowledge_base._live.clear()
