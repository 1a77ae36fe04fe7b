"""Hand-outs of a tour (Markdown, offline HTML) and the tour's path graph,
built from the explorer's test knowledge base and its hostile tour."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from heuristica.draw.drawing import EdgeStyle, Highlight, wrap_label
from heuristica.draw.render import TOUR_COLOUR, TOUR_STEP, drawing_data
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.markdown import safe_html
from heuristica.kb.model import Tour
from heuristica.tours.handout import tour_html
from heuristica.tours.markdown import tour_markdown
from heuristica.tours.path import for_projector, shared_tour_drawing, tour_drawing
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
    drawing = tour_drawing(tour, kg, current=1, visited={0, 1})
    labels = {node.id: node.label for node in drawing.nodes}
    polars = "heuristic/polars-use-spawn-not-fork"
    assert labels[polars] == wrap_label("✓ 1 · Polars: use spawn, not fork")
    assert labels["principle/process-start-methods"] == wrap_label("2 · Process start methods")
    steps = [e for e in drawing.edges if e.style is EdgeStyle.TOUR]
    pages = [step.page for step in tour.steps]
    assert [(e.source, e.target) for e in steps] == list(pairwise(pages))
    assert {e.relation for e in steps} == {TOUR_STEP}
    assert drawing_data(drawing)["styles"]["edges"]["tour"]["color"]["color"] == TOUR_COLOUR


def test_the_current_step_is_the_focus_and_steps_not_reached_are_dimmed(base):
    tour, kg = base
    drawing = tour_drawing(tour, kg, current=1, visited={0, 1})
    assert drawing.focus == "principle/process-start-methods"
    states = {node.id: node.highlight for node in drawing.nodes}
    assert states["implementation/multiprocessing-get-context"] is Highlight.DIMMED
    assert states["heuristic/polars-use-spawn-not-fork"] is Highlight.PLAIN
    notes = {node.id: node.note for node in drawing.nodes}
    assert notes["principle/process-start-methods"] == "Step 2"


def test_a_room_at_one_step_shares_one_drawing_and_a_change_draws_anew(base):
    tour, kg = base
    first = shared_tour_drawing(tour, kg, 2, {0, 1, 2})
    assert first == tour_drawing(tour, kg, 2, {0, 1, 2})
    assert shared_tour_drawing(tour, kg, 2, [2, 1, 0]) is first  # every follower at step 3
    assert shared_tour_drawing(tour, kg, 2, {1, 2}) is not first  # another browser's ticks
    assert shared_tour_drawing(tour, kg, 3, {0, 1, 2, 3}) is not first
    reloaded = KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)  # a knowledge base reload
    assert shared_tour_drawing(tour, reloaded, 2, {0, 1, 2}) is not first


def test_without_progress_no_step_is_ticked_or_dimmed(base):
    tour, kg = base
    drawing = tour_drawing(tour, kg, current=0)
    assert all(node.label[0].isdigit() for node in drawing.nodes)
    assert {node.highlight for node in drawing.nodes} == {Highlight.PLAIN}


def test_knowledge_links_between_tour_pages_are_drawn(base):
    tour, kg = base
    drawing = tour_drawing(tour, kg, current=0)
    links = {(e.source, e.target) for e in drawing.edges if e.style is EdgeStyle.LINK}
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
    assert html.count("</script>") == 4
    """vis-network's own code, the graph's JSON, the layout and drawing code: nothing
    closes them early."""
    body = html.split("<body>")[1].split("<script>")[0]
    before, graph_and_after = body.split('<section id="explorer"')
    body = before + graph_and_after.split("</section>", 1)[1]
    """The tour's own text: the header and the steps (the graph's frame is the template's)."""
    assert set(re.findall(r"<([a-z0-9]+)", body)) <= ALLOWED_TAGS
    assert re.findall(r"<[^>]*\son[a-z]+\s*=", body) == []
    assert re.findall(r"<a\b[^>]*>", body) == []
    assert "<h1>First steps &lt;b&gt;with&lt;/b&gt; fork</h1>" in body
    assert "[a link](javascript:" in body


def test_html_hand_out_carries_the_tour_graph_as_json(base):
    tour, kg = base
    html = tour_html(tour, kg)
    raw = html.split('<script type="application/json" id="graph-data">')[1].split("</script>")[0]
    assert "<" not in raw
    graph = json.loads(raw)
    assert set(graph["nodes"]["id"]) == {step.page for step in tour.steps}
    assert any("<img" in label for label in graph["nodes"]["label"])
    assert graph["actions"]["open_link"] == "#page-{id}"
    anchor = html.index('<span id="page-principle/malicious-markup"></span>')
    assert html.rindex('<li id="step-', 0, anchor) == html.index(f'<li id="step-{HOSTILE_STEP}">')


def hostile_tour(kg: KnowledgeGraph, notes: list[str]) -> Tour:
    """A tour over the base's pages with these notes (and as many explanations)."""
    pages = sorted(page.id for page in kg.pages)
    return Tour.model_validate(
        {
            "id": "hostile",
            "title": "Hostile \u202eevil",
            "audience": "Testers",
            "estimated_minutes": 5,
            "steps": [
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
        }
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
    plain = drawing_data(tour_drawing(tour, kg, current=1))
    larger = drawing_data(for_projector(tour_drawing(tour, kg, current=1), 1.5))
    for styles in ("nodes", "focus"):
        before = plain["styles"][styles]["plain"]["principle"]
        after = larger["styles"][styles]["plain"]["principle"]
        assert after["font"]["size"] == pytest.approx(before["font"]["size"] * 1.5, abs=0.1)
        assert after["size"] == pytest.approx(before["size"] * 1.5, abs=0.1)
    springs = ("physics", "forceAtlas2Based", "springLength")
    before, after = plain["options"], larger["options"]
    for key in springs:
        before, after = before[key], after[key]
    assert after == round(before * 1.5)
