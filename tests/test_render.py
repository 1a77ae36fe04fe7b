"""graph.render: the drawn network and the standalone HTML hand-out."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyvis.network import Network

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import load_knowledge
from heuristica.graph.relations import PageType
from heuristica.graph.render import (
    TYPE_COLOURS,
    VIS_NETWORK_DIR,
    build_network,
    legend,
    standalone_html,
)
from heuristica.graph.view import build_view

REPO = Path(__file__).resolve().parents[1]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
FRONTEND = REPO / "ui" / "graph_component" / "frontend"
FOCUS = "heuristic/polars-use-spawn-not-fork"
MALICIOUS = "principle/malicious-markup"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)


@pytest.fixture(scope="module")
def net(kg: KnowledgeGraph) -> Network:
    return build_network(build_view(kg, FOCUS), kg)


def test_one_node_per_visible_page_in_every_pyvis_structure(kg: KnowledgeGraph, net: Network):
    view = build_view(kg, FOCUS)
    assert net.node_ids == sorted(view.nodes)
    assert [n["id"] for n in net.nodes] == net.node_ids
    assert set(net.node_map) == set(view.nodes)
    assert net.num_nodes() == len(view.nodes)


def test_nodes_are_coloured_by_type(kg: KnowledgeGraph, net: Network):
    groups = net.options["groups"]
    for node in net.nodes:
        page_type = kg.page(node["id"]).page_type
        assert node["group"] == page_type.value
        assert groups[node["group"]]["color"]["background"] == TYPE_COLOURS[page_type]


def test_the_focused_page_stands_out(net: Network):
    focus = net.node_map[FOCUS]
    group = net.options["groups"][focus["group"]]
    assert focus["size"] > group["size"]
    assert focus["borderWidth"] > group["borderWidth"]
    assert focus["color"]["border"] != focus["color"]["background"]
    assert all("size" not in n for n in net.nodes if n["id"] != FOCUS)


def test_edge_tooltips_name_the_relation(kg: KnowledgeGraph, net: Network):
    edge = next(e for e in net.edges if e["from"] == FOCUS and e["to"] == "environment/polars-2")
    assert edge["title"] == "Polars: use spawn, not fork\n— Requires →\nPolars 2"
    builds_on = next(e for e in net.edges if e["relation"] == "builds_on")
    assert "Builds on" in builds_on["title"]


def test_long_titles_are_shortened_in_labels_but_whole_in_tooltips(net: Network):
    node = net.node_map[MALICIOUS]
    assert len(node["label"]) <= 36 and node["label"].endswith("…")
    assert node["title"].startswith('<img src=x onerror="window.parent.__heuristicaXss=1;')


def test_without_positions_vis_lays_out_with_physics(net: Network):
    assert net.options["physics"]["enabled"] is True
    assert "x" not in net.nodes[0]


def test_with_positions_physics_is_off_and_nodes_stay_put(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS)
    positions = {node: (float(i), float(-i)) for i, node in enumerate(sorted(view.nodes))}
    net = build_network(view, kg, positions)
    assert net.options["physics"]["enabled"] is False
    assert all((n["x"], n["y"]) == positions[n["id"]] for n in net.nodes)


def test_building_does_not_use_pyvis_quadratic_add_methods(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("pyvis add_node/add_edge scan a list per call")

    monkeypatch.setattr(Network, "add_node", refuse)
    monkeypatch.setattr(Network, "add_edge", refuse)
    assert build_network(build_view(kg, FOCUS, show_all=True), kg).num_edges() == kg.link_count


def test_legend_names_every_type_with_its_colour():
    assert legend() == [
        ("Principle", "#2196F3"),
        ("Implementation", "#FF9800"),
        ("Heuristic", "#F44336"),
        ("Environment", "#00BCD4"),
    ]
    assert {PageType(label.lower()) for label, _ in legend()} == set(PageType)


@pytest.mark.parametrize("name", ["vis-network.min.js", "vis-network.css"])
def test_the_component_serves_pyvis_own_vis_network(name: str):
    assert (FRONTEND / name).read_bytes() == (VIS_NETWORK_DIR / name).read_bytes()


class _References(HTMLParser):
    """Every URL an HTML document would load: src/href attributes, CSS url() and @import."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in {"src", "href"} and v]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+['\"]([^'\"]+)", data)


@pytest.fixture(scope="module")
def html(kg: KnowledgeGraph) -> str:
    return standalone_html(build_view(kg, FOCUS), kg)


def test_standalone_html_loads_nothing_from_elsewhere(html: str):
    parser = _References()
    parser.feed(html)
    assert parser.urls, "the parser found no references at all: it is not looking"
    remote = [u for u in parser.urls if not u.startswith("data:")]
    assert remote == []
    assert "bootstrap" not in html
    assert "node_modules" not in html


def test_standalone_html_inlines_vis_network_and_keeps_network_global(html: str):
    assert (VIS_NETWORK_DIR / "vis-network.min.js").read_text()[-2000:] in html
    assert "window.network = new vis.Network(" in html


def test_standalone_html_carries_page_text_only_as_escaped_json(html: str):
    assert "<img src=x" not in html
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html)
    assert match is not None
    titles = {node["id"]: node["title"] for node in json.loads(match.group(1))["nodes"]}
    assert titles[MALICIOUS].startswith("<img src=x onerror=")
