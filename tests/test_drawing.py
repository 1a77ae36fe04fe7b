"""draw.drawing: the one value every picture of the graph is drawn from."""

from __future__ import annotations

import random
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from heuristica.draw import drawing as drawing_module
from heuristica.draw.drawing import (
    LABEL_LINE_CHARS,
    LABEL_LINES,
    Drawing,
    EdgeStyle,
    Highlight,
    Options,
    draw,
    plain_summary,
    prepare_whole_drawing,
    wrap_label,
)
from heuristica.draw.view import Edge, build_view, path_edges, view_of
from heuristica.kb import text as text_module
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.relations import RELATIONS
from heuristica.kb.text import visible_bidi
from tests.kb import page as page_data
from tests.kb import write

FIXTURE_KB = Path(__file__).parent / "fixtures" / "explorer_kb"
FOCUS = "heuristic/polars-use-spawn-not-fork"
NEIGHBOUR = "environment/polars-2"
MALICIOUS = "principle/malicious-markup"


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph(load_knowledge(FIXTURE_KB).pages)


@pytest.fixture(scope="module")
def drawing(kg: KnowledgeGraph) -> Drawing:
    return draw(build_view(kg, FOCUS), kg)


def test_one_node_per_visible_page_and_one_edge_per_link(kg: KnowledgeGraph, drawing: Drawing):
    view = build_view(kg, FOCUS)
    assert [node.id for node in drawing.nodes] == sorted(view.nodes)
    assert [(e.source, e.target, e.relation) for e in drawing.edges] == [
        (e.source, e.target, e.relation) for e in view.edges
    ]
    assert drawing.focus == FOCUS


def test_a_node_carries_what_its_tooltip_and_preview_card_show(
    kg: KnowledgeGraph, drawing: Drawing
):
    node = next(n for n in drawing.nodes if n.id == NEIGHBOUR)
    page = kg.page(NEIGHBOUR)
    assert node.title == page.title
    assert node.page_type is page.page_type
    assert node.domains == tuple(page.domains)
    assert node.summary == plain_summary(page.overview)
    assert node.highlight is Highlight.PLAIN
    assert node.position is None


def test_hostile_titles_stay_whole_in_the_node_as_plain_strings(drawing: Drawing):
    node = next(n for n in drawing.nodes if n.id == MALICIOUS)
    assert node.title.startswith("<img src=x onerror=")
    assert node.label.replace("\n", " ").startswith("<img src=x")


def test_bidirectional_controls_show_as_code_points_in_label_title_and_card(tmp_path: Path):
    write(
        tmp_path,
        "p.yaml",
        page_data("principle/reversed", title="Reversed\u202etxt.exe", overview="a\u2067b"),
    )
    kg = KnowledgeGraph(load_knowledge(tmp_path).pages)
    (node,) = draw(build_view(kg, "principle/reversed"), kg).nodes
    assert node.title == "Reversed⟨U+202E⟩txt.exe"
    assert "\u202e" not in node.label and "⟨U+202E⟩" in node.label.replace("\n", "")
    assert node.summary == "a⟨U+2067⟩b"


def test_code_marks_in_a_title_are_not_drawn(tmp_path: Path):
    title = "Cap Polars' threads before `import polars` runs"
    write(tmp_path, "p.yaml", page_data("heuristic/cap", title=title))
    kg = KnowledgeGraph(load_knowledge(tmp_path).pages)
    (node,) = draw(build_view(kg, "heuristic/cap"), kg).nodes
    assert node.title == "Cap Polars' threads before import polars runs"
    assert "`" not in node.label


