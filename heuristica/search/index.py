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
import hashlib
import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Unpack, cast

import tantivy
from rapidfuzz.distance import OSA
from tantivy import Occur, Query

from heuristica.kb.gcpause import paused_gc
from heuristica.kb.relations import PageType
from heuristica.search.found import Found, Options, SearchHit
from heuristica.search.queries import having, ranking
from heuristica.search.query import Terms, terms
from heuristica.search.rows import Rows
from heuristica.search.snippets import Sentence, marks, read, snippet
from heuristica.search.store import Added, Moved, Shown, Store, WhichLoad
from heuristica.search.text import COLUMNS, columns_of
from heuristica.search.typos import Vocabulary

if TYPE_CHECKING:  # the page models: an index kept on disk answers without them
    from heuristica.kb.model import Page

__all__ = ["Check", "Progress", "SearchIndex"]

_PREFIX_CHOICES = 8
"""Terms a word being typed stands for at most: the ones most pages have."""
_READ_PAGES = 256
"""Pages whose sentences are kept for snippets, the most recently found."""
_REWEIGHED = 40
"""The best pages by BM25 that are weighed by the share of the query's words
they have (four times as many as asked for, at most this many; the rest keep
BM25's order, after them)."""
_PROGRESS_EVERY = 256
"""Pages looked at between two reports of progress."""

Progress = Callable[[int, int], None]
"""Told (done, of) as work goes on."""

Check = Callable[[str], None]
"""Told each page id a search shows; raises if it changed (``SearchIndex.kept``)."""


def _digest(texts: tuple[str, ...]) -> str:
    """A digest of a page's indexed text, the same in every process."""
    return hashlib.blake2b("\0".join(texts).encode(), digest_size=16).hexdigest()


class _Entry(NamedTuple):
    """(A named tuple: an index opened from disk makes one per page, 10,000 at a time.)"""

    page: Page | None
    """None: indexed by an earlier process (in the store's folder), not yet
    matched to a page of this one."""
    row: int
    version: str
    """The page's version as the caller names it (for a knowledge base on
    disk, its file's), else a digest of its indexed text: another page
    object of the same version is not indexed again."""


