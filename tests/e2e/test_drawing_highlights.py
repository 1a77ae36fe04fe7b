"""Search hits lit and a path drawn (for issue 11), as the browser draws them:
a drawing with both, opened as a document made from the one graph page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from heuristica.draw.drawing import draw
from heuristica.draw.render import LEGEND_TEXT, PATH_COLOUR, graph_document
from heuristica.draw.view import build_view, path_edges
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import RELATIONS
from tests.e2e.conftest import FIXTURE_KB, RequestLog

START = "environment/linux"
END = "implementation/polars-group-by"


def test_hits_are_lit_the_rest_dimmed_and_the_path_names_its_relations(
    page: Page, requests_made: RequestLog, tmp_path: Path
):
    kg = KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)
    steps = kg.shortest_path(START, END)
    assert steps is not None and len(steps) >= 3
    path = path_edges(kg, steps)
    view = build_view(kg, START, show_all=True)
    assert set(steps) <= view.nodes
    drawing = draw(view, kg).with_path(path).lit({START, END})
    document = tmp_path / "path.html"
    document.write_text(graph_document(drawing, title="A path"), encoding="utf-8")

    page.goto(document.as_uri())
    page.wait_for_selector('body[data-ready="1"]')
    nodes = page.evaluate(
        """() => Object.fromEntries(Object.entries(network.body.nodes)
            .filter(([id]) => !id.startsWith("edgeId:"))
            .map(([id, n]) => [id, {shadow: n.options.shadow.enabled,
                                    fill: n.options.color.background,
                                    text: n.options.font.color}]))"""
    )
    assert {page_id for page_id, n in nodes.items() if n["shadow"]} == {START, END}
    others = [n for page_id, n in nodes.items() if page_id not in {START, END}]
    assert others and all(n["text"] == "#767676" for n in others)
    edges = page.evaluate(
        """() => network.body.data.edges.get().map(e => ({
            from: e.from, to: e.to, label: e.label, width: e.width, colour: e.color.color}))"""
    )
    labelled = {(e["from"], e["to"]): e for e in edges if e["label"]}
    assert set(labelled) == {(e.source, e.target) for e in path}
    for edge in path:
        drawn = labelled[(edge.source, edge.target)]
        assert drawn["label"] == RELATIONS[edge.relation].label
        assert drawn["colour"] == PATH_COLOUR and drawn["width"] > 2
    legend = page.locator("#legend")
    expect(legend).to_contain_text(LEGEND_TEXT["lit"])
    expect(legend).to_contain_text(LEGEND_TEXT["path"])
    assert requests_made.urls == [document.as_uri()]