def test_a_page_edited_is_drawn_with_its_new_text_and_prepared_text_draws_the_same(
    tmp_path: Path,
):
    # node text is kept per page object: an edit (a new object under the same
    # id) must not be drawn with the text kept for the old one
    page_id = "heuristic/use-spawn"
    write(tmp_path, "h.yaml", page_data(page_id, title="Use spawn", overview="Before."))
    before = KnowledgeGraph(load_knowledge(tmp_path).pages)
    prepare_whole_drawing(before)
    drawn = draw(build_view(before, page_id, show_all=True), before).nodes[0]
    assert (drawn.label, drawn.summary) == ("Use spawn", "Before.")
    write(tmp_path, "h.yaml", page_data(page_id, title="Use forkserver", overview="After."))
    after = KnowledgeGraph(load_knowledge(tmp_path).pages)
    drawn = draw(build_view(after, page_id, show_all=True), after).nodes[0]
    assert (drawn.label, drawn.title, drawn.summary) == (
        "Use forkserver",
        "Use forkserver",
        "After.",
    )


def test_the_drawing_is_frozen(drawing: Drawing):
    with pytest.raises(FrozenInstanceError):
        drawing.focus = NEIGHBOUR  # type: ignore[misc]


def test_positions_given_for_every_node_mean_no_layout_in_the_browser(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS)
    positions = {node: (float(i), -float(i)) for i, node in enumerate(sorted(view.nodes))}
    placed = draw(view, kg, positions)
    assert placed.positioned
    assert all(node.position == positions[node.id] for node in placed.nodes)
    assert not draw(view, kg).positioned


def test_expanded_pages_are_marked(kg: KnowledgeGraph):
    view = build_view(kg, FOCUS, expanded={NEIGHBOUR})
    drawn = draw(view, kg, expanded={NEIGHBOUR})
    assert {node.id for node in drawn.nodes if node.expanded} == {NEIGHBOUR}


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("Polars: use spawn, not fork", ["Polars: use spawn,", "not fork"]),
        ("multiprocessing.get_context(method)", ["multiprocessing.", "get_context(method)"]),
        ("POLARS_MAX_THREADS_AND_MORE_WORDS", ["POLARS_MAX_THREADS_", "AND_MORE_WORDS"]),
        ("Short", ["Short"]),
        (
            "Set the start method once, at the entry point — or pass a context",
            ["Set the start method", "once, at the entry", "point — or pass a…"],
        ),
    ],
)
def test_labels_wrap_between_words_and_never_mid_word(title: str, lines: list[str]):
    assert wrap_label(title).split("\n") == lines


def test_a_word_longer_than_a_line_is_broken_only_as_a_last_resort():
    word = "x" * (LABEL_LINE_CHARS + 5)
    assert wrap_label(word).split("\n") == [word[:LABEL_LINE_CHARS], word[LABEL_LINE_CHARS:]]


def test_every_label_line_fits_and_there_are_at_most_the_allowed_lines(kg: KnowledgeGraph):
    for page in kg.pages:
        lines = wrap_label(page.title).split("\n")
        assert len(lines) <= LABEL_LINES
        assert all(len(line) <= LABEL_LINE_CHARS for line in lines), lines


def test_the_summary_is_plain_text_cut_at_a_word():
    text = "Use `spawn`, **not** [fork](https://x.org) — get_context() keeps " + "word " * 80
    summary = plain_summary(text, 60)
    assert summary.startswith("Use spawn, not fork — get_context() keeps")
    assert summary.endswith("…") and len(summary) <= 60
    assert not summary[:-1].endswith(" ")


def test_search_hits_are_lit_and_every_other_page_dimmed(drawing: Drawing):
    lit = drawing.lit({NEIGHBOUR, "no/such-page"})
    states = {node.id: node.highlight for node in lit.nodes}
    assert states[NEIGHBOUR] is Highlight.LIT
    assert {s for page, s in states.items() if page != NEIGHBOUR} == {Highlight.DIMMED}
    assert lit.focus == drawing.focus
    assert {node.highlight for node in drawing.nodes} == {Highlight.PLAIN}


