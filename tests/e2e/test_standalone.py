"""The downloadable HTML hand-out draws its graph in a browser with no network."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from heuristica.draw.render import standalone_html
from heuristica.draw.view import build_view
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from tests.e2e.conftest import FIXTURE_KB, RequestLog


def test_standalone_html_draws_the_view_offline(
    page: Page, requests_made: RequestLog, tmp_path: Path
):
    kg = KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)
    view = build_view(kg, "heuristic/polars-use-spawn-not-fork")
    hand_out = tmp_path / "graph.html"
    hand_out.write_text(standalone_html(view, kg), encoding="utf-8")
    page.goto(hand_out.as_uri())
    page.wait_for_function("typeof network !== 'undefined' && network !== null")
    assert set(page.evaluate("network.body.data.nodes.getIds()")) == view.nodes
    assert requests_made.urls == [hand_out.as_uri()]
    assert requests_made.remote == []
    assert page.evaluate("window.__heuristicaXss") is None
