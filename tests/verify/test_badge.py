"""The panel's verification badge and checks, drawn by Streamlit's AppTest on
a knowledge base verified for real: one page in each state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.checks.record import RECORD_FILE, read_record
from tests.kb import page, write
from tests.test_panel import Draw
from tests.verify.recorded import EDITED, FAILS, HOLDS, NEVER, build


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("badges"))


def badges(app: AppTest) -> list[str]:
    return [m.value for m in app.markdown if "-badge[:material/" in m.value]


def unescaped(text: str) -> str:
    return text.replace("\\", "")


@pytest.mark.parametrize(
    ("page_id", "colour", "icon", "text"),
    [
        (HOLDS, "green", "verified", "Verified on CPython "),
        (FAILS, "red", "error", "1 of 3 checks fails on CPython "),
        (NEVER, "gray", "help", "Not verified"),
        (EDITED, "orange", "history", "Edited after its last verification ("),
    ],
)
def test_the_panel_shows_the_page_verification_as_a_badge(
    draw: Draw, recorded: Path, page_id: str, colour: str, icon: str, text: str
) -> None:
    app = draw(recorded, page_id)

    (badge,) = badges(app)
    assert badge.startswith(f":{colour}-badge[:material/{icon}: ")
    assert unescaped(badge).startswith(f":{colour}-badge[:material/{icon}: {text}")


def test_the_badge_names_the_date_of_the_run(draw: Draw, recorded: Path) -> None:
    date = read_record(recorded / RECORD_FILE).pages[HOLDS][0].verified_at.date().isoformat()
    (badge,) = badges(draw(recorded, HOLDS))
    assert unescaped(badge).endswith(f" · {date}]")


def checks(app: AppTest) -> list[Any]:
    """The panel's expanders of checks (the page's History expander aside)."""
    return [expander for expander in app.expander if expander.label != "History"]


def test_each_check_opens_with_its_claim_last_result_and_code(draw: Draw, recorded: Path) -> None:
    app = draw(recorded, FAILS)

    labels = [expander.label for expander in checks(app)]
    assert labels == ["ok · holds", "wrong · fails", "also\\-ok · holds"]
    wrong = checks(app)[1]
    assert unescaped(wrong.markdown[0].value) == "It prints b."
    assert unescaped(wrong.markdown[1].value).startswith("**Last result: fails** on CPython 3.")
    assert [c.value for c in wrong.code] == [
        "exit status 0, the line 'b'",
        "exit status 0, printed:\na",
        "print('a')",
    ]


def test_a_page_never_verified_lists_its_checks_as_not_run(draw: Draw, recorded: Path) -> None:
    app = draw(recorded, NEVER)
    assert [expander.label for expander in checks(app)] == ["ok · not run"]


def test_a_stale_page_says_its_results_predate_the_edit(draw: Draw, recorded: Path) -> None:
    (expander,) = checks(draw(recorded, EDITED))
    assert any("before the page was edited" in m.value for m in expander.markdown)


def test_a_page_without_checks_has_no_badge(draw: Draw, tmp_path: Path) -> None:
    write(tmp_path, "p.yaml", page("principle/no-checks"))
    app = draw(tmp_path, "principle/no-checks")
    assert badges(app) == []
    assert checks(app) == []
