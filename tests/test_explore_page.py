"""pages/explore.py under Streamlit's AppTest (through shell.py, whose navigation
makes it the default page): deep links, good and bad."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.search import search
from heuristica.ui.search import SEARCH_KEY
from tests.explorer_links import drawn_graph

REPO = Path(__file__).resolve().parents[1]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"


@pytest.fixture
def explore(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(FIXTURE_KB))
    return AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30)


def headers(at: AppTest) -> list[str]:
    """The panel's page title (a header or subheader: the panel decides which)."""
    return [h.value for h in (*at.header, *at.subheader)]


def test_without_a_node_the_default_page_is_shown(explore: AppTest):
    at = explore.run()
    assert not at.exception
    assert not at.warning
    assert headers(at) == ["Polars\\: use spawn, not fork"]


def test_a_valid_node_opens_that_page(explore: AppTest):
    explore.query_params["node"] = "environment/polars-2"
    at = explore.run()
    assert not at.exception
    assert not at.warning
    assert headers(at) == ["Polars 2"]


def test_an_unknown_node_warns_naming_it_and_shows_the_default_view(explore: AppTest):
    explore.query_params["node"] = "heuristic/no-such-page"
    at = explore.run()
    assert not at.exception
    assert len(at.warning) == 1
    assert "`heuristic/no-such-page`" in at.warning[0].value
    assert headers(at) == ["Polars\\: use spawn, not fork"]


def test_a_mistyped_node_names_the_closest_page(explore: AppTest):
    explore.query_params["node"] = "heuristic/polars-spawn-not-fork"
    at = explore.run()
    assert not at.exception
    assert "Did you mean `heuristic/polars-use-spawn-not-fork`" in at.warning[0].value


def test_explore_has_one_title(explore: AppTest):
    at = explore.run()
    assert [t.value for t in at.title] == ["Explore"]


def test_a_malformed_node_warns_and_shows_the_default_view(explore: AppTest):
    explore.query_params["node"] = "<script>alert(1)</script>"
    at = explore.run()
    assert not at.exception
    assert "is not a page id" in at.warning[0].value
    assert headers(at) == ["Polars\\: use spawn, not fork"]


def typed_in_the_search_box(at: AppTest, query: str) -> AppTest:
    at.session_state[SEARCH_KEY] = {"query": query}
    return at.run()


def test_the_search_box_lights_the_matching_pages_and_dims_the_rest(explore: AppTest):
    at = typed_in_the_search_box(explore.run(), "linux")
    graph = drawn_graph(at, "explore_graph")
    ids = graph["nodes"]["id"]
    kg = KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)
    hits = {hit.page.id for hit in search(kg, "linux", limit=None)}
    lit = {ids[i] for i in graph["nodes"]["lit"]}
    assert lit and lit == hits & set(ids)
    assert {ids[i] for i in graph["nodes"]["dimmed"]} == set(ids) - lit
    shown = f"{len(lit)} of {len(hits)} pages matching “linux” (the search box) shown, lit"
    assert any(shown in caption.value for caption in at.main.caption)
    assert [t.label for t in at.main.text_input] == [], "one search field: the sidebar's"


def test_clearing_the_search_box_lights_nothing(explore: AppTest):
    at = typed_in_the_search_box(explore.run(), "linux")
    at = typed_in_the_search_box(at, "")
    graph = drawn_graph(at, "explore_graph")
    assert graph["nodes"]["lit"] == [] and graph["nodes"]["dimmed"] == []


def test_the_guided_tour_is_offered_only_where_there_are_tours(
    explore: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    at = explore.run()
    tour = "Take a guided tour"
    assert tour in [link.proto.label for link in at.main.get("page_link")]
    for source in FIXTURE_KB.glob("*.yaml"):
        (tmp_path / source.name).write_bytes(source.read_bytes())
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(tmp_path))
    at = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30).run()
    assert not at.exception
    assert tour not in [link.proto.label for link in at.main.get("page_link")]
    assert all("New here" not in caption.value for caption in at.main.caption)
