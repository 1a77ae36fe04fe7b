"""What a search gives back: the pages found (``SearchHit``, each with what
it shows of its page: ``PageView``), and what of the query could not be
found (``Found``); and the options a search takes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TypedDict

from heuristica.kb.relations import PageType
from heuristica.search.snippets import Snippet, Span

__all__ = ["Found", "Options", "PageView", "SearchHit"]


@dataclass(frozen=True)
class PageView:
    """What a hit shows of its page: its id, title and type. (A search of a
    loaded knowledge base takes them from the page; one answered from the
    index kept on disk, from what the index stored: no page is read.)"""

    id: str
    title: str
    page_type: PageType


@dataclass(frozen=True)
class SearchHit:
    """One page found, and where the query matched it."""

    page: PageView
    """The page found (the whole page: ``KnowledgeGraph.page(hit.page.id)``)."""
    score: float
    """BM25 relevance, higher is better; comparable within one query only."""
    title_marks: tuple[Span, ...] = ()
    """Where in the page's title the matched words are."""
    snippet: Snippet | None = None
    """The sentence that matched best; None when not asked for."""

    def to_dict(self) -> dict[str, object]:
        """The hit as plain JSON data: what the CLI prints and the MCP server returns."""
        snippet = self.snippet
        return {
            "id": self.page.id,
            "title": self.page.title,
            "type": self.page.page_type.value,
            "score": round(self.score, 4),
            "snippet": snippet.text if snippet else "",
            "snippet_marks": [list(span) for span in snippet.marks] if snippet else [],
            "section": snippet.section if snippet else "",
            "title_marks": [list(span) for span in self.title_marks],
        }


class Options(TypedDict, total=False):
    """How to search, beyond the query (``SearchIndex.find`` says what each does)."""

    limit: int | None
    types: Collection[PageType]
    every_word: bool
    snippets: bool


@dataclass(frozen=True)
class Found:
    """What a search found, and what of the query it could not find."""

    hits: list[SearchHit]
    missing: tuple[str, ...] = ()
    """Words of the query that no page has, not even as a typo."""
    read_as: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(word typed, the words it was read as) for each word taken for a typo."""

    @property
    def note(self) -> str:
        """What a reader should know about how the query was read, in words
        ("" when it was read as typed): the words no page has, the typos."""
        parts = []
        if self.missing:
            parts.append(f"No page has {_either(self.missing)}")
        parts += (f"“{word}” read as {_either(meant)}" for word, meant in self.read_as)
        return ". ".join(parts) + "." if parts else ""


def _either(words: Sequence[str]) -> str:
    """“a”, “a” or “b”, “a”, “b” or “c”."""
    quoted = [f"“{word}”" for word in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"
