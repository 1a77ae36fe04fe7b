"""Where a search index's documents live: one tantivy index, in memory or in
a folder (``search.disk``), shared by a ``SearchIndex`` and those made from it.

Each document stores what a hit shows of its page (``Shown``: its id, title,
type and passages, from which its snippets and the way a typo's words are
written are found), so that an index kept on disk answers a search without
reading a page, nor loading the page models.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import tantivy
from tantivy import Query

from heuristica.kb.relations import PageType
from heuristica.search.disk import (
    Loaded,
    Manifest,
    locked,
    open_index,
    read_manifest,
    trusted_index,
    write_manifest,
)
from heuristica.search.found import PageView
from heuristica.search.query import STEMMER
from heuristica.search.text import COLUMNS, Passage

if TYPE_CHECKING:  # the page models, which a search answered from disk does without
    from heuristica.kb.model import Page

__all__ = ["Added", "Moved", "Shown", "Stale", "Store", "WhichLoad"]

TOKENIZER = "heuristica"
_WRITER_HEAP = 128_000_000
"""Bytes tantivy may buffer while indexing (split between its threads)."""
_WRITER_THREADS = 2
"""Threads that index in parallel while Python reads the next pages: the
10,000-page base is indexed in about half the time on two cores."""

_SHOWN = "shown"
"""The stored field that holds what a hit shows of a page (``Shown``), as JSON."""

Added = tuple[int, "Page", tuple[str, ...], Sequence[Passage]]
"""A page to index: its row, the page, the text of each of COLUMNS, its passages."""
WhichLoad = Callable[[], Loaded]
"""Tells, when asked, the load of a knowledge folder the pages are all of."""


class Moved(Exception):
    """Another process wrote the index on disk since this store last did."""


class Stale(Exception):
    """A page is no longer what the index kept on disk was made from."""


class Shown(NamedTuple):
    """What a hit shows of a page, as the index stores it."""

    view: PageView
    passages: tuple[Passage, ...]


def _stored(page: Page, passages: Sequence[Passage]) -> bytes:
    return json.dumps([page.id, page.title, page.page_type.value, passages]).encode()


def _shown(data: bytes) -> Shown:
    page_id, title, page_type, passages = json.loads(data)
    view = PageView(str(page_id), str(title), PageType(page_type))
    return Shown(view, tuple(Passage(*passage) for passage in passages))


def _prepare(index: tantivy.Index) -> None:
    index.register_tokenizer(TOKENIZER, STEMMER)


class Store:
    """One tantivy index, in memory (``folder`` None) or kept in ``folder``."""

    def __init__(
        self, folder: Path | None = None, opened: tuple[tantivy.Index, Manifest] | None = None
    ) -> None:
        """In memory (``folder`` None), or the index in ``folder`` (a new one
        if it cannot be trusted); ``opened``: that index and its manifest,
        already opened (``kept``)."""
        self.schema = _schema()
        self.folder = folder
        self.lock = threading.Lock()
        self.head: object = None
        """The index (``SearchIndex``) whose pages the store holds now: the
        only one to make the next from."""
        if folder is None:
            self.index = tantivy.Index(self.schema)
            _prepare(self.index)
            opened = (self.index, Manifest())
        elif opened is None:
            with locked(folder):
                opened = open_index(folder, self.schema, _prepare)
        self.index, manifest = opened
        self.rows = manifest.rows
        """Rows handed out so far: each indexed page gets the next, never reused."""
        self.generation = manifest.generation
        """The manifest's generation this store wrote or read last."""
        self.known = manifest.pages
        """Page id -> (row, version) of the pages in the folder when it was opened."""
        self.loaded = manifest.loaded
        """The load the pages in the folder are all of, as its manifest says."""

    @classmethod
    def kept(cls, folder: Path) -> Store | None:
        """The index kept in ``folder`` as it is, to read only; None if there
        is none this code can trust (nothing is changed: the next store made
        to write there starts again)."""
        with locked(folder):
            manifest = read_manifest(folder)
            if manifest is None:
                return None
            index = trusted_index(folder, manifest, _schema(), _prepare)
        return None if index is None else cls(folder, (index, manifest))

    def write(
        self,
        removed: list[str],
        added: list[Added],
        versions: Mapping[str, tuple[int, str]],
        which_load: WhichLoad | None = None,
    ) -> tantivy.Searcher:
        """Remove and add pages in one commit; a searcher that sees the result.
        In a folder, the manifest then names ``versions`` (page id -> row,
        version) and, if given, the load the pages are all of; raises
        ``Moved`` (and writes nothing) if another process wrote there since
        this store did."""
        if self.folder is None:
            return self._commit(removed, added)
        loaded = None if which_load is None else which_load()
        if not removed and not added and loaded == self.loaded:
            return self._reloaded()
        with locked(self.folder):
            on_disk = read_manifest(self.folder)
            if (0 if on_disk is None else on_disk.generation) != self.generation:
                raise Moved
            searcher = self._commit(removed, added) if removed or added else self._reloaded()
            self.generation += 1
            self.loaded = loaded
            manifest = Manifest(dict(versions), self.rows, self.generation, loaded=loaded)
            write_manifest(self.folder, manifest)
            return searcher

    def shown(self, searcher: tantivy.Searcher, page_id: str) -> Shown:
        """What a hit shows of the page ``page_id``, as ``searcher`` sees the
        index; ``Stale`` if the index holds no such page."""
        found = searcher.search(Query.term_query(self.schema, "id", page_id), 1, count=False).hits
        data = searcher.doc(found[0][1]).get_first(_SHOWN) if found else None
        if not isinstance(data, bytes):
            raise Stale(f"the index holds no page {page_id}")
        return _shown(data)

    def _reloaded(self) -> tantivy.Searcher:
        self.index.reload()
        return self.index.searcher()

    def _commit(self, removed: Iterable[str], added: Iterable[Added]) -> tantivy.Searcher:
        writer = self.index.writer(heap_size=_WRITER_HEAP, num_threads=_WRITER_THREADS)
        for page_id in removed:
            writer.delete_documents_by_term("id", page_id)
        for row, page, texts, passages in added:
            fields = {column: [text] for column, text in zip(COLUMNS, texts, strict=True)}
            document = tantivy.Document(**fields, id=[page.id], type=[page.page_type.value])
            document.add_unsigned("row", row)
            document.add_bytes(_SHOWN, _stored(page, passages))
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        return self._reloaded()


def _schema() -> tantivy.Schema:
    schema = tantivy.SchemaBuilder()
    for column in COLUMNS:
        schema.add_text_field(column, tokenizer_name=TOKENIZER, index_option="position")
    schema.add_text_field("id", tokenizer_name="raw", index_option="basic")
    schema.add_text_field("type", tokenizer_name="raw", index_option="basic")
    schema.add_unsigned_field("row", fast=True)
    schema.add_bytes_field(_SHOWN, stored=True)
    return schema.build()
