"""The index: tantivy over every page, ranked by BM25 with field weights.

tantivy (the Rust engine behind Quickwit, with maintained Python bindings) is
an in-process inverted index: BM25 per field with query-time boosts, phrase
queries over positions, a term dictionary to walk (for typos and prefixes),
Snowball stemming, and point-in-time searchers. An index lives in memory;
the next one after an edit shares it, deletes and adds only the pages that
changed, and reads through a new searcher, while searches on the old index
keep seeing the pages as they were.
"""

from __future__ import annotations

import copy
import math
import threading
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import tantivy
from rapidfuzz import fuzz, process
from tantivy import Occur, Query

from heuristica.kb.gcpause import paused_gc
from heuristica.kb.model import Page
from heuristica.kb.relations import PageType
from heuristica.search.query import STEMMER, Terms, terms
from heuristica.search.snippets import Sentence, Snippet, Span, marks, read, snippet
from heuristica.search.text import COLUMNS, columns

__all__ = ["SearchHit", "SearchIndex"]

WEIGHTS = {"title": 4.0, "domains": 2.0, "overview": 2.0, "headings": 1.5, "body": 1.0}
"""How much a match counts per column: title above overview above body. (A
title weighed 8 let two title words outrank a page whose sentence says what
was asked.)"""
_TOKENIZER = "heuristica"
_FUZZY_CUTOFF = 80.0
"""How alike (0-100, rapidfuzz ratio) an indexed term must be to stand in for
a word no page has: "polr" (polrs)/"polar" 89, "deadlok"/"deadlock" 93,
"gil"/"git" 67."""
_FUZZY_CHOICES = 3
_PREFIX_CHOICES = 8
"""Terms a word being typed stands for at most: the ones most pages have."""
_READ_PAGES = 256
"""Pages whose sentences are kept for snippets, the most recently found."""
_WRITER_HEAP = 128_000_000
"""Bytes tantivy may buffer while indexing (split between its threads)."""
_WRITER_THREADS = 2
"""Threads that index in parallel while Python reads the next pages: the
10,000-page base is indexed in about half the time on two cores."""


@dataclass(frozen=True)
class SearchHit:
    """One page found, and where the query matched it."""

    page: Page
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


class _Store:
    """One tantivy index in memory, shared by a SearchIndex and those made from it."""

    def __init__(self) -> None:
        schema = tantivy.SchemaBuilder()
        for column in COLUMNS:
            schema.add_text_field(column, tokenizer_name=_TOKENIZER, index_option="position")
        schema.add_text_field("id", tokenizer_name="raw", index_option="basic")
        schema.add_text_field("type", tokenizer_name="raw", index_option="basic")
        schema.add_unsigned_field("row", fast=True)
        self.schema = schema.build()
        self.index = tantivy.Index(self.schema)
        self.index.register_tokenizer(_TOKENIZER, STEMMER)
        self.lock = threading.Lock()
        self.head: SearchIndex | None = None
        """The index whose pages the store holds now: the only one to make the next from."""
        self.rows = 0
        """Rows handed out so far: each indexed page gets the next, never reused."""

    def write(
        self, removed: Iterable[str], added: Iterable[tuple[int, Page, tuple[str, ...]]]
    ) -> tantivy.Searcher:
        """Remove and add pages in one commit; a searcher that sees the result."""
        writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=_WRITER_THREADS)
        for page_id in removed:
            writer.delete_documents_by_term("id", page_id)
        for row, page, texts in added:
            fields = {column: [text] for column, text in zip(COLUMNS, texts, strict=True)}
            document = tantivy.Document(**fields, id=[page.id], type=[page.page_type.value])
            document.add_unsigned("row", row)
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        return self.index.searcher()


@dataclass(frozen=True)
class _Entry:
    page: Page
    row: int
    fingerprint: int
    """hash() of the page's indexed text: another page object with the same
    text is not indexed again."""


