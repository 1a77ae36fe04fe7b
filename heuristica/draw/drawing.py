"""What a picture of the graph shows, as one frozen value built in one place.

``draw(view, kg)`` turns a View into a ``Drawing``: one ``DrawnNode`` per
visible page (label wrapped at word boundaries, the whole title, type,
domains, a plain-text summary for the preview card, a position when one was
computed, and how it is highlighted) and one ``DrawnEdge`` per link.
``Drawing.lit`` lights search hits and dims every other page;
``Drawing.with_path`` draws the links of a path emphasised, each labelled
with its relation. ``draw.render`` turns a Drawing into the live explorer,
the explorer's download and the tour hand-out: nothing else decides what a
node says.
"""

from __future__ import annotations

import re
import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, TypeVar

from heuristica.draw.view import Edge, View, every_link
from heuristica.kb.identity_cache import IdentityCache
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import visible_bidi
from heuristica.kb.model import Page
from heuristica.kb.relations import RELATIONS, PageType
from heuristica.kb.text import plain_title

__all__ = [
    "LABEL_LINES",
    "LABEL_LINE_CHARS",
    "SUMMARY_CHARS",
    "Drawing",
    "DrawnEdge",
    "DrawnNode",
    "EdgeStyle",
    "Highlight",
    "Options",
    "Position",
    "draw",
    "plain_summary",
    "prepare_whole_drawing",
    "prepare_whole_nodes",
    "wrap_label",
]

Position = tuple[float, float]
T = TypeVar("T")

LABEL_LINE_CHARS = 20
LABEL_LINES = 3
SUMMARY_CHARS = 220
_LARGE_SUMMARY_CHARS = 90
_LARGE = 500
"""From this many pages on, summaries are shorter so the drawing stays small."""

_BREAK_AFTER = (re.compile(r"(?<=[./(,=:])"), re.compile(r"(?<=_)"))
"""Where a word longer than a line may be broken, best first: after a dot,
slash, bracket, comma, equals sign or colon; else after an underscore."""
_MARKDOWN_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS = re.compile(r"`+|\*+|^ {0,3}(?:#+|>)\s*", re.MULTILINE)
"""Code and emphasis marks, heading and quote markers (``_`` stays: identifiers use it)."""
_MARKS = ("`", "*", "#", ">")
"""What ``_MARKDOWN_MARKS`` can match: text without any of them is left as it is."""


class Highlight(StrEnum):
    """How a page stands out from the others."""

    PLAIN = "plain"
    LIT = "lit"
    """A search hit (or a page on a path): stands out."""
    DIMMED = "dimmed"
    """Not a hit, or a tour step not reached yet: fades back."""
    ADDED = "added"
    """In a drawn diff: a page the change adds."""
    REMOVED = "removed"
    """In a drawn diff: a page the change removes."""
    CHANGED = "changed"
    """In a drawn diff: a page the change edits or renames."""


class EdgeStyle(StrEnum):
    LINK = "link"
    """A knowledge link."""
    PATH = "path"
    """A knowledge link on a path being shown: emphasised, its relation written on it."""
    TOUR = "tour"
    """The tour's own arrow from one step to the next (not a knowledge link)."""
    ADDED = "added_link"
    """In a drawn diff: a link the change adds."""
    REMOVED = "removed_link"
    """In a drawn diff: a link the change removes."""


@dataclass(frozen=True)
class DrawnNode:
    """One page as drawn."""

    id: str
    label: str
    """What is written under the node: the title wrapped at word boundaries
    ("\\n" between lines), cut with "…" after LABEL_LINES lines."""
    title: str
    """The whole page title (tooltip and preview card)."""
    page_type: PageType
    domains: tuple[str, ...]
    summary: str
    """The overview as plain text, shortened (tooltip and preview card)."""
    position: Position | None = None
    highlight: Highlight = Highlight.PLAIN
    expanded: bool = False
    """Its links are shown because the reader asked (the card offers to hide them)."""
    note: str = ""
    """A line shown above the title in the tooltip and card, e.g. "Step 2"."""


@dataclass(frozen=True)
class DrawnEdge:
    """One link as drawn, from the page it is written on to its target."""

    source: str
    target: str
    relation: str
    """A relation name from ``kb.relations``, or "tour_step"."""
    style: EdgeStyle = EdgeStyle.LINK
    label: str = ""
    """Written on the edge ("" for none)."""


@dataclass(frozen=True)
class Options:
    """How a drawing behaves, beyond what it shows."""

    scale: float = 1.0
    """Labels and nodes this many times larger (a projector wants about 1.3)."""
    open_label: str = "Open this page"
    """The preview card's button for opening a page."""
    open_link: str | None = None
    """Where opening a page goes, with ``{id}`` standing for its id (URL-quoted):
    "./?node={id}" in the app, "#page-{id}" in a hand-out; None: no link."""
    can_expand: bool = False
    """The preview card offers to show or hide a page's links (the live explorer)."""


