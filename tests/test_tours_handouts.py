"""Hand-outs of a tour (Markdown, offline HTML) and the tour's path graph,
built from the explorer's test knowledge base and its hostile tour."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import load_knowledge
from heuristica.graph.markdown import safe_html
from heuristica.graph.model import Tour
from heuristica.graph.relations import PageType
from heuristica.graph.render import TYPE_COLOURS
from heuristica.tours.handout import tour_html
from heuristica.tours.markdown import tour_markdown
from heuristica.tours.path import PATH_COLOUR, for_projector, tour_network
from tests.markup import SCRIPT_LINKS, html_targets, is_web, markdown_targets

FIXTURE_KB = Path(__file__).parent / "fixtures" / "explorer_kb"
HOSTILE_STEP = 4


@pytest.fixture(scope="module")
def base() -> tuple[Tour, KnowledgeGraph]:
    result = load_knowledge(FIXTURE_KB)
    assert result.problems == []
    return result.tours["first-steps"], KnowledgeGraph(result.pages)


def test_the_path_numbers_each_page_by_step_and_joins_the_steps(base):
    tour, kg = base
    net = tour_network(tour, kg, current=1, visited={0, 1})
    labels = {node["id"]: node["label"] for node in net.nodes}
    assert labels["heuristic/polars-use-spawn-not-fork"] == "✓ 1 · Polars: use spawn, not fork"
    assert labels["principle/process-start-methods"] == "2 · Process start methods"
    path = [(e["from"], e["to"]) for e in net.edges if e["relation"] == "tour_path"]
    pages = [step.page for step in tour.steps]
    assert path == list(pairwise(pages))
    assert all(
        e["color"]["color"] == PATH_COLOUR for e in net.edges if e["relation"] == "tour_path"
    )


def test_the_current_step_is_the_focus_and_steps_not_reached_are_faded(base):
    tour, kg = base
    net = tour_network(tour, kg, current=1, visited={0, 1})
    nodes = {node["id"]: node for node in net.nodes}
    assert nodes["principle/process-start-methods"]["size"] > 20
    later = nodes["implementation/multiprocessing-get-context"]
    vivid = TYPE_COLOURS[PageType.IMPLEMENTATION]
    assert later["color"]["background"] not in (vivid, vivid.lower())
    assert "color" not in nodes["heuristic/polars-use-spawn-not-fork"]


def test_without_progress_no_step_is_ticked_or_faded(base):
    tour, kg = base
    net = tour_network(tour, kg, current=0)
    assert all(node["label"][0].isdigit() for node in net.nodes)
    focus = tour.steps[0].page
    assert all("color" not in node for node in net.nodes if node["id"] != focus)


def test_knowledge_links_between_tour_pages_are_drawn(base):
    tour, kg = base
    net = tour_network(tour, kg, current=0)
    links = {(e["from"], e["to"]) for e in net.edges if e["relation"] != "tour_path"}
    pages = {step.page for step in tour.steps}
    expected = {(s, t) for s, t in kg.nx.subgraph(pages).edges()}
    assert links == expected and links


def test_markdown_hand_out_lists_every_step_with_its_note_and_question(base):
    tour, kg = base
    text = tour_markdown(tour, kg)
    headings = re.findall(r"^## Step (\d+)\. ", text, re.MULTILINE)
    assert headings == [str(n) for n in range(1, len(tour.steps) + 1)]
    assert text.startswith("# First steps \\<b\\>with\\</b\\> fork\n")
    assert "**Start here\\.** The rule the whole base hangs on\\." in text
    assert "**Check:** Which start method is safe once Polars has run in the parent?" in text
    assert "- fork\n- spawn" in text
    assert "**Answer:** spawn. Spawn starts a fresh interpreter" in text
    assert "*Heuristic* · `heuristic/polars-use-spawn-not-fork`" in text


def test_markdown_hand_out_shows_hostile_markup_as_text(base):
    tour, kg = base
    text = tour_markdown(tour, kg)
    hostile = text.split(f"## Step {HOSTILE_STEP}.")[1].split("## Step")[0]
    outside_code = re.sub(r"`[^`]*`", "", hostile)
    assert re.findall(r"(?<!\\)<", outside_code) == []
    assert "\\<script\\>" in hostile and "\\<b onmouseover" in hostile
    assert "\\[a link\\]\\(javascript\\:" in hostile
    assert markdown_targets(hostile) == []
    assert "`<code>`" in hostile


def test_html_hand_out_loads_nothing_from_elsewhere(base):
    tour, kg = base
    html = tour_html(tour, kg)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE)
    assert "<link" not in html
    assert "new vis.Network(" in html and "vis-network" in html.lower()


ALLOWED_TAGS = {
    *"header h1 h2 p section div span ol ul li code pre blockquote".split(),
    *"details summary strong em a".split(),
}


def test_html_hand_out_escapes_every_piece_of_content(base):
    tour, kg = base
    html = tour_html(tour, kg)
    assert html.count("</script>") == 3
    """vis-network's own code, the graph's JSON, the drawing code: nothing closes them early."""
    body = html.split("<body>")[1].split("<script>")[0]
    assert set(re.findall(r"<([a-z0-9]+)", body)) <= ALLOWED_TAGS
    assert re.findall(r"<[^>]*\son[a-z]+\s*=", body) == []
    assert re.findall(r"<a\b[^>]*>", body) == []
    assert "<h1>First steps &lt;b&gt;with&lt;/b&gt; fork</h1>" in body
    assert "[a link](javascript:" in body


def test_html_hand_out_carries_the_tour_graph_as_json(base):
    tour, kg = base
    html = tour_html(tour, kg)
    raw = html.split('<script type="application/json" id="tour-graph">')[1].split("</script>")[0]
    assert "<" not in raw
    graph = json.loads(raw)
    assert {n["id"] for n in graph["nodes"]} == {step.page for step in tour.steps}
    assert graph["steps"]["principle/malicious-markup"] == HOSTILE_STEP
    assert any("<img" in n["label"] for n in graph["nodes"])


def hostile_tour(kg: KnowledgeGraph, notes: list[str]) -> Tour:
    """A tour over the base's pages with these notes (and as many explanations)."""
    pages = sorted(page.id for page in kg.pages)
    return Tour(
        id="hostile",
        title="Hostile \u202eevil",
        audience="Testers",
        estimated_minutes=5,
        steps=[
            {
                "page": pages[index % len(pages)],
                "note": note,
                "question": {
                    "prompt": note,
                    "choices": ["a", "b"],
                    "answer": "a",
                    "explanation": note,
                },
            }
            for index, note in enumerate(notes)
        ],
    )


