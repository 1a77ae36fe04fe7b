"""pages/tour.py under Streamlit's AppTest (through app.py's navigation), over
the explorer's test knowledge base and its tour ``first-steps``."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[1]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
TOUR_PAGE = "pages/tour.py"


def open_tour(monkeypatch: pytest.MonkeyPatch, kb: Path = FIXTURE_KB, **params: str) -> AppTest:
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(kb))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=30)
    at.switch_page(TOUR_PAGE)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def step_heading(at: AppTest) -> str:
    return next(h.value for h in at.subheader if h.value[:1].isdigit())


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def test_a_valid_deep_link_shows_that_step(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="3")
    assert not at.exception
    assert warnings(at) == []
    assert step_heading(at) == "3. multiprocessing\\.get\\_context"
    assert at.query_params["step"] == "3"


def test_an_unknown_tour_warns_naming_it_and_opens_the_first_tour(monkeypatch):
    at = open_tour(monkeypatch, tour="no-such-tour", step="2")
    assert not at.exception
    assert warnings(at) == [
        "There is no tour `no-such-tour`; showing “First steps \\<b\\>with\\</b\\> fork”. "
        "Tours: `first-steps`."
    ]
    assert step_heading(at) == "2. Process start methods"
    assert at.query_params["tour"] == "first-steps"


def test_a_step_that_is_not_a_number_warns_and_shows_step_one(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="three")
    assert warnings(at) == ["The step `three` is not a number; showing step 1 of 5."]
    assert step_heading(at) == "1. Polars\\: use spawn, not fork"
    assert at.query_params["step"] == "1"


def test_a_step_past_the_end_warns_and_shows_the_last_step(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="42")
    assert warnings(at) == ["This tour has steps 1 to 5; there is no step `42`, showing step 5."]
    assert step_heading(at) == "5. Linux"


def test_next_and_previous_move_one_step_and_update_the_url(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    next_button = next(b for b in at.button if b.label == "Next")
    next_button.click().run()
    assert step_heading(at) == "2. Process start methods"
    assert at.query_params["step"] == "2"
    next(b for b in at.button if b.label == "Previous").click().run()
    assert step_heading(at) == "1. Polars\\: use spawn, not fork"


def test_a_check_question_is_answered_in_place_with_its_explanation(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    at.radio[0].set_value("fork").run()
    assert at.error[0].value.startswith("**Not quite: the answer is “spawn”.** Spawn starts")
    at.radio[0].set_value("spawn").run()
    assert at.success[0].value.startswith("**Right.** Spawn starts a fresh interpreter")


def test_presenting_shows_a_session_code_and_hides_the_downloads(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="2")
    assert any(b.label == "Tour as Markdown" for b in at.get("download_button"))
    next(b for b in at.button if b.label == "Present").click().run()
    (code,) = [m.value for m in at.metric]
    assert len(code) == 5 and code.isalnum() and code.isupper()
    assert not any(b.label == "Tour as Markdown" for b in at.get("download_button"))
    assert any(b.label == "Stop presenting" for b in at.button)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the session code the presenter shows, e.g. `K7QXM`."),
        ("K7Q", "A session code has 5 characters; `K7Q` has 3."),
        (
            "K7QX0",
            "`K7QX0` is not a session code: codes use letters and digits without "
            "0, O, 1, I or L (found '0').",
        ),
        ("ZZZZZ", "There is no session `ZZZZZ`: check the code the presenter shows."),
    ],
)
def test_following_a_wrong_code_says_what_is_wrong(monkeypatch, typed: str, message: str):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    at.text_input(key="tour_join_code").input(typed)
    next(b for b in at.button if b.label == "Join").click().run()
    assert [e.value for e in at.error] == [message]


def test_a_knowledge_base_without_tours_says_how_to_add_one(monkeypatch, tmp_path: Path):
    (tmp_path / "p.yaml").write_text((FIXTURE_KB / "linux.yaml").read_text())
    at = open_tour(monkeypatch, kb=tmp_path)
    assert not at.exception
    assert "has no tours yet" in at.info[0].value
