"""draw.view: which pages the explorer shows, and how ?node= is read."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from heuristica.draw.view import (
    Edge,
    NodeRequest,
    build_view,
    closest_ids,
    default_focus,
    path_edges,
    resolve_node_param,
    view_of,
)
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import PageType
from tests.markup import markdown_targets

FIXTURE_KB = Path(__file__).parent / "fixtures" / "explorer_kb"
FOCUS = "heuristic/polars-use-spawn-not-fork"


def problem_of(request: NodeRequest) -> str:
    assert request.problem is not None, "the request has a problem"
    return request.problem


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


def test_the_whole_graph_has_every_link_sorted_made_once_per_graph(kg: KnowledgeGraph):
    edges = build_view(kg, FOCUS, show_all=True).edges
    ends = sorted((a, b, r) for a, b, r in kg.nx.edges(keys=True))
    assert [(e.source, e.target, e.relation) for e in edges] == ends
    other_focus = next(page for page in kg.nx if page != FOCUS)
    assert build_view(kg, other_focus, show_all=True).edges is edges
    another = KnowledgeGraph({p.id: p for p in kg.pages if p.id != other_focus})
    assert len(build_view(another, FOCUS, show_all=True).edges) == another.link_count
    assert build_view(kg, FOCUS, show_all=True, types={PageType.HEURISTIC}).edges != edges


def test_an_unknown_focus_is_a_key_error(kg: KnowledgeGraph):
    with pytest.raises(KeyError):
        build_view(kg, "heuristic/no-such-page")


def test_views_of_the_same_request_are_equal_and_hashable(kg: KnowledgeGraph):
    a = build_view(kg, FOCUS, expanded=["environment/polars-2"])
    b = build_view(kg, FOCUS, expanded=("environment/polars-2",))
    assert a == b
    assert hash(a) == hash(b)


def test_default_focus_is_the_start_page_the_knowledge_base_names(kg: KnowledgeGraph):
    assert kg.most_linked != "environment/polars-2"
    assert default_focus(kg, "environment/polars-2") == "environment/polars-2"


def test_default_focus_is_the_best_linked_page_without_a_start_page_or_with_a_gone_one(
    kg: KnowledgeGraph,
):
    degrees = {p.id: kg.degree(p.id) for p in kg.pages}
    for start_page in (None, "heuristic/no-such-page"):
        focus = default_focus(kg, start_page)
        assert focus is not None
        assert degrees[focus] == max(degrees.values())


def test_default_focus_of_an_empty_knowledge_base_is_none():
    assert default_focus(KnowledgeGraph({}), "heuristic/anything") is None


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
    assert "`heuristic/no-such-page`" in problem_of(request)
    assert "no page" in problem_of(request)


@pytest.mark.parametrize(
    "value", ["", "polars", "Heuristic/Polars", "heuristic/", "widget/x", "heuristic/a--b", "../x"]
)
def test_a_malformed_value_is_not_a_page_id(value: str):
    request = resolve_node_param([value], {FOCUS})
    assert request.focus is None
    assert "is not a page id" in problem_of(request)


def test_a_value_with_markdown_is_shown_as_code_not_markup():
    request = resolve_node_param(["`x`[a](javascript:alert(1))"], {FOCUS})
    assert "`` `x`[a](javascript:alert(1)) ``" in problem_of(request)
    assert markdown_targets(problem_of(request)) == []


def test_a_very_long_value_is_shortened_in_the_problem():
    request = resolve_node_param(["x" * 5000], {FOCUS})
    assert len(problem_of(request)) < 300


def test_several_node_values_are_a_problem():
    request = resolve_node_param([FOCUS, FOCUS], {FOCUS})
    assert request.focus is None
    assert "more than one page" in problem_of(request)


def test_an_unknown_page_id_names_the_closest_ids(kg: KnowledgeGraph):
    request = resolve_node_param(["heuristic/polars-spawn-not-fork"], kg.nx)
    assert request.focus is None
    assert request.suggestions[0] == FOCUS
    assert request.problem is not None
    assert f"Did you mean `{FOCUS}`" in problem_of(request)


def test_an_id_like_no_page_suggests_nothing(kg: KnowledgeGraph):
    request = resolve_node_param(["heuristic/zzzz"], kg.nx)
    assert request.suggestions == ()
    assert request.problem is not None and "Did you mean" not in problem_of(request)


def test_closest_ids_are_best_first_and_limited(kg: KnowledgeGraph):
    close = closest_ids("principle/process-start", kg.nx, limit=2)
    assert close[0] == "principle/process-start-methods"
    assert len(close) <= 2


def test_a_view_of_given_pages_has_every_link_between_them(kg: KnowledgeGraph):
    pages = {FOCUS, "environment/polars-2", "implementation/polars-group-by"}
    view = view_of(kg, FOCUS, pages)
    assert view.nodes == pages
    assert {(e.source, e.target) for e in view.edges} == set(kg.nx.subgraph(pages).edges())
    with pytest.raises(ValueError, match="not among the pages"):
        view_of(kg, "environment/linux", pages)


def test_path_edges_follow_links_either_way(kg: KnowledgeGraph):
    steps = kg.shortest_path("environment/linux", "implementation/polars-group-by")
    assert steps is not None
    edges = path_edges(kg, steps)
    assert len(edges) == len(steps) - 1
    for (a, b), edge in zip(pairwise(steps), edges, strict=True):
        assert {edge.source, edge.target} == {a, b}
        assert edge.relation in kg.nx.succ[edge.source][edge.target]
    with pytest.raises(ValueError, match="are not linked"):
        path_edges(kg, ["environment/linux", "environment/polars-2"])