def test_a_path_is_drawn_emphasised_with_each_relation_named(kg: KnowledgeGraph):
    start, end = "environment/linux", "implementation/polars-group-by"
    steps = kg.shortest_path(start, end)
    assert steps is not None and len(steps) > 2
    path = path_edges(kg, steps)
    drawn = draw(view_of(kg, start, steps), kg).with_path(path)
    on_path = [e for e in drawn.edges if e.style is EdgeStyle.PATH]
    assert {(e.source, e.target, e.relation) for e in on_path} == {
        (e.source, e.target, e.relation) for e in path
    }
    assert all(e.label == RELATIONS[e.relation].label for e in on_path)
    assert all(e.style is EdgeStyle.LINK and not e.label for e in drawn.edges if e not in on_path)


def test_a_path_link_that_is_not_drawn_is_named(drawing: Drawing):
    missing = Edge("principle/nowhere", FOCUS, "uses_heuristic")
    with pytest.raises(ValueError, match="principle/nowhere -uses_heuristic-> " + FOCUS):
        drawing.with_path([missing])


def test_options_change_without_touching_the_drawing(drawing: Drawing):
    larger = drawing.with_options(scale=1.5)
    assert larger.options.scale == 1.5
    assert drawing.options == Options()
    assert larger.nodes == drawing.nodes


def _summary_by_patterns_alone(markdown: str) -> str:
    """plain_summary before its shortcuts, for text too short to be cut:
    every pattern run on every text."""
    text = drawing_module._MARKDOWN_LINK.sub(r"\1", markdown)
    return " ".join(drawing_module._MARKDOWN_MARKS.sub("", text).split())


def test_summaries_and_titles_skip_their_patterns_only_where_those_cannot_match() -> None:
    """The patterns run only on text holding what they can match; thousands
    of texts built from the characters they look for come out the same."""
    rng = random.Random(21)
    alphabet = [
        "a",
        "b",
        " ",
        "\n",
        "[",
        "]",
        "(",
        ")",
        "!",
        "`",
        "*",
        "#",
        ">",
        "_",
        "é",
        "\u202e",
        "\u2066",
        "\u061c",
    ]
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))  # never cut
        assert plain_summary(text) == _summary_by_patterns_alone(text), repr(text)
        assert visible_bidi(text) == text_module._BIDI.sub(
            lambda match: f"⟨U+{ord(match[0]):04X}⟩", text
        ), repr(text)
    assert plain_summary("see [the docs](https://x.org) and **this** `code`") == (
        "see the docs and this code"
    )


def test_the_whole_graph_s_nodes_are_made_once_per_graph_and_layout(kg: KnowledgeGraph) -> None:
    positions = {page_id: (float(i), 0.0) for i, page_id in enumerate(sorted(kg.nx))}
    whole = build_view(kg, FOCUS, show_all=True)
    first = draw(whole, kg, positions)
    assert draw(build_view(kg, NEIGHBOUR, show_all=True), kg, positions).nodes is first.nodes
    assert [node.position for node in first.nodes] == [positions[n.id] for n in first.nodes]
    again = draw(whole, kg, dict(positions)).nodes  # another layout: made again
    assert again == first.nodes and again is not first.nodes
    opened = draw(whole, kg, positions, expanded=[FOCUS])
    assert [node.id for node in opened.nodes if node.expanded] == [FOCUS]
    assert not any(node.expanded for node in draw(whole, kg, positions).nodes)
    part = build_view(kg, FOCUS)  # not every page: drawn as before, nothing kept
    assert [node.id for node in draw(part, kg, positions).nodes] == sorted(part.nodes)


def test_drawing_in_the_background_lets_other_threads_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each few hundred items, the thread making the whole graph's drawing
    gives the interpreter up (``time.sleep(0)``), so a server thread answering
    a browser meanwhile need not wait out the switch interval."""
    slept: list[float] = []
    monkeypatch.setattr(drawing_module.time, "sleep", slept.append)
    assert list(drawing_module._yielding(range(1000), every=256)) == list(range(1000))
    assert slept == [0, 0, 0]