@dataclass(frozen=True)
class Drawing:
    """Everything a picture of the graph shows, and nothing about how it is drawn."""

    nodes: tuple[DrawnNode, ...]
    edges: tuple[DrawnEdge, ...]
    focus: str | None
    """The page being read (drawn larger), if it is in the picture."""
    options: Options = Options()

    @property
    def positioned(self) -> bool:
        """Every node has a computed position: the browser runs no layout."""
        return bool(self.nodes) and all(node.position is not None for node in self.nodes)

    @property
    def large(self) -> bool:
        return len(self.nodes) >= _LARGE

    def lit(self, page_ids: Collection[str]) -> Drawing:
        """Search hits lit and every other page dimmed. Ids not drawn are ignored."""
        wanted = frozenset(page_ids)
        return replace(
            self,
            nodes=tuple(
                replace(n, highlight=Highlight.LIT if n.id in wanted else Highlight.DIMMED)
                for n in self.nodes
            ),
        )

    def with_path(self, path: Sequence[Edge]) -> Drawing:
        """The links of ``path`` emphasised and labelled with their relation.

        ValueError naming the first link of ``path`` that is not drawn.
        """
        wanted = {(e.source, e.target, e.relation) for e in path}
        drawn = {(e.source, e.target, e.relation) for e in self.edges}
        missing = [e for e in path if (e.source, e.target, e.relation) not in drawn]
        if missing:
            first = missing[0]
            raise ValueError(
                f"the path's link {first.source} -{first.relation}-> {first.target} "
                "is not in this drawing"
            )
        return replace(
            self,
            edges=tuple(
                replace(e, style=EdgeStyle.PATH, label=RELATIONS[e.relation].label)
                if (e.source, e.target, e.relation) in wanted
                else e
                for e in self.edges
            ),
        )

    def with_options(self, **changes: Any) -> Drawing:
        """The same drawing with some ``Options`` fields changed."""
        return replace(self, options=replace(self.options, **changes))


def draw(
    view: View,
    kg: KnowledgeGraph,
    positions: Mapping[str, Position] | None = None,
    *,
    expanded: Iterable[str] = (),
    options: Options = Options(),
) -> Drawing:
    """The drawing of ``view``: nodes sorted by id, edges in the view's order.

    ``positions`` (page id -> x, y) places the nodes; pages missing from it
    are left for the browser to lay out. ``expanded`` pages are marked so.
    """
    opened = frozenset(expanded)
    whole = len(view.nodes) == len(kg) and all(page_id in kg for page_id in view.nodes)
    if positions is not None and whole:
        nodes = _whole_nodes(kg, positions)  # made once per graph and layout
    else:
        nodes = _nodes(kg, sorted(view.nodes), positions or {}, _summary_chars(len(view.nodes)))
    if opened:
        nodes = tuple(replace(n, expanded=True) if n.id in opened else n for n in nodes)
    edges = _drawn_edges(view.edges)
    focus = view.focus if view.focus in view.nodes else None
    return Drawing(nodes, edges, focus, options)


def _nodes(
    kg: KnowledgeGraph,
    page_ids: Iterable[str],
    placed: Mapping[str, Position],
    summary_chars: int,
) -> tuple[DrawnNode, ...]:
    nodes = []
    for page_id in _yielding(page_ids):
        page = kg.page(page_id)
        label, title, summary = _texts(page, summary_chars)
        nodes.append(
            DrawnNode(
                id=page_id,
                label=label,
                title=title,
                page_type=page.page_type,
                domains=tuple(page.domains),
                summary=summary,
                position=placed.get(page_id),
            )
        )
    return tuple(nodes)


_WHOLE_NODES: IdentityCache[tuple[DrawnNode, ...]] = IdentityCache(2)
"""Per graph and layout (by identity): every page's node, sorted by id."""


def _whole_nodes(kg: KnowledgeGraph, positions: Mapping[str, Position]) -> tuple[DrawnNode, ...]:
    return _WHOLE_NODES.get(
        (kg, positions),
        None,
        lambda: _nodes(kg, sorted(kg.nx), positions, _summary_chars(len(kg))),
    )


def prepare_whole_nodes(
    kg: KnowledgeGraph, positions: Mapping[str, Position]
) -> tuple[tuple[DrawnNode, ...], tuple[DrawnEdge, ...]]:
    """Make now the nodes of every page of ``kg`` drawn at ``positions`` (the
    same mapping object ``draw`` will be given), so that drawing the whole
    graph takes no more than putting them in a Drawing; with its links, the
    nodes and edges every drawing of the whole graph holds."""
    return _whole_nodes(kg, positions), _drawn_edges(every_link(kg))


