"""The building blocks every model of the knowledge base is made of: ids,
text that must say something, one-line text, web addresses, domains, and a
strict model base (unknown fields refused, values frozen)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

__all__ = ["PAGE_ID_PATTERN", "SLUG", "Domain", "Line", "PageId", "Strict", "Text", "Url"]

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
PAGE_ID_PATTERN = rf"^(?:principle|implementation|heuristic|environment)/{SLUG}$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Markdown text that must say something."""
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s<>\"']+$")]
PageId = Annotated[str, StringConstraints(pattern=PAGE_ID_PATTERN)]
Domain = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=60)]


class Strict(BaseModel):
    """Unknown fields refused, values frozen, text stripped."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
