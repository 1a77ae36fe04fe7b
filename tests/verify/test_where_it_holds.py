"""The panel's "Where it holds": a page verified on a matrix of two cells, for
real, drawn by Streamlit's AppTest: the summary line, the grid (one row per
check, one column per environment), a selected cell opening what was
expected and seen, and the badge, all from the same record."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.test_panel import Draw
from tests.verify.conftest import FAKE_DISTRIBUTION
from tests.verify.matrix_kb import CELLS, PYTHON, H, recorded_matrix

GRID_KEY = f"where_it_holds_{H}"
MINOR = ".".join(PYTHON.split(".")[:2])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("where")
    return recorded_matrix(tmp / "kb", tmp)


def test_one_line_says_where_the_page_fails_what_was_expected_and_where_it_holds(
    draw: Draw, recorded: Path
) -> None:
    app = draw(recorded, H)

    headings = [m.value for m in app.markdown]
    at = headings.index("#### Where it holds")
    assert headings[at + 1].replace("\\", "") == (
        f"**Fails on {FAKE_DISTRIBUTION} 1.0 (always-second: expected exit status 0, "
        f"the line 'generation=2'); holds on CPython {MINOR} · {FAKE_DISTRIBUTION} 2.0**"
    )


def test_the_grid_has_a_row_per_check_and_a_column_per_environment(
    draw: Draw, recorded: Path
) -> None:
    (grid,) = draw(recorded, H).dataframe

    frame = grid.value
    assert list(frame["Check"]) == ["first-generation", "second-generation", "always-second"]
    assert [list(frame[column]) for column in ("c0", "c1")] == [
        ["✓ holds", "– n/a", "✗ fails"],
        ["– n/a", "✓ holds", "✓ holds"],
    ]


def test_a_selected_cell_opens_what_was_expected_and_seen_there(draw: Draw, recorded: Path) -> None:
    app = draw(recorded, H)
    app.session_state[GRID_KEY] = {"selection": {"cells": [[2, "c0"]]}}
    app.run()

    texts = [m.value.replace("\\", "") for m in app.markdown]
    assert f"**always-second · fails** on CPython {PYTHON} · {FAKE_DISTRIBUTION} 1.0" in texts
    assert "never printed 'generation=2'" in texts
    codes = [c.value for c in app.code]
    assert "exit status 0, the line 'generation=2'" in codes
    assert "exit status 0, printed:\ngeneration=1" in codes
    assert any(f"in cell {CELLS[0]}" in c.value.replace("\\", "") for c in app.caption)


def test_the_badge_reads_the_same_cells(draw: Draw, recorded: Path) -> None:
    app = draw(recorded, H)
    (badge,) = [m.value for m in app.markdown if "-badge[:material/" in m.value]
    assert badge.replace("\\", "").startswith(
        f":red-badge[:material/error: Fails on {FAKE_DISTRIBUTION} 1.0 · "
    )


def test_checks_name_the_environment_of_their_worst_result(draw: Draw, recorded: Path) -> None:
    app: AppTest = draw(recorded, H)
    labels = [expander.label for expander in app.expander if expander.label != "History"]
    assert labels == [
        "first\\-generation · holds",
        "second\\-generation · holds",
        "always\\-second · fails",
    ]
    worst = app.expander[2].markdown[1].value.replace("\\", "")
    assert worst.startswith(f"**Last result: fails** on CPython {PYTHON} · {FAKE_DISTRIBUTION} 1.0")
