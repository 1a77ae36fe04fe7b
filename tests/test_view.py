"""graph.view: which pages the explorer shows, and how ?node= is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import load_knowledge
from heuristica.graph.relations import PageType
from heuristica.graph.view import DEFAULT_FOCUS, Edge, build_view, default_focus, resolve_node_param
from tests.markup import markdown_targets

FIXTURE_KB = Path(__file__).parent / "fixtures" / "explorer_kb"
FOCUS = "heuristic/polars-use-spawn-not-fork"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    result = load_knowledge(FIXTURE_KB)
    assert not result.problems
    return KnowledgeGraph(result.pages)


def test_depth_one_shows_the_focus_and_its_neighbours_in_both_directions(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS)
    assert view.nodes == {
        FOCUS,
        "environment/polars-2",
        "heuristic/avoid-fork-after-threads",
        "principle/process-start-methods",
        "implementation/multiprocessing-get-context",
        "principle/malicious-markup",
    }
    assert view.focus == FOCUS


def test_depth_two_reaches_pages_two_links_away(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS, depth=2)
    assert {"environment/linux", "implementation/polars-group-by", "environment/cpython-3-11"} <= (
        view.nodes
    )


def test_depth_is_clamped_to_one_to_three(kg: KnowledgeGraph):
    assert build_view(kg, FOCUS, depth=0).nodes == build_view(kg, FOCUS, depth=1).nodes
    assert build_view(kg, FOCUS, depth=9).nodes == build_view(kg, FOCUS, depth=3).nodes


def test_edges_are_the_links_between_visible_pages_with_their_relation(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS)
    assert Edge(FOCUS, "environment/polars-2", "requires_env") in view.edges
    assert Edge("principle/process-start-methods", FOCUS, "uses_heuristic") in view.edges
    assert all(e.source in view.nodes and e.target in view.nodes for e in view.edges)
    assert Edge("heuristic/avoid-fork-after-threads", "environment/linux", "requires_env") not in (
        view.edges
    )
    assert list(view.edges) == sorted(view.edges)


def test_expanding_a_visible_page_adds_its_neighbours(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS, expanded={"environment/polars-2"})
    assert "implementation/polars-group-by" in view.nodes
    assert "environment/linux" not in view.nodes


def test_expanding_a_page_that_appeared_through_an_expansion_works(kg: KnowledgeGraph):
    view = build_view(
        kg,
        "environment/linux",
        expanded={"heuristic/avoid-fork-after-threads", FOCUS},
    )
    assert "heuristic/avoid-fork-after-threads" in view.nodes
    assert "environment/polars-2" in view.nodes


def test_an_expanded_page_that_is_not_visible_is_ignored(kg: KnowledgeGraph):
    view = build_view(kg, "environment/cpython-3-11", expanded={"environment/polars-2"})
    assert "implementation/polars-group-by" not in view.nodes


def test_type_filter_keeps_only_those_types_and_always_the_focus(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS, depth=3, types={PageType.ENVIRONMENT})
    assert FOCUS in view.nodes
    assert {kg.page(n).page_type for n in view.nodes - {FOCUS}} == {PageType.ENVIRONMENT}


def test_show_all_shows_every_page(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS, show_all=True)
    assert view.nodes == set(kg.nx)
    assert len(view.edges) == kg.link_count
    assert view.show_all


def test_an_unknown_focus_is_a_key_error(kg: KnowledgeGraph):
    with pytest.raises(KeyError):
        build_view(kg, "heuristic/no-such-page")


def test_views_of_the_same_request_are_equal_and_hashable(kg: KnowledgeGraph):
    a = build_view(kg, FOCUS, expanded=["environment/polars-2"])
    b = build_view(kg, FOCUS, expanded=("environment/polars-2",))
    assert a == b
    assert hash(a) == hash(b)


def test_default_focus_is_the_spawn_heuristic_when_it_exists(kg: KnowledgeGraph):
    assert default_focus(kg) == DEFAULT_FOCUS


def test_default_focus_is_the_best_linked_page_otherwise(kg: KnowledgeGraph):
    pages = {p.id: p for p in kg.pages if p.id != DEFAULT_FOCUS}
    smaller = KnowledgeGraph(pages)
    degrees = {p: smaller.degree(p) for p in pages}
    assert degrees[default_focus(smaller)] == max(degrees.values())


def test_default_focus_of_an_empty_knowledge_base_is_none():
    assert default_focus(KnowledgeGraph({})) is None


def test_no_node_param_asks_for_the_default_view():
    request = resolve_node_param([], {FOCUS})
    assert request.focus is None
    assert request.problem is None


def test_a_known_node_param_is_the_focus():
    assert resolve_node_param([FOCUS], {FOCUS}).focus == FOCUS


def test_surrounding_spaces_are_ignored():
    assert resolve_node_param([f" {FOCUS} "], {FOCUS}).focus == FOCUS


def test_an_unknown_page_id_is_named_in_the_problem():
    request = resolve_node_param(["heuristic/no-such-page"], {FOCUS})
    assert request.focus is None
    assert "`heuristic/no-such-page`" in request.problem
    assert "no page" in request.problem


@pytest.mark.parametrize(
    "value", ["", "polars", "Heuristic/Polars", "heuristic/", "widget/x", "heuristic/a--b", "../x"]
)
def test_a_malformed_value_is_not_a_page_id(value: str):
    request = resolve_node_param([value], {FOCUS})
    assert request.focus is None
    assert "is not a page id" in request.problem


def test_a_value_with_markdown_is_shown_as_code_not_markup():
    request = resolve_node_param(["`x`[a](javascript:alert(1))"], {FOCUS})
    assert "`` `x`[a](javascript:alert(1)) ``" in request.problem
    assert markdown_targets(request.problem) == []


def test_a_very_long_value_is_shortened_in_the_problem():
    request = resolve_node_param(["x" * 5000], {FOCUS})
    assert len(request.problem) < 300


def test_several_node_values_are_a_problem():
    request = resolve_node_param([FOCUS, FOCUS], {FOCUS})
    assert request.focus is None
    assert "more than one page" in request.problem
