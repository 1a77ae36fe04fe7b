"""The pages of a search index by row: the pages themselves (an index made
from them), or what the index kept on disk stored of each (``store.Shown``:
an index opened to answer without loading), read when first needed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from heuristica.search.found import PageView
from heuristica.search.store import Shown
from heuristica.search.text import Passage

if TYPE_CHECKING:  # the page models: an index kept on disk answers without them
    from heuristica.kb.model import Page

__all__ = ["Rows"]


class Rows(dict[int, "Page | Shown"]):
    """Row -> its page, or what the index stored of it; a row not yet here is
    asked of ``fetch`` (if given) the first time it is needed."""

    def __init__(self, fetch: Callable[[int], Shown] | None = None) -> None:
        super().__init__()
        self._fetch = fetch

    def __missing__(self, row: int) -> Page | Shown:
        if self._fetch is None:
            raise KeyError(row)
        shown = self[row] = self._fetch(row)
        return shown

    def copy(self) -> Rows:
        copied = Rows(self._fetch)
        copied.update(self)
        return copied

    def view(self, row: int) -> PageView:
        """What a hit shows of the page in ``row``."""
        page = self[row]
        if isinstance(page, Shown):
            return page.view
        return PageView(page.id, page.title, page.page_type)

    def passages(self, row: int) -> Sequence[Passage]:
        """The passages of the page in ``row``."""
        page = self[row]
        if isinstance(page, Shown):
            return page.passages
        from heuristica.search.page_text import passages  # the page models, loaded with pages

        return passages(page)
