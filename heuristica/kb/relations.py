"""The typed links between pages: which (from type, relation, to type) are
allowed, and how each relation reads from either end.

This table is the one place that says so; the loader, the graph and the
panel all read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "RELATIONS",
    "PageType",
    "Relation",
    "allowed_targets",
    "inverse_label",
    "relation_label",
]


class PageType(StrEnum):
    """The four kinds of page."""

    PRINCIPLE = "principle"
    IMPLEMENTATION = "implementation"
    HEURISTIC = "heuristic"
    ENVIRONMENT = "environment"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Relation:
    """A kind of link, written once on its source page."""

    name: str
    label: str
    """How the link reads on the source page, e.g. "Implemented by"."""
    inverse: str
    """How the link reads on the target page, e.g. "Implements"."""
    pairs: frozenset[tuple[PageType, PageType]]
    """The (source type, target type) pairs this relation may join."""


_P, _I, _H, _E = PageType

RELATIONS: dict[str, Relation] = {
    r.name: r
    for r in (
        Relation("implemented_by", "Implemented by", "Implements", frozenset({(_P, _I)})),
        Relation("uses_heuristic", "Uses heuristic", "Used by", frozenset({(_P, _H), (_I, _H)})),
        Relation("requires_env", "Requires", "Required by", frozenset({(_I, _E), (_H, _E)})),
        Relation("builds_on", "Builds on", "Basis for", frozenset({(_P, _P), (_H, _H)})),
    )
}


def relation_label(name: str) -> str:
    """The label of relation ``name`` as read on its source page."""
    return RELATIONS[name].label


def inverse_label(name: str) -> str:
    """The label of relation ``name`` as read on its target page."""
    return RELATIONS[name].inverse


def allowed_targets(source: PageType, relation: str) -> list[PageType]:
    """The target types that ``relation`` may point to from a ``source`` page."""
    return sorted(t for s, t in RELATIONS[relation].pairs if s == source)
