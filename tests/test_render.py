"""draw.render: the data graph.js reads, the one template's documents, the
vendored vis-network, and colours that reach WCAG contrast."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pyvis.network import Network

from heuristica.draw import render as render_module
from heuristica.draw.drawing import Drawing, draw
from heuristica.draw.render import (
    EDGE_COLOUR,
    LABEL_COLOUR,
    PATH_COLOUR,
    TYPE_BORDERS,
    TYPE_COLOURS,
    VIS_NETWORK,
    VIS_NETWORK_MANIFEST,
    WEB_DIR,
    drawing_data,
    drawing_json,
    graph_document,
    legend,
    standalone_html,
)
from heuristica.draw.view import build_view, path_edges, view_of
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import PageType

REPO = Path(__file__).resolve().parents[1]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
FOCUS = "heuristic/polars-use-spawn-not-fork"
MALICIOUS = "principle/malicious-markup"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)


@pytest.fixture(scope="module")
def drawing(kg: KnowledgeGraph) -> Drawing:
    return draw(build_view(kg, FOCUS), kg)


@pytest.fixture(scope="module")
def data(drawing: Drawing) -> dict:
    return drawing_data(drawing)


def test_vendored_vis_network_matches_its_manifest():
    manifest = json.loads(VIS_NETWORK_MANIFEST.read_text(encoding="utf-8"))
    code = VIS_NETWORK.read_bytes()
    assert hashlib.sha256(code).hexdigest() == manifest["sha256"]
    assert f"@version {manifest['version']}" in code[:400].decode()
    assert manifest["file"] == VIS_NETWORK.name
    licence = (WEB_DIR / "LICENSE-vis-network.txt").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Apache License" in licence
    assert manifest["version"] in licence


def test_there_is_one_copy_of_vis_network_in_the_project():
    copies = [
        path.relative_to(REPO)
        for path in REPO.rglob("vis-network*.js")
        if not {".git", "node_modules", "out"} & set(path.parts)
    ]
    assert copies == [VIS_NETWORK.resolve().relative_to(REPO)]


def test_the_app_does_not_import_pyvis():
    # pyvis imports IPython (0.25-0.45 s of a server's first run); the physics
    # settings it names are held to its output by the test below
    users = sorted(
        str(path.relative_to(REPO))
        for folder in ("graph", "ui", "pages", "tours", "demos")
        for path in (REPO / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) pyvis", path.read_text(encoding="utf-8"), re.M)
    )
    assert users == []


def test_nodes_travel_as_columns_and_edges_as_node_indexes(drawing: Drawing, data: dict):
    nodes = data["nodes"]
    assert nodes["id"] == [node.id for node in drawing.nodes]
    assert all(len(column) == len(drawing.nodes) for column in (nodes["label"], nodes["title"]))
    edges = data["edges"]
    ends = [
        (nodes["id"][a], nodes["id"][b]) for a, b in zip(edges["from"], edges["to"], strict=True)
    ]
    assert ends == [(e.source, e.target) for e in drawing.edges]
    names = [data["relations"][i]["name"] for i in edges["relation"]]
    assert names == [e.relation for e in drawing.edges]
    assert data["focus"] == FOCUS and data["layout"] == "physics"


def test_types_are_coloured_as_the_legend_says(data: dict):
    assert [(t["label"], t["colour"]) for t in data["types"]] == legend()
    for highlight in ("plain", "lit"):
        for page_type in PageType:
            style = data["styles"]["nodes"][highlight][page_type.value]
            assert style["color"]["background"] == TYPE_COLOURS[page_type]


def test_the_focus_stands_out_and_dimmed_pages_fade(data: dict):
    styles = data["styles"]
    plain, focus = styles["nodes"]["plain"]["heuristic"], styles["focus"]["plain"]["heuristic"]
    assert focus["size"] > plain["size"] and focus["borderWidth"] > plain["borderWidth"]
    assert focus["font"]["size"] > plain["font"]["size"]
    dimmed = styles["nodes"]["dimmed"]["heuristic"]
    assert contrast(dimmed["color"]["background"]) < contrast(plain["color"]["background"])
    assert styles["nodes"]["lit"]["heuristic"]["shadow"]["enabled"] is True


def test_lit_pages_and_a_path_reach_the_browser(kg: KnowledgeGraph):
    steps = kg.shortest_path("environment/linux", "implementation/polars-group-by")
    assert steps is not None
    drawing = draw(view_of(kg, steps[0], steps), kg).with_path(path_edges(kg, steps))
    data = drawing_data(drawing.lit({steps[-1]}))
    assert [data["nodes"]["id"][i] for i in data["nodes"]["lit"]] == [steps[-1]]
    assert len(data["nodes"]["dimmed"]) == len(steps) - 1
    special = {(i, style) for i, style, label in data["edges"]["special"] if label}
    assert {style for _, style in special} == {"path"}
    assert len(special) == len(steps) - 1
    assert data["styles"]["edges"]["path"]["color"]["color"] == PATH_COLOUR


def test_physics_settings_are_what_pyvis_force_atlas_names(data: dict):
    net = Network()
    net.force_atlas_2based(
        gravity=-70,
        central_gravity=0.02,
        spring_length=110,
        spring_strength=0.05,
        damping=0.4,
        overlap=1,
    )
    named = json.loads(net.options.to_json())["physics"]
    physics = data["options"]["physics"]
    assert {k: v for k, v in physics.items() if k != "stabilization"} == {
        k: v for k, v in named.items() if k != "stabilization"
    }
    assert physics["stabilization"] == {"enabled": True, "iterations": 400, "fit": False}
    assert data["options"]["interaction"]["keyboard"] is False


def test_computed_positions_travel_and_switch_the_browser_layout_off(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS)
    positions = {page: (float(i), 2.0 * i) for i, page in enumerate(sorted(view.nodes))}
    data = drawing_data(draw(view, kg, positions))
    assert data["layout"] == "computed"
    assert list(zip(data["nodes"]["x"], data["nodes"]["y"], strict=True)) == [
        positions[page] for page in data["nodes"]["id"]
    ]


def luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio."""
    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_lines_reach_three_to_one_and_labels_four_and_a_half_on_white():
    assert contrast("#9E9E9E") < 3, "the check would pass the grey that failed before"
    assert contrast(EDGE_COLOUR) >= 3
    assert contrast(PATH_COLOUR) >= 3
    assert contrast(LABEL_COLOUR) >= 4.5
    for page_type in PageType:
        assert contrast(TYPE_BORDERS[page_type]) >= 3, page_type


