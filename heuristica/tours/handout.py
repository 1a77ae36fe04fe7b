"""A tour as one self-contained HTML file: the interactive graph of its path
and every step, readable offline, with nothing loaded from anywhere.

The graph is the one graph page of ``heuristica/draw/web/`` (``draw.render.graph_document``,
as for the explorer's download), with the tour's header before it and its
steps after. Content is untrusted: Markdown fields become HTML through
``kb.markdown.safe_html`` (one CommonMark parse, every text escaped, web
links only, images as links), one-line strings are HTML-escaped with
bidirectional controls shown, and the graph's data travels as escaped JSON, to
be drawn on a canvas and shown as text.
"""

from __future__ import annotations

import html

from heuristica.draw.drawing import Options
from heuristica.draw.render import graph_document
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import safe_html, safe_html_inline, visible_bidi
from heuristica.kb.model import Question, Tour
from heuristica.kb.text import plain_title
from heuristica.tours.path import tour_drawing

__all__ = ["tour_html"]

_STYLE = """
html, body { height: auto; }
body { max-width: 980px; margin: 0 auto; padding: 24px; line-height: 1.5; overflow-wrap: anywhere; }
header .meta { color: #5c5c5c; }
#explorer { position: relative; height: 520px; }
ol.steps { padding-left: 0; list-style: none; }
ol.steps > li { border-top: 1px solid #e0e0e0; padding: 8px 0 16px; }
.kind { color: #5c5c5c; font-size: 14px; }
blockquote { margin: 8px 0; padding: 4px 12px; border-left: 4px solid #e0e0e0; color: #424242; }
.question { background: #F3E5F5; border-radius: 6px; padding: 8px 14px; }
code, pre { background: #f5f5f5; border-radius: 4px; font-size: 90%; overflow-wrap: anywhere; }
pre { padding: 8px; white-space: pre-wrap; }
@media (max-width: 480px) { body { padding: 16px; } }
"""

_HANDOUT_OPTIONS = Options(open_label="Read this step", open_link="#page-{id}")
"""Opening a page in the hand-out's graph scrolls to its first step."""


def tour_html(tour: Tour, kg: KnowledgeGraph) -> str:
    """The hand-out of ``tour`` as one HTML document."""
    title = _text(tour.title)
    header = (
        f"<header><h1>{title}</h1>"
        f'<p class="meta">{_text(tour.audience)} · about {tour.estimated_minutes}'
        f" minutes · {len(tour.steps)} steps</p></header>"
    )
    first_steps: set[str] = set()
    steps = []
    for index, step in enumerate(tour.steps):
        steps.append(_step_html(tour, index, kg, anchor=step.page not in first_steps))
        first_steps.add(step.page)
    return graph_document(
        tour_drawing(tour, kg, current=0, options=_HANDOUT_OPTIONS),
        title=f"{visible_bidi(tour.title)} · Heuristica tour",
        head=f"<style>{_STYLE}</style>",
        before=header,
        after='<ol class="steps">' + "\n".join(steps) + "</ol>",
    )


def _step_html(tour: Tour, index: int, kg: KnowledgeGraph, *, anchor: bool) -> str:
    step = tour.steps[index]
    page = kg.page(step.page)
    target = f'<span id="page-{html.escape(page.id)}"></span>' if anchor else ""
    parts = [
        f'<li id="step-{index + 1}">{target}',
        f"<h2>Step {index + 1}. {html.escape(plain_title(page.title))}</h2>",
        f'<p class="kind">{page.page_type.label} · <code>{html.escape(page.id)}</code></p>',
        f"<blockquote>{safe_html(page.overview)}</blockquote>",
        f'<div class="note">{safe_html(step.note)}</div>',
    ]
    if step.question is not None:
        parts.append(_question_html(step.question))
    parts.append("</li>")
    return "\n".join(parts)


def _question_html(question: Question) -> str:
    choices = "".join(f"<li>{_text(choice)}</li>" for choice in question.choices)
    return (
        f'<div class="question"><p><strong>Check:</strong> {safe_html_inline(question.prompt)}</p>'
        f"<ul>{choices}</ul>"
        f"<details><summary>Answer</summary><p><strong>{_text(question.answer)}</strong></p>"
        f"{safe_html(question.explanation)}</details></div>"
    )


def _text(text: str) -> str:
    """A one-line string from a page or tour, as HTML text."""
    return html.escape(visible_bidi(text))