def prepare_whole_drawing(kg: KnowledgeGraph) -> None:
    """Make now what drawing every page of ``kg`` will need (each page's
    label, title and summary, and every link), so the first drawing of the
    whole graph is as quick as the next."""
    summary_chars = _summary_chars(len(kg))
    for page in _yielding(kg.pages):
        _texts(page, summary_chars)
    _drawn_edges(every_link(kg))


_EDGE_CACHE: IdentityCache[tuple[DrawnEdge, ...]] = IdentityCache(4)
"""The drawn links of a view's links (by identity: the whole graph's views
share one tuple, ``draw.view.every_link``)."""


def _drawn_edges(edges: tuple[Edge, ...]) -> tuple[DrawnEdge, ...]:
    return _EDGE_CACHE.get(
        (edges,),
        None,
        lambda: tuple(DrawnEdge(e.source, e.target, e.relation) for e in _yielding(edges)),
    )


def _yielding(items: Iterable[T], every: int = 256) -> Iterator[T]:
    """``items``, letting another thread of this process run after every
    ``every`` of them: the whole graph's drawing is made in the background
    (``live.whole_layout``) while the server answers a browser that is
    loading, and a thread that keeps the interpreter to itself makes every
    other wait up to the switch interval (5 ms) each time it wants it."""
    for count, item in enumerate(items, 1):
        if not count % every:
            time.sleep(0)
        yield item


def _summary_chars(pages: int) -> int:
    return _LARGE_SUMMARY_CHARS if pages >= _LARGE else SUMMARY_CHARS


_TEXT_CACHE: IdentityCache[tuple[str, str, str]] = IdentityCache(100_000)
"""Per page (by identity: a page edited is another object) and summary
length: its label, title and summary. Wrapping and cleaning them is most of
drawing 10,000 pages (0.15 of 0.22 s)."""


def _texts(page: Page, summary_chars: int) -> tuple[str, str, str]:
    """The page's drawn label, title and summary."""

    def make() -> tuple[str, str, str]:
        title = plain_title(page.title)
        summary = plain_summary(visible_bidi(page.overview), summary_chars)
        return wrap_label(title), title, summary

    return _TEXT_CACHE.get((page,), summary_chars, make)


def wrap_label(title: str, width: int = LABEL_LINE_CHARS, lines: int = LABEL_LINES) -> str:
    """``title`` in lines of at most ``width`` characters, broken between words
    (a word longer than a line is broken after ``.``, ``/``, ``(``, ``,``, ``=``
    or ``:``, else after ``_``, and only as a last resort anywhere); after ``lines`` lines
    the rest is cut at a word and marked "…"."""
    out: list[str] = []
    for glue, piece in _pieces(title, width):
        if out and len(out[-1]) + len(glue) + len(piece) <= width:
            out[-1] += glue + piece
        else:
            out.append(piece)
    if len(out) > lines:
        out = [*out[: lines - 1], _ellipsis(out[lines - 1], width)]
    return "\n".join(out)


def _pieces(title: str, width: int) -> list[tuple[str, str]]:
    """(glue, text): the words of ``title``, long words split; glue is " "
    before a new word and "" before the rest of a split one."""
    pieces: list[tuple[str, str]] = []
    for word in title.split():
        parts = _split_word(word, width)
        pieces.append((" ", parts[0]))
        pieces.extend(("", part) for part in parts[1:])
    return pieces


def _split_word(word: str, width: int, tier: int = 0) -> list[str]:
    if len(word) <= width:
        return [word]
    if tier == len(_BREAK_AFTER):
        return [word[i : i + width] for i in range(0, len(word), width)]
    parts: list[str] = []
    for part in (p for p in _BREAK_AFTER[tier].split(word) if p):
        if parts and len(parts[-1]) + len(part) <= width:
            parts[-1] += part
        else:
            parts.extend(_split_word(part, width, tier + 1))
    return parts


def _ellipsis(line: str, width: int) -> str:
    while len(line) + 1 > width and " " in line:
        line = line.rsplit(" ", 1)[0]
    return line[: width - 1].rstrip(" ,.:;-—") + "…"


def plain_summary(markdown: str, limit: int = SUMMARY_CHARS) -> str:
    """Markdown as one line of plain text (link text kept, marks dropped),
    cut at a word with "…" past ``limit`` characters."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown) if "](" in markdown else markdown
    if any(mark in text for mark in _MARKS):
        text = _MARKDOWN_MARKS.sub("", text)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,.:;-—") + "…"
