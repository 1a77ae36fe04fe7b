"""A ``Diff`` as one self-contained HTML file: the changed pages drawn with
their neighbourhood through the one graph template (``graph.render``), then
the same lists as the other formats.

Pages added, removed and changed, and links added and removed, each have
their own look and a legend entry (``graph.render.DIFF_COLOURS``); the
unchanged neighbours are drawn plain around them. A removed page is drawn as
it was at the base, every other page as it is at the head. Page text reaches
the document only HTML-escaped, or as JSON the template draws as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import replace

from heuristica.draw.drawing import Drawing, EdgeStyle, Highlight, Position, draw
from heuristica.draw.render import graph_document
from heuristica.draw.view import Edge, View
from heuristica.extras import missing
from heuristica.history.compare import Diff
from heuristica.history.formats import sections, summary_line
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import visible_bidi
from heuristica.kb.model import Page

__all__ = ["MAX_DRAWN", "diff_drawing", "diff_graph_html", "diff_html"]

MAX_DRAWN = 600
"""Pages drawn at most: past it the neighbours are left out, then changed pages
(the lists below the drawing still name every one)."""
_LAID_OUT = 150
"""From this many pages on, positions are computed here: the browser's physics
would take long to settle."""

_STYLE = """
html, body { height: auto; }
body { max-width: 1100px; margin: 0 auto; padding: 24px; line-height: 1.5; }
header h1 { font-size: 26px; margin: 0 0 6px; }
header p { margin: 4px 0; overflow-wrap: anywhere; }
header .summary { font-weight: 600; }
header .meta { color: #5c5c5c; }
#explorer { position: relative; height: 620px; }
section.changes h2 { font-size: 18px; margin: 20px 0 6px; }
section.changes ul { list-style: none; padding-left: 0; margin: 0; }
section.changes li { padding: 2px 0; overflow-wrap: anywhere; }
.sign { display: inline-block; width: 1.4em; font-weight: 700; }
.sign-plus { color: #1b7f3b; }
.sign-minus { color: #c62828; }
.sign-tilde { color: #7b4bb7; }
.sign-bang { color: #b71c1c; }
code { background: #f5f5f5; border-radius: 4px; font-size: 90%; padding: 0 3px; }
"""
_SIGN_CLASSES = {"+": "plus", "-": "minus", "~": "tilde", "!": "bang"}


def _pages_drawn(diff: Diff) -> dict[str, Page]:
    """Every page at the head, and the pages the change removes as they were."""
    gone = {c.id for c in diff.pages_removed}
    return {**{i: diff.base.pages[i] for i in gone}, **diff.head.pages}


def _marks(diff: Diff) -> dict[str, tuple[Highlight, str]]:
    marks = {c.id: (Highlight.ADDED, "Added") for c in diff.pages_added}
    marks |= {c.id: (Highlight.REMOVED, "Removed") for c in diff.pages_removed}
    marks |= {
        c.id: (Highlight.CHANGED, "Changed: " + ", ".join(c.fields)) for c in diff.pages_changed
    }
    marks |= {r.new: (Highlight.CHANGED, f"Renamed from {r.old}") for r in diff.pages_renamed}
    return marks


def _edges(diff: Diff, pages: Mapping[str, Page]) -> dict[tuple[str, str, str], EdgeStyle]:
    """Every link at the head, and the links removed, with how each is drawn."""
    edges = {
        (page.id, link.to, link.relation): EdgeStyle.LINK
        for page in diff.head.pages.values()
        for link in page.links
    }
    edges |= {(c.source, c.target, c.relation): EdgeStyle.ADDED for c in diff.links_added}
    edges |= {
        (c.source, c.target, c.relation): EdgeStyle.REMOVED
        for c in diff.links_removed
        if c.source in pages and c.target in pages
    }
    return edges


def _positions(drawn: list[str], links: list[tuple[str, str]]) -> dict[str, Position] | None:
    """Positions laid out here for a large drawing, else None (the browser's
    physics settles it). The layout needs numpy, which the core install (the
    command line, as the review workflow installs it) does not have: there a
    large drawing settles in the browser too, only slower."""
    if len(drawn) < _LAID_OUT or missing("numpy"):
        return None
    from heuristica.draw.layout import spread_layout

    return spread_layout(drawn, links)


def diff_drawing(diff: Diff) -> Drawing:
    """The changed pages and links, with the pages next to them for context."""
    pages = _pages_drawn(diff)
    marks = _marks(diff)
    edges = _edges(diff, pages)
    changed_links = [key for key, style in edges.items() if style is not EdgeStyle.LINK]
    centre = list(dict.fromkeys([*marks, *(p for s, t, _ in changed_links for p in (s, t))]))
    centre = [page_id for page_id in centre if page_id in pages][:MAX_DRAWN]
    middle = set(centre)
    drawn = set(centre)
    for source, target, _ in edges:
        if len(drawn) >= MAX_DRAWN:
            break
        if source in middle or target in middle:
            drawn |= {source, target}
    shown = {key: style for key, style in edges.items() if key[0] in drawn and key[1] in drawn}
    view = View(
        focus="",
        nodes=frozenset(drawn),
        edges=tuple(Edge(s, t, r) for s, t, r in sorted(shown)),
    )
    positions = _positions(sorted(drawn), [(s, t) for s, t, _ in shown])
    drawing = draw(view, KnowledgeGraph({i: pages[i] for i in drawn}), positions)
    return replace(
        drawing,
        nodes=tuple(
            replace(node, highlight=marks[node.id][0], note=marks[node.id][1])
            if node.id in marks
            else node
            for node in drawing.nodes
        ),
        edges=tuple(
            replace(edge, style=shown[(edge.source, edge.target, edge.relation)])
            for edge in drawing.edges
        ),
    )


def _text(value: str) -> str:
    return html.escape(visible_bidi(value))


def _lists(diff: Diff) -> str:
    parts = ['<section class="changes">']
    for section in sections(diff):
        parts.append(f"<h2>{html.escape(section.title)} ({len(section.items)})</h2><ul>")
        for item in section.items:
            sign = f'<span class="sign sign-{_SIGN_CLASSES[item.sign]}">{item.sign}</span>'
            text = f" {_text(item.text)}" if item.text else ""
            parts.append(f"<li>{sign}<code>{_text(item.code)}</code>{text}</li>")
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def diff_html(diff: Diff) -> str:
    """The whole diff as one HTML document that works offline."""
    drawing = diff_drawing(diff)
    sides = f"From {diff.base.label} to {diff.head.label}."
    left_out = len(_marks(diff).keys() - {node.id for node in drawing.nodes})
    note = (
        f'<p class="meta">The drawing shows at most {MAX_DRAWN} pages: '
        f"{left_out} changed pages are only in the lists below.</p>"
        if left_out
        else ""
    )
    header = (
        f"<header><h1>Knowledge changes</h1><p>{_text(sides)}</p>"
        f'<p class="summary">{_text(summary_line(diff))}</p>{note}</header>'
    )
    hidden = "" if drawing.nodes else "#explorer { display: none; }"
    return graph_document(
        drawing,
        title="Knowledge changes · Heuristica",
        head=f"<style>{_STYLE}{hidden}</style>",
        before=header,
        after=_lists(diff),
    )


def diff_graph_html(diff: Diff) -> str:
    """The drawing alone, as one HTML document (the app's What changed screen
    lists the changes itself)."""
    return graph_document(
        diff_drawing(diff), title="Knowledge changes · Heuristica", head=_FRAME_STYLE
    )


_FRAME_STYLE = "<style>#explorer { height: 560px; }</style>"
