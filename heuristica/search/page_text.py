"""Where in a page its text is, as search sees it: every piece of it
(``text.Passage``), each in a column of the index and a section of the page,
read from the page models (which a search answered from the index kept on
disk does without: it reads the passages the index stored)."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel

from heuristica.kb.model import SECTIONS, Page
from heuristica.search.text import Passage, columns_of

__all__ = ["columns", "passages"]

_NAMING_FIELDS = frozenset({"title", "name", "error"})
"""Fields that name something (an example's title, a dependency, an error
message): indexed with the headings, above the body, as checks' claims are."""
_CODE_FIELDS = frozenset({"code", "signature", "import_", "quick_install", "repository", "file"})
"""Fields that are code, commands or paths: read line by line, not as Markdown."""
_SKIPPED_FIELDS = frozenset({"url", "kind"})
"""Fields that are machinery, not prose (a link, an enum)."""
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


def passages(page: Page) -> list[Passage]:
    """Every piece of ``page``'s text, in the order the panel shows it."""
    found = [
        Passage("title", "Title", page.title),
        Passage("domains", "Domains", " ".join(page.domains)),
        Passage("overview", "Overview", page.overview),
    ]
    for field_name, heading in SECTIONS[page.page_type]:
        if field_name != "overview":
            _collect(getattr(page, field_name), field_name, heading, found)
    found += (Passage("body", "Knowledge Sources", source.title) for source in page.sources)
    # A check's claim is a sentence of the page; its program and settings are not.
    found += (Passage("headings", "Checks", check.claim) for check in page.checks)
    return found


def _collect(value: object, name: str, section: str, found: list[Passage]) -> None:
    if isinstance(value, str):
        if name in _NAMING_FIELDS:
            found.append(Passage("headings", section, value))
        elif name in _CODE_FIELDS:
            found.append(Passage("body", section, value, code=True))
        else:
            found.append(Passage("body", section, value))
            if "#" in value:
                found += (Passage("headings", section, h) for h in _HEADING.findall(value))
    elif isinstance(value, list):
        for item in value:
            _collect(item, name, section, found)
    elif isinstance(value, BaseModel):
        for field_name in _text_fields(type(value)):
            _collect(getattr(value, field_name), field_name, section, found)


@cache
def _text_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """``model``'s fields that may hold text: looked up once per class, since
    pydantic's ``model_fields`` is a computed property (10,000 pages ask it
    tens of thousands of times)."""
    return tuple(name for name in model.model_fields if name not in _SKIPPED_FIELDS)


def columns(page: Page) -> tuple[str, ...]:
    """The text of each of COLUMNS for ``page`` (``text.columns_of``)."""
    return columns_of(passages(page))