class SearchIndex:
    """A full-text index of a set of pages; made once, then only read.

    Safe to share between threads. ``updated`` makes the index of a changed
    set of pages cheaply from this one.
    """

    def __init__(
        self,
        pages: Iterable[Page] = (),
        folder: Path | None = None,
        *,
        versions: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        which_load: WhichLoad | None = None,
    ) -> None:
        """The index of ``pages``, kept in ``folder`` if given (``search.disk``:
        then only the pages whose version differs from the one there are
        indexed), else in memory. ``versions``: page id -> a name of the
        page's version that changes whenever the page does (for a knowledge
        base on disk, its file's ``FileKey``); a page without one is known
        by a digest of its text. ``progress(done, of)`` is told how many
        pages were looked at. ``which_load`` tells, when the folder is
        written, the load of a knowledge folder ``pages`` are all of (see
        ``kept``)."""
        pages = list(pages)
        with paused_gc(set_aside_after=True):
            while True:
                self._store = Store(folder)
                self._entries = {
                    page_id: _Entry(None, row, version)
                    for page_id, (row, version) in self._store.known.items()
                }
                self._pages = Rows()
                try:
                    with self._store.lock:
                        self._write(pages, versions or {}, progress, which_load)
                    return
                except Moved:
                    continue  # another process wrote meanwhile: open what it wrote

    def __len__(self) -> int:
        return len(self._entries)

    def updated(
        self,
        pages: Iterable[Page],
        *,
        versions: Mapping[str, str] | None = None,
        progress: Progress | None = None,
        which_load: WhichLoad | None = None,
    ) -> SearchIndex:
        """The index of ``pages``, made from this one by indexing again only
        the pages added, changed or removed since (``versions`` and
        ``which_load`` as for the constructor). This index stays as it is."""
        pages = list(pages)
        with self._store.lock, paused_gc(set_aside_after=True):
            if self._store.head is self:
                new = copy.copy(self)
                new._entries = dict(self._entries)
                new._pages = self._pages.copy()
                try:
                    new._write(pages, versions or {}, progress, which_load)
                    return new
                except Moved:
                    pass
        # An older index than the store's latest, or another process wrote
        # the one on disk: start again from what the store holds now.
        return SearchIndex(
            pages, self._store.folder, versions=versions, progress=progress, which_load=which_load
        )

    @classmethod
    def kept(cls, store: Store, check: Check) -> SearchIndex:
        """The index ``store`` keeps in its folder, as it is (``Store.kept``),
        to search only, with no page: what a hit shows of its page, and the
        text of a page whose words a typo is read as, are what the index
        stored (``store.Shown``), each page told to ``check`` first; what
        ``check`` raises, ``find`` raises. It finds what an index made from
        the same pages finds, the same scores and snippets."""
        index = cls.__new__(cls)
        index._store = store
        index._entries = {
            page_id: _Entry(None, row, version) for page_id, (row, version) in store.known.items()
        }
        searcher = store.index.searcher()
        index._ready(searcher)

        def shown(row: int) -> Shown:
            page_id = index._page_id(row)
            check(page_id)
            return store.shown(searcher, page_id)

        index._pages = Rows(shown)
        return index

    def _write(
        self,
        pages: list[Page],
        versions: Mapping[str, str],
        progress: Progress | None,
        which_load: WhichLoad | None,
    ) -> None:
        """Index ``pages`` in place of the pages indexed now (under the store's lock)."""
        from heuristica.search.page_text import passages  # the page models, loaded with pages

        wanted = {page.id: page for page in pages}
        removed = [page_id for page_id in self._entries if page_id not in wanted]
        added: list[Added] = []
        for done, (page_id, page) in enumerate(wanted.items(), 1):
            if progress is not None and not done % _PROGRESS_EVERY:
                progress(done, len(wanted))
            old = self._entries.get(page_id)
            if old is not None and old.page is page:
                continue
            version = versions.get(page_id)
            if old is not None and old.version == version:
                self._keep(page, old)
                continue
            found = passages(page)
            texts = columns_of(found)
            version = version or _digest(texts)
            if old is not None and old.version == version:
                self._keep(page, old)
                continue
            if old is not None:
                removed.append(page_id)
                self._pages.pop(old.row, None)
            self._store.rows += 1
            added.append((self._store.rows, page, texts, found))
            self._entries[page_id] = _Entry(page, self._store.rows, version)
        for page_id in removed:
            if page_id not in wanted:
                self._pages.pop(self._entries.pop(page_id).row, None)
        for row, page, *_ in added:
            self._pages[row] = page
        on_disk = {page_id: (e.row, e.version) for page_id, e in self._entries.items()}
        self._ready(self._store.write(removed, added, on_disk, which_load))
        self._store.head = self

    def _ready(self, searcher: tantivy.Searcher) -> None:
        """Searched through ``searcher`` from now on; what earlier searches learnt forgotten."""
        self._searcher = searcher
        self._vocabulary: Vocabulary | None = None
        self._row_ids: dict[int, str] | None = None
        self._sentences = lru_cache(maxsize=_READ_PAGES)(self._read)

    def _keep(self, page: Page, old: _Entry) -> None:
        """``page`` in place of the page of the same version indexed in ``old``'s row."""
        self._entries[page.id] = _Entry(page, old.row, old.version)
        self._pages[old.row] = page

    def _read(self, page_id: str) -> tuple[Sentence, ...]:
        return read(self._pages.passages(self._entries[page_id].row))

    def _page_id(self, row: int) -> str:
        """The id of the page in ``row`` (without reading the page)."""
        if self._row_ids is None:
            self._row_ids = {entry.row: page_id for page_id, entry in self._entries.items()}
        return self._row_ids[row]

    def search(self, query: str, **options: Unpack[Options]) -> list[SearchHit]:
        """Pages for ``query``, best first (``find(...).hits``)."""
        return self.find(query, **options).hits

    def find(
        self,
        query: str,
        *,
        limit: int | None = 10,
        types: Collection[PageType] = (),
        every_word: bool = False,
        snippets: bool = True,
    ) -> Found:
        """Pages for ``query``, best first, and the words of it no page has.

        A page scores for each word it has (more in the title than in the
        body, BM25 per column) and for the whole query as written. A query
        most of whose words no page has finds nothing. ``limit`` None means
        every match; ``types`` keeps only pages of those types; ``every_word``
        keeps only pages with every word found (a filter); ``snippets`` False
        skips finding the sentence that matched.
        """
        looked_for = terms(query, self._known, self._starting, self._similar)
        read_as = tuple(
            (fixed.word, tuple(self._surface(term, fixed.word) for term in fixed.terms))
            for fixed in looked_for.corrections
        )
        found = Found([], looked_for.missing, read_as)
        wanted = len(self._entries) if limit is None else limit
        if looked_for.finds_nothing or wanted <= 0:
            return found
        # Listing every page of a large base makes thousands of objects and no
        # cycles: the collector would walk the whole knowledge base meanwhile.
        with paused_gc():
            hits = self._hits(looked_for, types, every_word, wanted, snippets)
        return Found(hits, found.missing, found.read_as)

    def _hits(
        self,
        looked_for: Terms,
        types: Collection[PageType],
        every_word: bool,
        wanted: int,
        snippets: bool,
    ) -> list[SearchHit]:
        ranked = self._ranked(looked_for, types, every_word, wanted)
        views = [self._pages.view(row) for _, row in ranked]
        scores = [score for score, _ in ranked]
        if not snippets:
            return [SearchHit(view, score) for view, score in zip(views, scores, strict=True)]
        weights = {term: self._idf(term) for term in looked_for.all}
        return [
            SearchHit(
                view,
                score,
                marks(view.title, looked_for.all),
                snippet(self._sentences(view.id), weights),
            )
            for view, score in zip(views, scores, strict=True)
        ]

    def _ranked(
        self, looked_for: Terms, types: Collection[PageType], every_word: bool, wanted: int
    ) -> list[tuple[float, int]]:
        """(score, row) of the best pages. The best by BM25 (up to
        ``_REWEIGHED``) are weighed by the share of the query's words each
        has: a word in the title of many pages would otherwise outrank the
        page that has all that was asked ("deadlock polars")."""
        query = ranking(self._store.schema, looked_for, types, every_word)
        groups = looked_for.groups
        reweighed = 0 if every_word or len(groups) < 2 else min(_REWEIGHED, 4 * wanted)
        found = self._searcher.search(query, max(wanted, reweighed), count=False).hits
        scored = list(zip([score for score, _ in found], self._rows(found), strict=True))
        if not reweighed or not scored:
            return scored[:wanted]
        has = self._words_had(groups, [row for _, row in scored[:reweighed]])
        best = sorted(
            ((score * has[row] / len(groups), row) for score, row in scored[:reweighed]),
            key=lambda hit: -hit[0],
        )
        return [*best, *scored[reweighed:]][:wanted]

    def _rows(self, found: Sequence[tuple[float, tantivy.DocAddress]]) -> list[int]:
        # "row" is an unsigned fast field that every indexed page has.
        return cast(list[int], self._searcher.fast_field_values("row", [a for _, a in found]))

    def _words_had(self, groups: Sequence[Sequence[str]], rows: Sequence[int]) -> Counter[int]:
        """Per row of ``rows``: how many of ``groups`` (the query's words) its page has."""
        schema = self._store.schema
        among = Query.boolean_query(
            [(Occur.Should, Query.term_query(schema, "id", self._page_id(row))) for row in rows]
        )
        had: Counter[int] = Counter()
        for group in groups:
            any_term = Query.boolean_query([(Occur.Should, having(schema, term)) for term in group])
            both = Query.boolean_query([(Occur.Must, among), (Occur.Must, any_term)])
            had.update(self._rows(self._searcher.search(both, len(rows), count=False).hits))
        return had

    def _idf(self, term: str) -> float:
        """How telling ``term`` is (BM25's IDF, as tantivy computes it), by the
        pages that have it in any column."""
        pages = self._doc_freq(term)
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
        return bool(self._searcher.search(having(self._store.schema, term), 1, count=False).hits)

    def _starting(self, prefix: str) -> list[str]:
        counts: dict[str, int] = {}
        for column in COLUMNS:
            for term, count in self._searcher.terms_with_prefix(
                column, prefix, filter_query=self._live_only, limit=_PREFIX_CHOICES
            ):
                counts[term] = counts.get(term, 0) + count
        live = [term for term, count in counts.items() if count]
        return sorted(live, key=lambda term: -counts[term])[:_PREFIX_CHOICES]

    def _doc_freq(self, term: str) -> int:
        return max(self._searcher.doc_freq(column, term) for column in COLUMNS)

    def _similar(self, word: str) -> list[str]:
        """The indexed words ``word`` may be a typo of (``Vocabulary.similar``)."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary(
                found
                for column in COLUMNS
                for found, count in self._searcher.terms_with_prefix(
                    column, "", filter_query=self._live_only
                )
                if count
            )
        return self._vocabulary.similar(word, self._doc_freq)

    def _surface(self, term: str, typed: str) -> str:
        """A word as pages write it whose term is ``term``, the closest to
        what was ``typed`` ("different" for "differ" when "diferent" was
        typed), to tell a reader what a typo was read as."""
        forms: Counter[str] = Counter()
        for _, address in self._searcher.search(
            having(self._store.schema, term), 3, count=False
        ).hits:
            row = cast(list[int], self._searcher.fast_field_values("row", [address]))[0]
            for text in columns_of(self._pages.passages(row)):
                forms.update(text[a:b].lower() for a, b in marks(text, frozenset({term})))
        if not forms:
            return term
        return min(forms, key=lambda form: (OSA.distance(form, typed), -forms[form], form))