def test_no_script_link_pattern_is_live_in_either_hand_out(base):
    _, kg = base
    notes = [pattern.replace("{n}", str(n)) for n, pattern in enumerate(SCRIPT_LINKS)]
    tour = hostile_tour(kg, notes)
    assert [t for t in markdown_targets(tour_markdown(tour, kg)) if not is_web(t)] == []
    body = tour_html(tour, kg).split("<body>")[1].split("<script>")[0]
    assert [t for t in html_targets(body) if not is_web(t)] == []


def test_hand_outs_load_no_image_typeset_no_huge_math_and_show_bidi(base):
    _, kg = base
    note = "![diagram](https://elsewhere.example/d.png) $\\rule{3000px}{3000px}$ a\u202eb"
    tour = hostile_tour(kg, [note])
    markdown = tour_markdown(tour, kg)
    assert "[diagram](<https://elsewhere.example/d.png>)" in markdown
    assert "`$\\rule{3000px}{3000px}$`" in markdown
    html = tour_html(tour, kg)
    body = html.split("<body>")[1].split("<script>")[0]
    assert "tag:img" not in html_targets(body)
    assert "<code>$\\rule{3000px}{3000px}$</code>" in body
    for text in (markdown, html):
        assert "\u202e" not in text
        assert "⟨U+202E⟩" in text.replace("\\", "")


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        (
            "**Bold** and *em* and `a < b`",
            "<p><strong>Bold</strong> and <em>em</em> and <code>a &lt; b</code></p>\n",
        ),
        ("one\n\ntwo", "<p>one</p>\n<p>two</p>\n"),
        ("- a\n- b **c**", "<ul>\n<li>a</li>\n<li>b <strong>c</strong></li>\n</ul>\n"),
        ("1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"),
        (
            "```python\nx = '<b>'\n```",
            "<pre><code class=\"language-python\">x = '&lt;b&gt;'\n</code></pre>\n",
        ),
        (
            "[docs](https://docs.python.org/3/?a=1&b=2)",
            '<p><a href="https://docs.python.org/3/?a=1&amp;b=2" rel="noopener noreferrer">'
            "docs</a></p>\n",
        ),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        (
            '<a href="javascript:x">y</a>',
            "<p>&lt;a href=&quot;javascript:x&quot;&gt;y&lt;/a&gt;</p>\n",
        ),
        (
            '[t](https://a.b/" onclick="x)',
            "<p>[t](https://a.b/&quot; onclick=&quot;x)</p>\n",
        ),
        ("snake_case_name and 2*3*4", "<p>snake_case_name and 2<em>3</em>4</p>\n"),
    ],
)
def test_note_markdown_becomes_safe_html(markdown: str, html: str):
    assert safe_html(markdown) == html


def test_for_a_projector_labels_are_larger_with_room_around_them(base):
    tour, kg = base
    plain, larger = tour_network(tour, kg, current=1), tour_network(tour, kg, current=1)
    for_projector(larger, 1.5)
    for path in (("nodes", "font", "size"), ("nodes", "widthConstraint", "maximum")):
        before, after = plain.options, larger.options
        for key in path:
            before, after = before[key], after[key]
        assert after == round(before * 1.5)
    springs = "physics", "forceAtlas2Based", "springLength"
    assert (
        larger.options[springs[0]][springs[1]][springs[2]]
        > (plain.options[springs[0]][springs[1]][springs[2]])
    )
    focus = tour.steps[1].page
    sizes = {n["id"]: n["font"]["size"] for n in larger.nodes if "size" in n.get("font", {})}
    plain_focus = next(n for n in plain.nodes if n["id"] == focus)
    assert sizes[focus] == round(plain_focus["font"]["size"] * 1.5)
