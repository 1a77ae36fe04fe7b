"""Tours (knowledge/tours/*.yaml) are validated by the same loader: each
mistake an author can make is a Problem with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from heuristica.kb.loader import load_knowledge
from heuristica.kb.problems import Problem
from tests.kb import dump, page, write

H, E = "heuristic/use-spawn", "environment/linux"


def tour(tour_id: str = "first-steps", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": tour_id,
        "title": "First steps",
        "audience": "Newcomers",
        "estimated_minutes": 10,
        "steps": [
            {"page": H, "note": "Start **here**."},
            {
                "page": E,
                "note": "Then the platform.",
                "question": {
                    "prompt": "Which start method is safe with Polars?",
                    "choices": ["fork", "spawn"],
                    "answer": "spawn",
                    "explanation": "Spawn starts a fresh interpreter.",
                },
            },
        ],
    }
    data.update(fields)
    return data


def base(root: Path) -> Path:
    write(root, "h.yaml", page(H, ("requires_env", E)))
    write(root, "e.yaml", page(E))
    return root


def only(root: Path) -> Problem:
    errors = load_knowledge(root).errors
    assert len(errors) == 1, [str(p) for p in errors]
    return errors[0]


def test_sound_tour_loads(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/first.yaml", tour())
    result = load_knowledge(tmp_path)
    assert result.problems == []
    question = result.tours["first-steps"].steps[1].question
    assert question is not None and question.answer == "spawn"
    assert set(result.pages) == {H, E}


def test_step_naming_a_missing_page_suggests_the_page_meant(tmp_path: Path) -> None:
    data = tour()
    data["steps"][1]["page"] = "environment/linx"
    text = dump(data)
    path = write(base(tmp_path), "tours/first.yaml", text)
    problem = only(tmp_path)
    assert (problem.file, problem.code) == ("tours/first.yaml", "broken-link")
    assert path.exists()
    assert problem.line == text.splitlines().index("- page: environment/linx") + 1
    assert problem.message == (
        "step 2 shows 'environment/linx', which does not exist "
        "(did you mean 'environment/linux'?); the tour is shown without this step"
    )
    steps = load_knowledge(tmp_path).tours["first-steps"].steps
    assert [step.page for step in steps] == [H]


def test_a_tour_with_no_step_left_is_left_out(tmp_path: Path) -> None:
    data = tour()
    for step in data["steps"]:
        step["page"] = "principle/gone"
    write(base(tmp_path), "tours/first.yaml", data)
    result = load_knowledge(tmp_path)
    assert sorted(p.code for p in result.errors) == ["broken-link", "broken-link", "empty-tour"]
    assert result.tours == {}


def test_empty_tour_is_refused(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/first.yaml", tour(steps=[]))
    problem = only(tmp_path)
    assert (problem.code, problem.message) == ("empty-section", "'steps' is empty: write it")


def test_duplicate_tour_ids_name_both_files(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/a.yaml", tour())
    second = write(tmp_path, "tours/b.yaml", tour(title="Copy"))
    problem = only(tmp_path)
    assert (problem.file, problem.code, problem.line) == ("tours/b.yaml", "duplicate-id", 1)
    assert second.exists()
    assert problem.message == "tour id 'first-steps' is already used by tours/a.yaml"


def test_answer_not_among_choices_points_at_the_answer(tmp_path: Path) -> None:
    data = tour()
    data["steps"][1]["question"]["answer"] = "Spawn"
    text = dump(data)
    write(base(tmp_path), "tours/first.yaml", text)
    problem = only(tmp_path)
    assert problem.code == "bad-answer"
    assert problem.line == text.splitlines().index("    answer: Spawn") + 1
    assert "the answer 'Spawn' is not one of the choices (did you mean 'spawn'?)" in problem.message
    assert "shown without its question" in problem.message
    steps = load_knowledge(tmp_path).tours["first-steps"].steps
    assert [step.question for step in steps] == [None, None]


def test_unknown_tour_field_suggests_the_field_meant(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/first.yaml", tour(estimated_minuts=3))
    problem = only(tmp_path)
    assert problem.message == (
        "unknown field 'estimated_minuts' (did you mean 'estimated_minutes'?)"
    )


def test_tour_id_must_be_url_safe(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/first.yaml", tour("First Steps"))
    problem = only(tmp_path)
    assert problem.code == "bad-value"
    assert problem.message == (
        "'id' must be lowercase letters, digits and hyphens, e.g. 'why-fork-deadlocks'; "
        "got 'First Steps'"
    )


def test_a_bad_tour_leaves_pages_and_other_tours_loaded(tmp_path: Path) -> None:
    write(base(tmp_path), "tours/a.yaml", tour())
    write(tmp_path, "tours/b.yaml", "id: [")
    result = load_knowledge(tmp_path)
    assert [p.code for p in result.errors] == ["yaml-syntax"]
    assert list(result.tours) == ["first-steps"]
    assert set(result.pages) == {H, E}
