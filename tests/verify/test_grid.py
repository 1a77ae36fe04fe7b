"""The summary line and the badge, computed from recorded runs: environments
named by what sets them apart, ranges over the versions tested."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from heuristica.checks.grid import BadgeState, page_verification
from heuristica.checks.record import RECORD_FILE, read_record, write_record
from heuristica.checks.recorded import (
    PageRun,
    Record,
    RecordedCheck,
    RecordedEnvironment,
    page_hash,
)
from heuristica.checks.run import Status
from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import Page
from tests.kb import page, write

H = "heuristic/scoped"
PYTHONS = ("3.11.7", "3.12.1", "3.13.0")
POLARS = ("1.17.1", "1.41.2", "1.42.1", "2.1.0")
WHEN = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> Page:
    root = tmp_path_factory.mktemp("grid")
    write(root, "h.yaml", page(H, checks=[{"name": "c", "claim": "x", "code": "pass"}]))
    return load_knowledge(root).pages[H]


def matrix_record(the_page: Page, status_of: Callable[[str, str], Status]) -> Record:
    runs = [
        PageRun(
            page_hash=page_hash(the_page),
            verified_at=WHEN,
            environment=RecordedEnvironment(
                implementation="CPython", python=python, platform="linux", packages={"polars": pl}
            ),
            checks={"c": RecordedCheck(status=status_of(python, pl), expected="the line 'x=1'")},
            cell=f"py{python}-polars{pl}",
        )
        for python, pl in itertools.product(PYTHONS, POLARS)
    ]
    return Record(pages={H: runs})


def test_a_claim_scoped_to_newer_versions_holds_there_and_is_not_applicable_before(
    scoped: Page,
) -> None:
    record = matrix_record(
        scoped, lambda py, pl: Status.HOLDS if pl >= "1.42" else Status.NOT_APPLICABLE
    )
    state = page_verification(scoped, record)
    assert state is not None and state.grid is not None

    assert state.grid.summary() == (
        "Holds on CPython 3.11–3.13 · polars 1.42–2.1; not applicable on polars 1.17–1.41"
    )
    assert (state.state, state.text) == (
        BadgeState.VERIFIED,
        "Holds on CPython 3.11–3.13 · polars 1.42–2.1 · 2026-12-07",
    )
    assert state.grid.headers()[:2] == ["3.11 · 1.17", "3.11 · 1.41"]


def test_a_failure_in_one_cell_is_named_by_both_of_its_versions(scoped: Page) -> None:
    record = matrix_record(
        scoped, lambda py, pl: Status.FAILS if (py, pl) == ("3.12.1", "1.41.2") else Status.HOLDS
    )
    state = page_verification(scoped, record)
    assert state is not None and state.grid is not None

    assert state.grid.summary() == (
        "Fails on CPython 3.12 · polars 1.41 (c: expected the line 'x=1'); "
        "holds on 11 of 12 environments"
    )
    assert state.text == "Fails on CPython 3.12 · polars 1.41 · 2026-12-07"


def test_versions_that_are_not_neighbours_are_listed(scoped: Page) -> None:
    record = matrix_record(
        scoped, lambda py, pl: Status.FAILS if pl in ("1.17.1", "1.42.1") else Status.HOLDS
    )
    state = page_verification(scoped, record)
    assert state is not None and state.grid is not None
    assert state.grid.summary().startswith("Fails on polars 1.17, 1.42 (c: expected")


def test_a_format_1_record_is_read_and_written_back_as_format_2(
    scoped: Page, tmp_path: Path
) -> None:
    path = tmp_path / RECORD_FILE
    old = matrix_record(scoped, lambda py, pl: Status.HOLDS).model_dump(mode="json")
    old["format"] = 1
    del old["cells"]
    for run in old["pages"][H]:
        del run["cell"]
    path.write_text(json.dumps(old))

    assert [run.cell for run in read_record(path).pages[H]] == [None] * 12
    from heuristica.checks.environment import Environment
    from heuristica.checks.verify import Verification

    empty = Verification(Environment("CPython", "3.11.7", "linux", "x86_64", "python"), [])
    write_record(path, [scoped], empty)

    data = json.loads(path.read_text())
    assert data["format"] == 2 and data["cells"] == {}
    assert len(data["pages"][H]) == 8  # a plain run per environment: the newest eight kept


def test_a_record_from_a_newer_heuristica_is_a_clear_warning(tmp_path: Path) -> None:
    from heuristica.checks.record import RecordError

    (tmp_path / RECORD_FILE).write_text('{"format": 3, "pages": {}}')
    with pytest.raises(RecordError, match="format 3 is not one this heuristica reads"):
        read_record(tmp_path / RECORD_FILE)


def test_a_page_with_no_recorded_runs_is_not_hashed(
    scoped: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hashing a page dumps it whole (10,000 pages: a quarter of a warm
    start's checks): the grid hashes only a page the record has runs of."""
    from heuristica.checks import grid

    hashed: list[str] = []

    def counted(the_page: Page) -> str:
        hashed.append(the_page.id)
        return page_hash(the_page)

    monkeypatch.setattr(grid, "page_hash", counted)
    unrecorded = page_verification(scoped, Record(pages={}))
    assert unrecorded is not None and unrecorded.state is BadgeState.NOT_VERIFIED
    assert hashed == []
    recorded = page_verification(scoped, matrix_record(scoped, lambda py, pl: Status.HOLDS))
    assert recorded is not None and recorded.grid is not None and recorded.grid.columns
    assert hashed and set(hashed) == {H}
