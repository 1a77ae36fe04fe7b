"""Search as the sidebar box uses it: ranking and typo tolerance on the shipped
knowledge base, and the results the box is given to show."""

from __future__ import annotations

import re

import pytest

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import load_knowledge
from heuristica.ui.knowledge_base import DEFAULT_ROOT
from heuristica.ui.search import RESULT_LIMIT, search_results


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    result = load_knowledge(DEFAULT_ROOT)
    return KnowledgeGraph(result.pages)


def titled(kg: KnowledgeGraph, word: str) -> set[str]:
    """Ids of the pages whose title has ``word`` as a word."""
    pattern = re.compile(rf"\b{word}\b", re.IGNORECASE)
    return {page.id for page in kg.pages if pattern.search(page.title)}


@pytest.mark.parametrize(("typed", "word"), [("forkservr", "forkserver"), ("polrs", "polars")])
def test_a_typo_still_finds_every_page_titled_with_the_word(
    kg: KnowledgeGraph, typed: str, word: str
) -> None:
    expected = titled(kg, word)
    assert expected, f"the shipped knowledge base has no page titled with {word!r}"
    hits = kg.search(typed, limit=len(kg))
    assert {hit.page.id for hit in hits[: len(expected)]} == expected
    assert all(hit.matched == "title" for hit in hits[: len(expected)])


def test_the_process_start_methods_page_is_found_by_forkservr(kg: KnowledgeGraph) -> None:
    assert "principle/process-start-methods" in {h.page.id for h in kg.search("forkservr")}


def test_title_matches_rank_before_equal_domain_matches(kg: KnowledgeGraph) -> None:
    hits = kg.search("polars", limit=len(kg))
    kinds = [hit.matched for hit in hits]
    assert kinds == sorted(kinds, key=["title", "domain", "text"].index)
    assert "domain" in kinds


def test_the_start_of_a_word_finds_it_as_you_type(kg: KnowledgeGraph) -> None:
    hits = kg.search("multiproc", limit=len(kg))
    assert titled(kg, "multiprocessing") <= {hit.page.id for hit in hits}


def test_every_word_of_the_query_counts(kg: KnowledgeGraph) -> None:
    best = kg.search("cuda fork")[0].page
    assert "cuda" in best.title.lower()
    assert "fork" in best.title.lower()


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_finds_nothing(kg: KnowledgeGraph, query: str) -> None:
    assert kg.search(query) == []
    assert search_results(kg, query) == []


def test_one_letter_does_not_match_every_page_text(kg: KnowledgeGraph) -> None:
    assert all(hit.matched != "text" for hit in kg.search("f", limit=len(kg)))


def test_words_found_nowhere_find_nothing(kg: KnowledgeGraph) -> None:
    assert kg.search("zzqxv wqpjk") == []


def test_results_for_the_box_carry_id_title_type_and_colour(kg: KnowledgeGraph) -> None:
    results = search_results(kg, "polrs")
    assert 0 < len(results) <= RESULT_LIMIT
    first = results[0]
    page = kg.page(first["id"])
    assert first["title"] == page.title
    assert first["type"] == page.page_type.label
    assert re.fullmatch(r"#[0-9A-F]{6}", first["colour"])
    assert first["matched"] == "title"
