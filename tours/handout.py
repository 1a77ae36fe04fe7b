"""A tour as one self-contained HTML file: the interactive graph of its path
and every step, readable offline, with nothing loaded from anywhere.

The graph is the one graph page of ``graph/web/`` (``graph.render.graph_document``,
as for the explorer's download), with the tour's header before it and its
steps after. Content is untrusted: every piece of tour and page text is
HTML-escaped before the few Markdown forms a note uses (paragraphs, lists,
code, emphasis, http(s) links) become tags, and the graph's data travels as
escaped JSON, to be drawn on a canvas and shown as text.
"""

from __future__ import annotations

import html
import re

from heuristica.graph.drawing import Options
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.model import Question, Tour
from heuristica.graph.render import graph_document
from heuristica.tours.path import tour_drawing

__all__ = ["markdown_html", "tour_html"]

_FENCE = re.compile(r"^ {0,3}(```|~~~)[^\n]*\n(.*?)^ {0,3}\1[ \t]*$", re.MULTILINE | re.DOTALL)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_CODE_SPAN = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"
)
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^\s)]+)\)")
_PLACEHOLDER = "\x00{}\x00"

_STYLE = """
html, body { height: auto; }
body { max-width: 980px; margin: 0 auto; padding: 24px; line-height: 1.5; }
header .meta { color: #5c5c5c; }
#explorer { position: relative; height: 520px; }
ol.steps { padding-left: 0; list-style: none; }
ol.steps > li { border-top: 1px solid #e0e0e0; padding: 8px 0 16px; }
.kind { color: #5c5c5c; font-size: 14px; }
blockquote { margin: 8px 0; padding: 4px 12px; border-left: 4px solid #e0e0e0; color: #424242; }
.question { background: #F3E5F5; border-radius: 6px; padding: 8px 14px; }
code, pre { background: #f5f5f5; border-radius: 4px; font-size: 90%; }
pre { padding: 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
"""

_HANDOUT_OPTIONS = Options(open_label="Read this step", open_link="#page-{id}")
"""Opening a page in the hand-out's graph scrolls to its first step."""


def tour_html(tour: Tour, kg: KnowledgeGraph) -> str:
    """The hand-out of ``tour`` as one HTML document."""
    title = html.escape(tour.title)
    header = (
        f"<header><h1>{title}</h1>"
        f'<p class="meta">{html.escape(tour.audience)} · about {tour.estimated_minutes}'
        f" minutes · {len(tour.steps)} steps</p></header>"
    )
    first_steps: set[str] = set()
    steps = []
    for index, step in enumerate(tour.steps):
        steps.append(_step_html(tour, index, kg, anchor=step.page not in first_steps))
        first_steps.add(step.page)
    return graph_document(
        tour_drawing(tour, kg, current=0, options=_HANDOUT_OPTIONS),
        title=f"{tour.title} · Heuristica tour",
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
        f"<h2>Step {index + 1}. {html.escape(page.title)}</h2>",
        f'<p class="kind">{page.page_type.label} · <code>{html.escape(page.id)}</code></p>',
        f"<blockquote>{markdown_html(page.overview)}</blockquote>",
        f'<div class="note">{markdown_html(step.note)}</div>',
    ]
    if step.question is not None:
        parts.append(_question_html(step.question))
    parts.append("</li>")
    return "\n".join(parts)


def _question_html(question: Question) -> str:
    choices = "".join(f"<li>{_inline(choice)}</li>" for choice in question.choices)
    return (
        f'<div class="question"><p><strong>Check:</strong> {_inline(question.prompt)}</p>'
        f"<ul>{choices}</ul>"
        f"<details><summary>Answer</summary><p><strong>{_inline(question.answer)}</strong></p>"
        f"{markdown_html(question.explanation)}</details></div>"
    )


def markdown_html(text: str) -> str:
    """HTML for the Markdown a note uses: fenced code, paragraphs, lists, code
    spans, strong and emphasis, http(s) links. Everything else shows as text:
    the input is escaped before any tag is made."""
    out: list[str] = []
    position = 0
    for fence in _FENCE.finditer(text):
        out.append(_blocks(text[position : fence.start()]))
        out.append(f"<pre><code>{html.escape(fence[2])}</code></pre>")
        position = fence.end()
    out.append(_blocks(text[position:]))
    return "".join(out)


def _blocks(text: str) -> str:
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.splitlines()
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) or line.startswith((" ", "\t")) for line in lines) and (
            _LIST_ITEM.match(lines[0])
        ):
            tag = "ol" if re.match(r"\s*\d", lines[0]) else "ul"
            items = _list_items(lines)
            out.append(f"<{tag}>{''.join(f'<li>{_inline(i)}</li>' for i in items)}</{tag}>")
        else:
            out.append(f"<p>{_inline(block)}</p>")
    return "".join(out)


def _list_items(lines: list[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        if _LIST_ITEM.match(line):
            items.append(_LIST_ITEM.sub("", line, count=1))
        else:
            items[-1] += " " + line.strip()
    return items


def _inline(text: str) -> str:
    """One run of text: escaped, then code spans, links, strong, emphasis."""
    spans: list[str] = []

    def keep(markup: str) -> str:
        spans.append(markup)
        return _PLACEHOLDER.format(len(spans) - 1)

    escaped = html.escape(" ".join(text.replace("\x00", "").split()), quote=True)
    escaped = _CODE_SPAN.sub(lambda m: keep(f"<code>{m[1]}</code>"), escaped)
    escaped = _LINK.sub(lambda m: keep(f'<a href="{m[2]}" rel="noopener">{m[1]}</a>'), escaped)
    escaped = _STRONG.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", escaped)
    escaped = _EMPHASIS.sub(lambda m: f"<em>{m[1] or m[2]}</em>", escaped)
    while "\x00" in escaped:
        escaped = re.sub("\x00(\\d+)\x00", lambda m: spans[int(m[1])], escaped)
    return escaped
