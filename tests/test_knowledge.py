"""KnowledgeGraph queries on a small hand-made knowledge base.

fork-copies-one-thread --implemented_by--> get-context --requires_env--> linux
        |  \\--builds_on--> lazy-pools                                   ^
        \\--uses_heuristic--> use-spawn --requires_env---------------------/
island (a principle with no links)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import PageType
from tests.kb import page, write

P, LAZY, IMPL, H, E, ISLAND = (
    "principle/fork-copies-one-thread",
    "principle/lazy-pools",
    "implementation/get-context",
    "heuristic/use-spawn",
    "environment/linux",
    "principle/island",
)


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    root: Path = tmp_path_factory.mktemp("kb")
    write(
        root,
        "p.yaml",
        page(
            P,
            ("implemented_by", IMPL),
            ("uses_heuristic", H),
            ("builds_on", LAZY),
            title="Fork copies only the calling thread",
            domains=["Operating_Systems"],
        ),
    )
    write(root, "lazy.yaml", page(LAZY, title="Lazy thread pools", domains=["Polars"]))
    write(
        root,
        "i.yaml",
        page(
            IMPL, ("requires_env", E), title="multiprocessing.get_context", usage="forkserver too"
        ),
    )
    write(root, "h.yaml", page(H, ("requires_env", E), title="Use spawn, not fork"))
    write(root, "e.yaml", page(E, title="Linux"))
    write(root, "island.yaml", page(ISLAND, title="Island"))
    result = load_knowledge(root)
    assert result.errors == []
    return KnowledgeGraph(result.pages)


def test_nodes_carry_pages_and_edges_carry_relations(kg: KnowledgeGraph) -> None:
    assert kg.nx.nodes[H]["page"].title == "Use spawn, not fork"
    assert kg.nx.edges[P, IMPL, "implemented_by"]["relation"] == "implemented_by"
    assert kg.link_count == 5


def test_neighbourhood_follows_links_both_ways(kg: KnowledgeGraph) -> None:
    assert kg.neighbourhood(H, 1) == {H, P, E}
    assert kg.neighbourhood(H, 2) == {H, P, E, IMPL, LAZY}
    assert kg.neighbourhood(ISLAND, 3) == {ISLAND}


def test_links_are_grouped_by_relation_label(kg: KnowledgeGraph) -> None:
    links = kg.links(P)
    assert list(links) == ["Implemented by", "Uses heuristic", "Builds on"]
    assert [p.id for p in links["Builds on"]] == [LAZY]


def test_backlinks_are_grouped_by_inverse_label(kg: KnowledgeGraph) -> None:
    assert {k: [p.id for p in v] for k, v in kg.backlinks(E).items()} == {"Required by": [IMPL, H]}
    assert list(kg.backlinks(H)) == ["Used by"]
    assert list(kg.backlinks(LAZY)) == ["Basis for"]
    assert kg.backlinks(P) == {}


def test_shortest_path_ignores_direction(kg: KnowledgeGraph) -> None:
    assert kg.shortest_path(LAZY, E) in ([LAZY, P, IMPL, E], [LAZY, P, H, E])
    assert kg.shortest_path(ISLAND, E) is None


def test_stats_count_pages_per_type(kg: KnowledgeGraph) -> None:
    assert kg.stats() == {
        PageType.PRINCIPLE: 3,
        PageType.IMPLEMENTATION: 1,
        PageType.HEURISTIC: 1,
        PageType.ENVIRONMENT: 1,
    }


def test_graph_is_read_only(kg: KnowledgeGraph) -> None:
    with pytest.raises(Exception, match="Frozen"):
        kg.nx.add_node("principle/new")
