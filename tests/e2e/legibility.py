"""What makes a drawn graph hard to read, measured in its frame from
vis-network's own positions and label boxes (the network lives as
``network`` in the frame): circles on circles, labels on labels or circles,
links through the label or circle of a page they do not join, relations
written on a link lying on a page, labels drawn smaller than can be read, and
the page in focus out of view.

After a hold, which moves no page already on screen, only what involves the
pages it added counts: a link may run behind (never over: labels have a
background) the label of a page that was there, for want of a better place.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Frame

__all__ = ["READABLE_PIXELS", "Legibility", "legibility"]

READABLE_PIXELS = 11
"""No label may be drawn smaller on screen."""

_MEASURE = (Path(__file__).parent / "legibility.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Legibility:
    count: int
    """Pages drawn."""
    problems: list[str]
    """Circles or labels on each other, relations written on a page, labels
    drawn too small, the focus out of view."""
    crossings: list[str]
    """Links through a page's label: none in a view laid out from scratch at
    depth 1 or after a hold (for what it adds); a dense view (depth 2 and 3,
    the whole graph) has some, behind the labels' background."""
    smallest: float | None
    """Height in screen pixels of the smallest label drawn (None: none is)."""
    outside: list[str]
    """Pages whose circle or label is not wholly inside the frame (a view
    opened zoomed in to readable labels has some; a tour's has none)."""


def legibility(
    frame: Frame, focus: str | None = None, new: Collection[str] | None = None
) -> Legibility:
    """The graph in ``frame`` as drawn now, ``focus`` the page that must be in
    view. ``new``: the pages a hold added (links and labels of the others
    were there before, and stay); None: all."""
    report = frame.evaluate(
        _MEASURE, [list(new) if new is not None else None, READABLE_PIXELS, focus]
    )
    return Legibility(
        int(report["count"]),
        list(report["problems"]),
        list(report["crossings"]),
        report["smallest"],
        list(report["outside"]),
    )