def test_every_drawn_state_keeps_its_contrast_lit_and_dimmed_too(data: dict):
    """Each node's label 4.5:1 and outline 3:1 on white, plain, lit, dimmed
    and in focus; every kind of link 3:1 (WCAG 2.1, 1.4.3 and 1.4.11)."""
    styles = data["styles"]
    for kind in ("nodes", "focus"):
        for highlight, by_type in styles[kind].items():
            for page_type, style in by_type.items():
                where = (kind, highlight, page_type)
                assert contrast(style["font"]["color"]) >= 4.5, where
                assert contrast(style["color"]["border"]) >= 3, where
    edges = styles["edges"]
    for look in ("link", "path", "tour", "dimmed"):
        assert contrast(edges[look]["color"]["color"]) >= 3, look
    assert contrast(data["options"]["edges"]["font"]["color"]) >= 4.5
    for page_type in data["types"]:
        assert contrast(page_type["border"]) >= 3, "the legend's swatch has the outline"


def test_labels_have_a_background_and_none_is_drawn_too_small_to_read(data: dict):
    """A link passing under a label never crosses its text out; vis-network
    draws no label under drawThreshold - 1 px, and a view opens with its
    smallest label at label_pixels."""
    for kind in ("nodes", "edges"):
        options = data["options"][kind]
        red, green, blue, alpha = re.findall(r"[\d.]+", options["font"]["background"])
        assert (red, green, blue) == ("255", "255", "255") and float(alpha) >= 0.85, kind
        assert options["scaling"]["label"] == {"enabled": False, "drawThreshold": 12}, kind
    assert data["label_pixels"] == 12
    assert data["options"]["edges"]["font"]["size"] >= 14, "a relation is a label too"


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


def test_the_component_page_loads_only_files_beside_it():
    parser = _References()
    parser.feed((WEB_DIR / "index.html").read_text(encoding="utf-8"))
    assert sorted(parser.urls) == ["graph.css", "graph.js", "untangle.js", "vis-network.min.js"]
    assert all((WEB_DIR / url).is_file() for url in parser.urls)


def test_the_download_loads_nothing_from_elsewhere(html: str):
    parser = _References()
    parser.feed(html)
    assert all(url.startswith("data:") for url in parser.urls), parser.urls
    assert "<link" not in html


def test_the_download_inlines_vis_network_and_the_graph_scripts(html: str):
    assert VIS_NETWORK.read_text(encoding="utf-8")[-2000:] in html
    assert (WEB_DIR / "graph.js").read_text(encoding="utf-8") in html
    assert (WEB_DIR / "untangle.js").read_text(encoding="utf-8") in html
    assert html.count("<script") == 4
    assert "slot:" not in html


def test_the_download_carries_page_text_only_as_escaped_json(html: str):
    assert "<img src=x" not in html
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html)
    assert match is not None
    data = json.loads(match.group(1))
    titles = dict(zip(data["nodes"]["id"], data["nodes"]["title"], strict=True))
    assert titles[MALICIOUS].startswith("<img src=x onerror=")


def test_a_document_title_is_text(drawing: Drawing):
    document = graph_document(drawing, title="</title><script>alert(1)</script>")
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;</title>" in document


def test_the_json_sent_is_drawing_data_exactly_and_the_whole_graph_s_columns_are_shared(
    kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``drawing_json`` puts the nodes' and edges' JSON, made once per pair of
    tuples, between the few fields made for each drawing: the bytes are
    those of ``drawing_data`` for every kind of drawing, and the whole graph
    drawn around two pages makes its columns once."""
    positions = {page_id: (float(i), 1.5 * i) for i, page_id in enumerate(sorted(kg.nx))}
    around = draw(build_view(kg, FOCUS), kg)
    whole = draw(build_view(kg, FOCUS, show_all=True), kg, positions)
    path = kg.shortest_path(FOCUS, MALICIOUS) or [FOCUS]
    drawings = [
        around,
        around.lit([FOCUS, MALICIOUS]),
        around.with_options(scale=1.3, open_link=None, can_expand=True),
        whole,
        draw(build_view(kg, MALICIOUS, show_all=True), kg, positions),
        draw(view_of(kg, FOCUS, path), kg).with_path(path_edges(kg, path)),
    ]
    for drawn in drawings:
        expected = json.dumps(drawing_data(drawn), ensure_ascii=False, separators=(",", ":"))
        assert drawing_json(drawn) == expected.encode()
    made: list[object] = []
    original = render_module._columns

    def counted(*given: object) -> object:
        made.append(given)
        return original(*given)  # type: ignore[arg-type]

    monkeypatch.setattr(render_module, "_columns", counted)
    fresh = dict(positions)  # another layout: its columns not made yet
    for focus in (FOCUS, MALICIOUS):
        drawing_json(draw(build_view(kg, focus, show_all=True), kg, fresh))
    assert len(made) == 1