class SearchIndex:
    """A full-text index of a set of pages; made once, then only read.

    Safe to share between threads. ``updated`` makes the index of a changed
    set of pages cheaply from this one.
    """

    def __init__(self, pages: Iterable[Page] = ()) -> None:
        self._store = _Store()
        self._entries: dict[str, _Entry] = {}
        self._pages: dict[int, Page] = {}
        with self._store.lock, paused_gc(set_aside_after=True):
            self._write(pages)

    def __len__(self) -> int:
        return len(self._entries)

    def updated(self, pages: Iterable[Page]) -> SearchIndex:
        """The index of ``pages``, made from this one by indexing again only
        the pages added, changed or removed since. This index stays as it is."""
        with self._store.lock, paused_gc(set_aside_after=True):
            if self._store.head is self:
                new = copy.copy(self)
                new._entries = dict(self._entries)
                new._pages = dict(self._pages)
                new._write(pages)
                return new
        # An older index than the store's latest: its store has moved on.
        return SearchIndex(pages)

    def _write(self, pages: Iterable[Page]) -> None:
        """Index ``pages`` in place of the pages indexed now (under the store's lock)."""
        wanted = {page.id: page for page in pages}
        removed = [page_id for page_id in self._entries if page_id not in wanted]
        added: list[tuple[int, Page, tuple[str, ...]]] = []
        for page_id, page in wanted.items():
            old = self._entries.get(page_id)
            if old is not None and old.page is page:
                continue
            texts = columns(page)
            if old is not None and old.fingerprint == hash(texts):
                self._entries[page_id] = _Entry(page, old.row, old.fingerprint)
                self._pages[old.row] = page
                continue
            if old is not None:
                removed.append(page_id)
            self._store.rows += 1
            added.append((self._store.rows, page, texts))
        for page_id in removed:
            del self._pages[self._entries.pop(page_id).row]
        for row, page, texts in added:
            self._entries[page.id] = _Entry(page, row, hash(texts))
            self._pages[row] = page
        self._searcher = self._store.write(removed, added)
        self._vocabulary: list[str] | None = None
        self._sentences = lru_cache(maxsize=_READ_PAGES)(self._read)
        self._store.head = self

    def _read(self, page_id: str) -> tuple[Sentence, ...]:
        return read(self._entries[page_id].page)

    def search(
        self,
        query: str,
        *,
        limit: int | None = 10,
        types: Collection[PageType] = (),
        every_word: bool = False,
        snippets: bool = True,
    ) -> list[SearchHit]:
        """Pages for ``query``, best first.

        A page scores for each word it has (more in the title than in the
        body, BM25 per column) and for the whole query as written. ``limit``
        None means every match; ``types`` keeps only pages of those types;
        ``every_word`` keeps only pages with every word (a filter); ``snippets``
        False skips finding the sentence that matched.
        """
        looked_for = terms(query, self._known, self._starting, self._similar)
        wanted = len(self._entries) if limit is None else limit
        if looked_for is None or wanted <= 0:
            return []
        # Listing every page of a large base makes thousands of objects and no
        # cycles: the collector would walk the whole knowledge base meanwhile.
        with paused_gc():
            return self._hits(looked_for, types, every_word, wanted, snippets)

    def _hits(
        self,
        looked_for: Terms,
        types: Collection[PageType],
        every_word: bool,
        wanted: int,
        snippets: bool,
    ) -> list[SearchHit]:
        found = self._searcher.search(
            self._query(looked_for, types, every_word), wanted, count=False
        ).hits
        # "row" is an unsigned fast field that every indexed page has.
        rows = cast(list[int], self._searcher.fast_field_values("row", [a for _, a in found]))
        pages = [self._pages[row] for row in rows]
        scores = [score for score, _ in found]
        if not snippets:
            return [SearchHit(page, score) for page, score in zip(pages, scores, strict=True)]
        weights = {term: self._idf(term) for term in looked_for.all}
        return [
            SearchHit(
                page,
                score,
                marks(page.title, looked_for.all),
                snippet(self._sentences(page.id), weights),
            )
            for page, score in zip(pages, scores, strict=True)
        ]

    def _query(self, looked_for: Terms, types: Collection[PageType], every_word: bool) -> Query:
        each_word = Occur.Must if every_word else Occur.Should
        clauses = [(each_word, self._any_of(group)) for group in looked_for.groups]
        if looked_for.phrase:
            clauses.append((Occur.Should, self._as_written(looked_for.phrase)))
        query = Query.boolean_query(clauses)
        if not types:
            return query
        of_type = Query.boolean_query(
            [(Occur.Should, Query.term_query(self._store.schema, "type", t.value)) for t in types]
        )
        return Query.boolean_query(
            [(Occur.Must, query), (Occur.Must, Query.const_score_query(of_type, 0.0))]
        )

    def _any_of(self, group: Sequence[str]) -> Query:
        schema = self._store.schema
        return Query.boolean_query(
            [
                (Occur.Should, Query.boost_query(Query.term_query(schema, column, term), weight))
                for term in group
                for column, weight in WEIGHTS.items()
            ]
        )

    def _as_written(self, phrase: Sequence[str]) -> Query:
        schema = self._store.schema
        return Query.boolean_query(
            [
                (
                    Occur.Should,
                    Query.boost_query(Query.phrase_query(schema, column, list(phrase)), weight),
                )
                for column, weight in WEIGHTS.items()
                if column != "domains"
            ]
        )

    def _idf(self, term: str) -> float:
        """How telling ``term`` is (BM25's IDF, as tantivy computes it), by the
        pages that have it in any column."""
        pages = max(self._searcher.doc_freq(column, term) for column in COLUMNS)
        return math.log(1 + (len(self._entries) - pages + 0.5) / (pages + 0.5))

    @property
    def _live_only(self) -> Query | None:
        """A filter that leaves out the pages removed or replaced in this
        index's store, None when there are none. tantivy counts their
        words until their segment is merged away: a word only they had would
        pass for known, and no longer be read as a prefix or a typo."""
        return None if self._store.rows == len(self._entries) else Query.all_query()

    def _known(self, term: str) -> bool:
        if not any(self._searcher.doc_freq(column, term) for column in COLUMNS):
            return False
        if self._live_only is None:
            return True
        # A search never finds a removed page.
        schema = self._store.schema
        has_term = Query.boolean_query(
            [(Occur.Should, Query.term_query(schema, column, term)) for column in COLUMNS]
        )
        return bool(self._searcher.search(has_term, 1, count=False).hits)

    def _starting(self, prefix: str) -> list[str]:
        counts: dict[str, int] = {}
        for column in COLUMNS:
            for term, count in self._searcher.terms_with_prefix(
                column, prefix, filter_query=self._live_only, limit=_PREFIX_CHOICES
            ):
                counts[term] = counts.get(term, 0) + count
        live = [term for term, count in counts.items() if count]
        return sorted(live, key=lambda term: -counts[term])[:_PREFIX_CHOICES]

    def _similar(self, term: str) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = sorted(
                {
                    found
                    for column in COLUMNS
                    for found, count in self._searcher.terms_with_prefix(
                        column, "", filter_query=self._live_only
                    )
                    if count and found.isalpha()
                }
            )
        return [
            found
            for found, _, _ in process.extract(
                term,
                self._vocabulary,
                scorer=fuzz.ratio,
                score_cutoff=_FUZZY_CUTOFF,
                limit=_FUZZY_CHOICES,
            )
        ]
