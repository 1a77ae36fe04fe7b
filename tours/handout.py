"""A tour as one self-contained HTML file: the interactive graph of its path
and every step, readable offline, with nothing loaded from anywhere.

vis-network (JS and CSS) is inlined from the build pyvis ships. Content is
untrusted: Markdown fields become HTML through ``graph.markdown.safe_html``
(one CommonMark parse, every text escaped, web links only, images as links),
one-line strings are HTML-escaped, and the graph's data travels as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, to be
drawn on a canvas and shown in tooltips as text.
"""

from __future__ import annotations

import html

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.markdown import safe_html, safe_html_inline, visible_bidi
from heuristica.graph.model import Question, Tour
from heuristica.graph.render import json_for_html, legend, vis_network_css, vis_network_js
from heuristica.tours.path import PATH_COLOUR, tour_network

__all__ = ["tour_html"]

_STYLE = """
body { font-family: "Source Sans Pro", Helvetica, Arial, sans-serif; color: #212121;
       max-width: 980px; margin: 0 auto; padding: 24px; line-height: 1.5; }
header .meta { color: #616161; }
#graph-box { position: relative; height: 520px; border: 1px solid #e0e0e0; border-radius: 8px; }
#graph { position: absolute; inset: 0; }
#legend { position: absolute; top: 8px; left: 8px; padding: 6px 10px; font-size: 13px;
          background: rgba(255, 255, 255, 0.92); border: 1px solid #e0e0e0; border-radius: 6px; }
#legend span.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%;
                      margin-right: 6px; vertical-align: middle; }
#legend span.path { border-radius: 0; height: 3px; width: 18px; }
ol.steps { padding-left: 0; list-style: none; }
ol.steps > li { border-top: 1px solid #e0e0e0; padding: 8px 0 16px; }
.kind { color: #616161; font-size: 14px; }
blockquote { margin: 8px 0; padding: 4px 12px; border-left: 4px solid #e0e0e0; color: #424242; }
.question { background: #F3E5F5; border-radius: 6px; padding: 8px 14px; }
code, pre { background: #f5f5f5; border-radius: 4px; font-size: 90%; }
pre { padding: 8px; overflow-x: auto; }
div.vis-tooltip { white-space: pre-wrap; max-width: 340px; }
"""

_SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById("tour-graph").textContent);
  const container = document.getElementById("graph");
  window.network = new vis.Network(
    container,
    { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) },
    data.options,
  );
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    network.fit();
  });
  network.on("doubleClick", function (params) {
    const step = params.nodes.length && data.steps[params.nodes[0]];
    if (step) document.getElementById("step-" + step).scrollIntoView();
  });
})();
"""


def tour_html(tour: Tour, kg: KnowledgeGraph) -> str:
    """The hand-out of ``tour`` as one HTML document."""
    net = tour_network(tour, kg, current=0)
    first_step: dict[str, int] = {}
    for number, step in enumerate(tour.steps, start=1):
        first_step.setdefault(step.page, number)
    graph = {"nodes": net.nodes, "edges": net.edges, "options": net.options, "steps": first_step}
    title = _text(tour.title)
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{title} · Heuristica tour</title>",
            f"<style>{vis_network_css()}</style>",
            f"<style>{_STYLE}</style>",
            "</head>",
            "<body>",
            f"<header><h1>{title}</h1>",
            f'<p class="meta">{_text(tour.audience)} · about {tour.estimated_minutes}'
            f" minutes · {len(tour.steps)} steps</p></header>",
            '<section id="graph-box" aria-label="The tour\'s path through the knowledge graph">',
            '<div id="graph"></div>',
            _legend_html(),
            "</section>",
            '<ol class="steps">',
            *(_step_html(tour, index, kg) for index in range(len(tour.steps))),
            "</ol>",
            f"<script>{vis_network_js()}</script>",
            f'<script type="application/json" id="tour-graph">{json_for_html(graph)}</script>',
            f"<script>{_SCRIPT}</script>",
            "</body>",
            "</html>",
        ]
    )


def _step_html(tour: Tour, index: int, kg: KnowledgeGraph) -> str:
    step = tour.steps[index]
    page = kg.page(step.page)
    parts = [
        f'<li id="step-{index + 1}">',
        f"<h2>Step {index + 1}. {_text(page.title)}</h2>",
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


def _legend_html() -> str:
    entries = [
        f'<div><span class="swatch" style="background:{colour}"></span>{html.escape(label)}</div>'
        for label, colour in legend()
    ]
    entries.append(
        f'<div><span class="swatch path" style="background:{PATH_COLOUR}"></span>'
        "Tour path (double-click a page to read its step)</div>"
    )
    return f'<div id="legend">{"".join(entries)}</div>'


def _text(text: str) -> str:
    """A one-line string from a page or tour, as HTML text."""
    return html.escape(visible_bidi(text))
