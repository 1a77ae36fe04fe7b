"""The diff's formats: Markdown for a pull-request comment (within GitHub's limit,
page text inert), text for a terminal (control characters shown), HTML (page
text escaped, every change in the drawing with its own look)."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

import heuristica.draw.diff as drawing_of_a_diff
from heuristica.draw.diff import diff_drawing, diff_html
from heuristica.draw.drawing import EdgeStyle, Highlight
from heuristica.history.compare import Diff, LinkChange, PageChange, Side
from heuristica.history.formats import COMMENT_LIMIT, MARKER, to_markdown, to_text
from heuristica.kb.model import PAGE_MODELS, Page
from heuristica.kb.relations import PageType
from tests.kb import page

HOSTILE = "<script>alert(1)</script> [click](https://evil.example/x) **bold** \x1b[31m"


def _loaded(data: dict[str, object]) -> Page:
    return PAGE_MODELS[PageType(str(data["type"]))].model_validate(data)  # type: ignore[return-value]


def _side(name: str, *pages: Page) -> Side:
    return Side(name, None, name, {p.id: p for p in pages}, {}, [], None)


def _hostile_diff() -> Diff:
    h = _loaded(page("heuristic/evil", title=HOSTILE))
    p_old = _loaded(page("principle/base", ("uses_heuristic", "heuristic/gone")))
    gone = _loaded(page("heuristic/gone"))
    p_new = _loaded(page("principle/base", ("uses_heuristic", "heuristic/evil")))
    base, head = _side("main", p_old, gone), _side("topic", p_new, h)
    return Diff(
        base,
        head,
        pages_added=(PageChange(h.id, h.title, "heuristic", "k/h.yaml"),),
        pages_removed=(PageChange(gone.id, gone.title, "heuristic", "k/g.yaml"),),
        pages_changed=(PageChange(p_new.id, p_new.title, "principle", "k/p.yaml", ("links",)),),
        links_added=(LinkChange(p_new.id, "uses_heuristic", h.id),),
        links_removed=(LinkChange(p_new.id, "uses_heuristic", gone.id),),
    )


def test_markdown_starts_with_the_marker_and_a_summary_line_and_folds_each_section() -> None:
    text = to_markdown(_hostile_diff())
    lines = text.splitlines()
    assert lines[0] == MARKER
    assert lines[1].startswith("**Knowledge review** · pages: 1 added, 1 removed, 1 changed")
    assert text.count("<details><summary>") == 5
    assert text.count("</details>") == 5


def test_markdown_items_are_one_flat_list_with_their_signs_shown() -> None:
    comment = to_markdown(_hostile_diff())
    tokens = MarkdownIt("commonmark").parse(comment)
    depth = deepest = 0
    for token in tokens:
        depth += {"bullet_list_open": 1, "bullet_list_close": -1}.get(token.type, 0)
        deepest = max(deepest, depth)
    assert deepest == 1, "a '+' or '-' sign after the list marker started a nested list"
    shown = MarkdownIt("commonmark").render(comment)
    assert "<li>+ <code>heuristic/evil</code>" in shown
    assert "<li>- <code>heuristic/gone</code>" in shown


def test_markdown_keeps_page_text_inert() -> None:
    text = to_markdown(_hostile_diff())
    assert "<script>" not in text
    assert "](https://evil" not in text
    assert "**bold**" not in text
    assert "\x1b" not in text
    assert "&lt;script&gt;alert\\(1\\)&lt;/script&gt;" in text


def test_a_huge_change_is_shortened_under_githubs_limit_with_a_note() -> None:
    added = tuple(
        PageChange(f"heuristic/page-{n:05}", f"A long title for page number {n}", "heuristic", "")
        for n in range(20_000)
    )
    diff = Diff(_side("main"), _side("topic"), pages_added=added)
    text = to_markdown(diff, where="The whole diff is in the workflow's artifact.")
    assert len(text) <= COMMENT_LIMIT
    assert "Shortened to fit a comment" in text
    assert "The whole diff is in the workflow's artifact." in text
    assert "heuristic/page-00000" in text
    assert "more" in text.splitlines()[-3]
    assert "pages: 20000 added" in text.splitlines()[1]


def test_text_shows_control_characters_instead_of_sending_them_to_the_terminal() -> None:
    text = to_text(_hostile_diff())
    assert "\x1b" not in text
    assert "+ heuristic/evil" in text


def test_html_escapes_page_text_and_marks_each_change() -> None:
    diff = _hostile_diff()
    document = diff_html(diff)
    data = document.split('id="graph-data">', 1)[1].split("</script>", 1)[0]
    outside = document.replace(data, "")
    assert "<script>alert" not in outside
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in outside
    assert "<script>" not in data
    drawn = json.loads(data)
    marked = {drawn["nodes"]["id"][i]: mark for i, mark in drawn["nodes"]["marked"]}
    assert marked == {
        "heuristic/evil": "added",
        "heuristic/gone": "removed",
        "principle/base": "changed",
    }
    for key in ("added", "removed", "changed", "added_link", "removed_link"):
        assert key in drawn["legend"]


def test_the_drawing_shows_removed_links_dashed_and_added_links_apart() -> None:
    drawing = diff_drawing(_hostile_diff())
    styles = {(e.source, e.target): e.style for e in drawing.edges}
    assert styles == {
        ("principle/base", "heuristic/evil"): EdgeStyle.ADDED,
        ("principle/base", "heuristic/gone"): EdgeStyle.REMOVED,
    }
    highlights = {n.id: n.highlight for n in drawing.nodes}
    assert highlights["heuristic/gone"] is Highlight.REMOVED


def _many_added(count: int) -> Diff:
    pages = [_loaded(page(f"heuristic/added-{n:03}")) for n in range(count)]
    added = tuple(PageChange(p.id, p.title, "heuristic", "") for p in pages)
    return Diff(_side("main"), _side("topic", *pages), pages_added=added)


def test_a_large_drawing_is_laid_out_here_and_by_the_browser_without_numpy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    diff = _many_added(200)
    assert diff_drawing(diff).positioned
    # the core install (the review workflow's) has no numpy: the browser lays it out
    monkeypatch.setattr(drawing_of_a_diff, "missing", lambda module: module == "numpy")
    unplaced = diff_drawing(diff)
    assert not unplaced.positioned
    assert len(unplaced.nodes) == 200
