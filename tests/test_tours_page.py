"""pages/tour.py under Streamlit's AppTest (through shell.py's navigation), over
the explorer's test knowledge base and its tour ``first-steps``."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Code, DownloadButton

from heuristica.tours.join_limit import JOIN_ATTEMPTS
from heuristica.tours.sessions import CODE_LENGTH, ended_message, not_live_message
from heuristica.ui.tour_live import live_sessions

REPO = Path(__file__).resolve().parents[1]
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
TOUR_PAGE = "pages/tour.py"
UNUSED = "Z" * CODE_LENGTH
"""A well-formed code no session has."""


def open_tour(monkeypatch: pytest.MonkeyPatch, kb: Path = FIXTURE_KB, **params: str) -> AppTest:
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(kb))
    at = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30)
    at.switch_page(TOUR_PAGE)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def download_labels(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button") if isinstance(b, DownloadButton)]


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


def test_a_wrong_answer_can_be_tried_again_before_the_answer_is_revealed(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    at.radio[0].set_value("fork").run()
    assert [e.value for e in at.error] == ["**Not quite:** “fork” is not it. Try another answer."]
    assert "spawn" not in " ".join(e.value for e in at.error), "the answer is not given away"
    assert [t.value for t in at.toast] == ["Not quite: try another answer."]
    at.radio[0].set_value("spawn").run()
    assert not at.error
    assert at.success[0].value.startswith("**Right.** Spawn starts a fresh interpreter")


def test_a_reader_may_ask_for_the_answer_after_a_wrong_one(monkeypatch):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    at.radio[0].set_value("fork").run()
    next(b for b in at.button if b.label == "Show the answer").click().run()
    assert at.info[0].value.startswith("**The answer is “spawn”.** Spawn starts")


def test_presenting_shows_a_code_a_join_link_and_its_qr_code_and_hides_the_downloads(
    monkeypatch,
):
    at = open_tour(monkeypatch, tour="first-steps", step="2")
    assert "Tour as Markdown" in download_labels(at)
    next(b for b in at.button if b.label == "Present").click().run()
    (code,) = [m.value for m in at.metric]
    assert len(code) == CODE_LENGTH and code.isalnum() and code.isupper()
    (link,) = [block.value for block in at.get("code") if isinstance(block, Code)]
    assert link.endswith(f"/tour?follow={code}")
    (qr,) = at.get("image")
    assert qr.proto.imgs[0].caption == "Scan to follow"
    assert qr.proto.imgs[0].url.endswith(".png"), "lossless, so phones can scan it"
    assert "Tour as Markdown" not in download_labels(at)
    assert any(b.label == "Stop presenting" for b in at.button)


def test_the_join_link_follows_the_session_at_the_presenters_step(monkeypatch):
    presenter = open_tour(monkeypatch, tour="first-steps", step="3")
    next(b for b in presenter.button if b.label == "Present").click().run()
    (code,) = [m.value for m in presenter.metric]
    follower = open_tour(monkeypatch, follow=code.lower())
    assert [s.value for s in follower.success] == [f"Following session `{code}` live."]
    assert step_heading(follower) == "3. multiprocessing\\.get\\_context"
    assert follower.query_params["follow"] == code, "a reconnecting browser follows again"
    assert follower.query_params["step"] == "3"


def test_a_join_link_with_an_unknown_code_says_so_and_shows_the_tour(
    monkeypatch, fresh_live_sessions
):
    at = open_tour(monkeypatch, follow=UNUSED)
    assert not at.exception
    assert [e.value for e in at.error] == [not_live_message(UNUSED)]
    assert step_heading(at) == "1. Polars\\: use spawn, not fork"


def test_after_ten_wrong_codes_from_one_address_even_a_new_browser_must_wait_for_a_right_one(
    monkeypatch, fresh_live_sessions
):
    presenter = open_tour(monkeypatch, tour="first-steps", step="1")
    next(b for b in presenter.button if b.label == "Present").click().run()
    (code,) = [m.value for m in presenter.metric]
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    for letter in "ABCDEFGHJK"[:JOIN_ATTEMPTS]:
        at.text_input(key="tour_join_code").input(letter * CODE_LENGTH)
        next(b for b in at.button if b.label == "Join").click().run()
    fresh = open_tour(monkeypatch, follow=code)
    (error,) = fresh.error
    assert error.value.startswith("Too many codes that lead to no session from your address")
    assert not fresh.success


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the session code the presenter shows, e.g. `K7QXM4P`."),
        ("K7Q", "A session code has 7 characters; `K7Q` has 3."),
        (
            "K7QXM40",
            "`K7QXM40` is not a session code: codes use letters and digits without "
            "0, O, 1, I or L (found '0').",
        ),
        (UNUSED, not_live_message(UNUSED)),
    ],
)
def test_following_a_wrong_code_says_what_is_wrong(
    monkeypatch, fresh_live_sessions, typed: str, message: str
):
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    at.text_input(key="tour_join_code").input(typed)
    next(b for b in at.button if b.label == "Join").click().run()
    assert [e.value for e in at.error] == [message]


def test_a_knowledge_base_without_tours_says_how_to_add_one(monkeypatch, tmp_path: Path):
    (tmp_path / "p.yaml").write_text((FIXTURE_KB / "linux.yaml").read_text())
    at = open_tour(monkeypatch, kb=tmp_path)
    assert not at.exception
    assert "has no tours yet" in at.info[0].value


def test_a_follower_whose_session_ended_is_told_so_plainly(monkeypatch):
    presenter = open_tour(monkeypatch, tour="first-steps", step="1")
    next(b for b in presenter.button if b.label == "Present").click().run()
    (code,) = [m.value for m in presenter.metric]
    follower = open_tour(monkeypatch, follow=code)
    next(b for b in presenter.button if b.label == "Stop presenting").click().run()
    follower.run()
    assert [e.value for e in follower.error] == [ended_message(code)]
    assert any(b.label == "Present" for b in follower.button)


@pytest.fixture
def fresh_live_sessions() -> Iterator[None]:
    """This server's store and room are made again from the environment, and after."""
    live_sessions.clear()
    yield
    live_sessions.clear()


def test_a_redis_that_does_not_answer_at_start_is_named_and_the_tour_still_reads(
    monkeypatch, fresh_live_sessions
):
    url = f"redis://127.0.0.1:{unused_port()}/0"
    monkeypatch.setenv("HEURISTICA_REDIS_URL", url)
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    next(b for b in at.button if b.label == "Present").click().run()
    (error,) = at.error
    assert error.value.startswith(f"Cannot start a live session: Redis at {url} does not answer")
    assert error.value.endswith("Reading the tour works meanwhile.")
    next(b for b in at.button if b.label == "Next").click().run()
    assert step_heading(at) == "2. Process start methods"
    assert not at.exception


def test_a_malformed_redis_url_turns_live_sessions_off_saying_why(monkeypatch, fresh_live_sessions):
    monkeypatch.setenv("HEURISTICA_REDIS_URL", "htp://:secret@cache:6379")
    at = open_tour(monkeypatch, tour="first-steps", step="1")
    (warning,) = at.warning
    assert warning.value.startswith(
        "Live sessions are off: HEURISTICA_REDIS_URL='htp://:***@cache:6379' is not a Redis URL"
    )
    assert "secret" not in warning.value
    assert next(b for b in at.button if b.label == "Present").disabled
    assert step_heading(at) == "1. Polars\\: use spawn, not fork"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
