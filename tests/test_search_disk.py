"""The search index kept on disk answers exactly as the one in memory: the
same pages, scores, snippets and notes for every newcomer question (and typos
and half-typed words), when just built, when opened again by another index
(as the next process opens it), and after an edit."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import Page
from heuristica.search import Found, SearchIndex, Snippet, Span
from heuristica.search.text import Passage
from heuristica.ui.knowledge_base import DEFAULT_ROOT
from tests.test_search_questions import QUESTIONS

ASKED = [
    *(question for question, _ in QUESTIONS),
    "forkserver",  # a whole word
    "spaw",  # half a word
    "deadlok polars",  # a typo
    "pickle lambda",
    "zzzqqq",  # no page has it
]


@pytest.fixture(scope="module")
def pages() -> list[Page]:
    return list(KnowledgeGraph(load_knowledge(DEFAULT_ROOT).pages).pages)


def answers(index: SearchIndex) -> list[Answer]:
    return [_answer(index.find(question, limit=5)) for question in ASKED]


Shown = tuple[str, tuple[Span, ...], Snippet | None]
"""A hit as a reader sees it: the page, its title's marks, the sentence shown."""
Answer = tuple[str, list[tuple[float, frozenset[Shown]]], float, int]


def _answer(found: Found) -> Answer:
    """``found`` with pages of equal scores in no order: tantivy indexes on two
    threads, so which of them comes first differs from one build to the next,
    in memory as on disk (and which of those tied for the last place come
    at all)."""
    tied = [
        (score, frozenset((hit.page.id, hit.title_marks, hit.snippet) for hit in hits))
        for score, hits in groupby(found.hits, key=lambda hit: round(hit.score, 4))
    ]
    last, lowest = tied[-1] if tied else (0.0, frozenset())
    return found.note, tied[:-1], last, len(lowest)


def edited(pages: list[Page]) -> list[Page]:
    """One page's overview changed, one page gone."""
    return [
        page.model_copy(update={"overview": "Zorblax: fork after threads start."})
        if n == 3
        else page
        for n, page in enumerate(pages)
        if n != 5
    ]


def test_the_index_on_disk_answers_as_the_one_in_memory(pages: list[Page], tmp_path: Path) -> None:
    in_memory = SearchIndex(pages)
    expected = answers(in_memory)
    assert any(tied for _, tied, _, _ in expected) and any(note for note, *_ in expected)
    assert answers(SearchIndex(pages, tmp_path)) == expected
    assert answers(SearchIndex(pages, tmp_path)) == expected  # opened again, nothing indexed


def test_after_an_edit_too(pages: list[Page], tmp_path: Path) -> None:
    on_disk = SearchIndex(pages, tmp_path).updated(edited(pages))
    in_memory = SearchIndex(pages).updated(edited(pages))
    assert answers(on_disk) == answers(in_memory)
    assert [hit.page.id for hit in on_disk.search("zorblax")] == [pages[3].id]
    opened = SearchIndex(edited(pages), tmp_path)
    assert answers(opened) == answers(in_memory)


def test_pages_of_the_same_version_are_not_indexed_again(
    pages: list[Page], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = {page.id: "1" for page in pages}
    SearchIndex(pages, tmp_path, versions=versions)
    indexed: list[str] = []

    def passages(page: Page) -> list[Passage]:
        indexed.append(page.id)
        return []

    monkeypatch.setattr("heuristica.search.page_text.passages", passages)
    copies = [page.model_copy() for page in pages]
    opened = SearchIndex(copies, tmp_path, versions=versions)
    assert indexed == [] and len(opened) == len(pages)
    monkeypatch.undo()
    assert opened.search("forkserver")[0].page.id in {page.id for page in copies}


def test_two_writers_of_one_folder_each_see_their_own_pages(
    pages: list[Page], tmp_path: Path
) -> None:
    """Two processes keeping the same folder (two servers, or a server and the
    CLI), as two stores: one writes after the other did; the second finds the
    folder moved on and starts again from it, never from its own stale view."""
    first = SearchIndex(pages, tmp_path)
    second = SearchIndex(pages, tmp_path)
    first.updated(edited(pages))
    gone = pages[7]
    mine = [page for page in pages if page is not gone]
    after = second.updated(mine)
    # The same pages as an index of ``mine`` alone; the scores differ from one
    # made in memory, as any index's do with the pages deleted in its history.
    assert len(after) == len(mine)
    assert not after.search("zorblax")  # the other's edit is not among mine
    assert gone.id not in {hit.page.id for hit in after.search(gone.title, limit=None)}
    assert {hit.page.id for hit in after.search("fork", limit=None)} == {
        hit.page.id for hit in SearchIndex(mine).search("fork", limit=None)
    }
    assert answers(SearchIndex(mine, tmp_path)) == answers(after)
