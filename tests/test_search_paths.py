"""How is A related to B: shortest paths with each relation read in the
direction walked, "no path", and ``?from=&to=`` links, on a small knowledge
base written for the tests.

fork-copies --implemented_by--> get-context --requires_env--> linux
     |  \\--builds_on--> lazy-pools                              ^
     \\--uses_heuristic--> use-spawn --requires_env--------------/
island (no links)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heuristica.draw.paths import (
    Step,
    did_you_mean,
    path_pages_and_links,
    relation_paths,
    resolve_path_params,
    step_text,
)
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from tests.kb import page, write

P, LAZY, IMPL, H, E, ISLAND = (
    "principle/fork-copies",
    "principle/lazy-pools",
    "implementation/get-context",
    "heuristic/use-spawn",
    "environment/linux",
    "principle/island",
)


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    root: Path = tmp_path_factory.mktemp("kb")
    pages = [
        page(
            P,
            ("implemented_by", IMPL),
            ("uses_heuristic", H),
            ("builds_on", LAZY),
            title="Fork copies one thread",
        ),
        page(LAZY, title="Lazy pools"),
        page(IMPL, ("requires_env", E), title="get_context"),
        page(H, ("requires_env", E), title="Use spawn, not fork"),
        page(E, title="Linux with glibc"),
        page(ISLAND, title="An island"),
    ]
    for number, data in enumerate(pages):
        write(root, f"p{number}.yaml", data)
    result = load_knowledge(root)
    assert result.errors == []
    return KnowledgeGraph(result.pages)


def test_one_link_along_its_direction_reads_as_written(kg: KnowledgeGraph) -> None:
    [path] = relation_paths(kg, H, E)
    assert path == (Step(H, E, "requires_env", forward=True),)
    assert step_text(kg, path[0]) == "Use spawn, not fork —requires→ Linux with glibc"


def test_a_link_walked_backwards_reads_as_its_inverse(kg: KnowledgeGraph) -> None:
    [path] = relation_paths(kg, E, H)
    assert path == (Step(E, H, "requires_env", forward=False),)
    assert step_text(kg, path[0]) == "Linux with glibc —required by→ Use spawn, not fork"


def test_every_shortest_path_is_listed_in_title_order(kg: KnowledgeGraph) -> None:
    paths = relation_paths(kg, P, E)
    assert [[step.target for step in path] for path in paths] == [[IMPL, E], [H, E]]
    assert [step.label for step in paths[0]] == ["Implemented by", "Requires"]


def test_a_longer_path_mixes_directions(kg: KnowledgeGraph) -> None:
    paths = relation_paths(kg, LAZY, E)
    assert len(paths) == 2
    first = paths[0]
    assert [(s.source, s.target, s.label) for s in first] == [
        (LAZY, P, "Basis for"),
        (P, IMPL, "Implemented by"),
        (IMPL, E, "Requires"),
    ]


def test_the_number_of_paths_is_capped(kg: KnowledgeGraph) -> None:
    assert len(relation_paths(kg, P, E, limit=1)) == 1


def test_no_path_is_an_empty_list_and_one_page_a_path_of_no_steps(kg: KnowledgeGraph) -> None:
    assert relation_paths(kg, ISLAND, E) == []
    assert relation_paths(kg, H, H) == [()]


def test_an_unknown_page_is_a_key_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(KeyError):
        relation_paths(kg, "heuristic/nope", E)


def test_the_pages_and_links_to_light_up_are_the_links_as_written(kg: KnowledgeGraph) -> None:
    pages, links = path_pages_and_links(relation_paths(kg, LAZY, E))
    assert pages == {LAZY, P, IMPL, H, E}
    assert {(link.source, link.target, link.relation) for link in links} == {
        (P, LAZY, "builds_on"),
        (P, IMPL, "implemented_by"),
        (IMPL, E, "requires_env"),
        (P, H, "uses_heuristic"),
        (H, E, "requires_env"),
    }


def test_did_you_mean_suggests_a_near_id_first_then_pages_with_its_words(
    kg: KnowledgeGraph,
) -> None:
    assert did_you_mean(kg, "heuristic/use-spawm")[0] == H
    assert did_you_mean(kg, "linux glibc")[0] == E
    assert did_you_mean(kg, "zzqx") == []


def test_from_and_to_in_the_url_name_the_two_pages(kg: KnowledgeGraph) -> None:
    request = resolve_path_params(kg, [H], [E])
    assert (request.source, request.target, request.problems) == (H, E, ())


def test_missing_or_blank_parameters_are_no_page_and_no_problem(kg: KnowledgeGraph) -> None:
    request = resolve_path_params(kg, [], [" "])
    assert (request.source, request.target, request.problems) == (None, None, ())


def test_an_unknown_id_in_the_url_is_a_problem_with_a_suggestion(kg: KnowledgeGraph) -> None:
    request = resolve_path_params(kg, ["heuristic/use-spawm"], [E])
    assert (request.source, request.target) == (None, E)
    [problem] = request.problems
    assert problem.startswith("No page has the id `heuristic/use-spawm` (from); did you mean `")
    assert f"`{H}`" in problem


def test_a_parameter_given_twice_is_a_problem(kg: KnowledgeGraph) -> None:
    request = resolve_path_params(kg, [H], [E, P])
    assert request.target is None
    assert request.problems == ("The link gives to more than once; choose the page below.",)


def test_hostile_text_in_the_url_is_quoted_in_the_problem(kg: KnowledgeGraph) -> None:
    [problem] = resolve_path_params(kg, ["<img src=x onerror=alert(1)>`**"], []).problems
    # A code span as long as it needs to be: the value shows as typed, backtick and all.
    assert " ``<img src=x onerror=alert(1)>`**`` " in problem
