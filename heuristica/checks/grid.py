"""Where a page's claims hold, read from the verification record: a grid of
its checks (rows) by the environments it was verified on (columns), one
line that sums it up ("Holds on CPython 3.11–3.13 · polars 1.42–2.1"), and
the badge, all from the same runs.

A column is one environment as the page sees it: the interpreter and the
versions of the packages its checks name. Matrix cells that differ only in
packages the page does not name are one column for it; where their results
differ, the column shows the worst and names the cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from packaging.version import InvalidVersion, Version

from heuristica.checks.recorded import (
    PageRun,
    Record,
    RecordedCheck,
    RecordedEnvironment,
    has_checks,
    page_hash,
)
from heuristica.checks.run import Status
from heuristica.kb.model import Page

__all__ = [
    "BadgeState",
    "Column",
    "PageGrid",
    "PageVerification",
    "page_grid",
    "page_verification",
]

WORST_FIRST = (Status.FAILS, Status.ERROR, Status.HOLDS, Status.SKIPPED, Status.NOT_APPLICABLE)
FAILING = (Status.FAILS, Status.ERROR)
EXPECTED_CHARS = 80
"""How much of a failing check's expectation the summary line quotes."""


@dataclass(frozen=True)
class Column:
    """One environment the page was verified on, and each check's result there."""

    environment: RecordedEnvironment
    verified_at: dt.datetime
    results: dict[str, RecordedCheck]
    cells: dict[str, tuple[str, ...]]
    """Per check, the matrix cells that gave its result (empty for a plain run)."""

    @property
    def label(self) -> str:
        return self.environment.label()

    @property
    def failing(self) -> list[str]:
        return [name for name, result in self.results.items() if result.status in FAILING]

    @property
    def holds(self) -> bool:
        """Some check held here and none failed."""
        statuses = {result.status for result in self.results.values()}
        return Status.HOLDS in statuses and not statuses & set(FAILING)


@dataclass(frozen=True)
class PageGrid:
    checks: tuple[str, ...]
    columns: tuple[Column, ...]

    def summary(self) -> str:
        """One line: where the page's checks fail (and what was expected), where
        they hold, where none applied."""
        failing = [c for c in self.columns if c.failing]
        holding = [c for c in self.columns if c.holds]
        idle = [c for c in self.columns if c not in failing and c not in holding]
        if failing:
            name = failing[0].failing[0]
            expected = _one_line(
                failing[0].results[name].expected or failing[0].results[name].reason
            )
            line = f"Fails on {self.where(failing)} ({name}: expected {expected})"
            return line + (f"; holds on {self.where(holding, whole=True)}" if holding else "")
        if holding:
            line = f"Holds on {self.where(holding, whole=True)}"
            return line + (f"; not applicable on {self.where(idle)}" if idle else "")
        return f"No check ran on {self.where(list(self.columns))}"

    def headers(self) -> list[str]:
        """Each column's short name: its values where the columns differ, each as
        short as it can be and still tell them apart ("3.12 · 1.41")."""
        varying = [d for d in _dimensions(self.columns) if len(_values(self.columns, d)) > 1]
        named = varying or [PYTHON]
        short = {d: _shortened(sorted(_values(self.columns, d), key=_version_key)) for d in named}
        return [" · ".join(short[d][_value(c, d)] for d in named) for c in self.columns]

    def worst(self, check: str) -> tuple[Column, RecordedCheck] | None:
        """The column where ``check`` did worst (fails before holds before not run)."""
        found = [(c, c.results[check]) for c in self.columns if check in c.results]
        if not found:
            return None
        return min(found, key=lambda pair: WORST_FIRST.index(pair[1].status))

    def where(self, chosen: Sequence[Column], *, whole: bool = False) -> str:
        """``chosen`` columns in words, by what sets them apart from the rest
        ("polars 1.41"), or ``whole``: by all they span ("CPython 3.11–3.13 ·
        polars 1.42–2.1"); "3 of 12 environments" when no such words are exact."""
        dimensions = _dimensions(self.columns)
        picked = set(map(id, chosen))
        everything = whole or len(picked) == len(self.columns)
        named = [
            d for d in dimensions if everything or _values(chosen, d) != _values(self.columns, d)
        ]
        described = {
            id(column)
            for column in self.columns
            if all(_value(column, d) in _values(chosen, d) for d in named)
        }
        if not named or described != picked:
            return f"{len(chosen)} of {len(self.columns)} environments"
        return " · ".join(
            f"{_dimension_label(self.columns, d)} "
            + _values_text(_values(chosen, d), _values(self.columns, d))
            for d in named
        )


def page_grid(page: Page, record: Record) -> PageGrid | None:
    """The grid of ``page`` as it is now (its runs for an earlier version of the
    page left out); None when it has nothing to verify."""
    if not has_checks(page):
        return None
    recorded = record.pages.get(page.id, [])
    current = page_hash(page) if recorded else ""  # a page's hash costs; most have no runs
    runs = [run for run in recorded if run.page_hash == current]
    checks = tuple(dict.fromkeys(name for run in runs for name in run.checks))
    groups: dict[str, list[PageRun]] = {}
    for run in runs:
        groups.setdefault(run.environment.model_dump_json(), []).append(run)
    columns = sorted((_column(group) for group in groups.values()), key=_column_order)
    return PageGrid(checks, tuple(columns))


def _column(runs: list[PageRun]) -> Column:
    results: dict[str, RecordedCheck] = {}
    cells: dict[str, tuple[str, ...]] = {}
    for name in dict.fromkeys(name for run in runs for name in run.checks):
        seen = [(run.checks[name], run.cell) for run in runs if name in run.checks]
        worst = min(seen, key=lambda pair: WORST_FIRST.index(pair[0].status))[0]
        results[name] = worst
        cells[name] = tuple(cell for result, cell in seen if cell and result == worst)
    newest = max(run.verified_at for run in runs)
    return Column(runs[0].environment, newest, results, cells)


def _version_key(text: str | None) -> tuple[int, Version | str]:
    try:
        return (0, Version(text or ""))
    except InvalidVersion:
        return (1, text or "")


def _column_order(column: Column) -> tuple[object, ...]:
    environment = column.environment
    packages = sorted(environment.packages.items())
    return (
        environment.implementation,
        _version_key(environment.python),
        tuple((name, _version_key(version)) for name, version in packages),
    )


# Describing a set of columns ------------------------------------------------------

PYTHON = ""
"""The dimension of the interpreter's version (the others are package names)."""


def _dimensions(columns: Sequence[Column]) -> list[str]:
    names = dict.fromkeys(name for c in columns for name in c.environment.packages)
    return [PYTHON, *names]


def _value(column: Column, dimension: str) -> str:
    if dimension == PYTHON:
        return column.environment.python
    return column.environment.packages.get(dimension) or "not installed"


def _values(columns: Sequence[Column], dimension: str) -> set[str]:
    return {_value(column, dimension) for column in columns}


def _dimension_label(columns: Sequence[Column], dimension: str) -> str:
    return columns[0].environment.implementation if dimension == PYTHON else dimension


def _values_text(chosen: set[str], every: set[str]) -> str:
    """``chosen`` among ``every`` value: "3.11–3.13" for a run of neighbours,
    else a list; each as short as it can be and still tell them apart."""
    ordered = sorted(every, key=_version_key)
    short = _shortened(ordered)
    positions = sorted(ordered.index(value) for value in chosen)
    if len(positions) > 1 and positions[-1] - positions[0] == len(positions) - 1:
        return f"{short[ordered[positions[0]]]}–{short[ordered[positions[-1]]]}"
    return ", ".join(short[ordered[p]] for p in positions)


def _shortened(values: list[str]) -> dict[str, str]:
    """Each version as major.minor when no other value shares its major.minor."""
    minor = {value: ".".join(value.split(".")[:2]) for value in values}
    shared = [m for m in minor.values()]
    return {v: m if shared.count(m) == 1 else v for v, m in minor.items()}


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXPECTED_CHARS else line[: EXPECTED_CHARS - 1] + "…"


# The badge ------------------------------------------------------------------------


class BadgeState(StrEnum):
    VERIFIED = "verified"
    FAILING = "failing"
    NOT_VERIFIED = "not_verified"
    STALE = "stale"


@dataclass(frozen=True)
class PageVerification:
    """What the record says about one page now."""

    state: BadgeState
    text: str
    """The badge, e.g. "Verified on CPython 3.11.7 · polars 2.1.0 · 2026-12-02"."""
    run: PageRun | None
    """The run the badge is about (the newest for the page as it is now)."""
    other_runs: tuple[PageRun, ...] = ()
    """Other environments this version of the page was verified on."""
    grid: PageGrid | None = None
    """Every environment this version of the page was verified on."""


def page_verification(page: Page, record: Record) -> PageVerification | None:
    """The page's verification state; None for a page that has nothing to verify."""
    grid = page_grid(page, record)
    if grid is None:
        return None
    runs = record.pages.get(page.id, [])
    if not runs:
        return PageVerification(BadgeState.NOT_VERIFIED, "Not verified", None)
    current = sorted(
        (run for run in runs if run.page_hash == page_hash(page)),
        key=lambda run: run.verified_at,
        reverse=True,
    )
    if not current:
        last = max(runs, key=lambda run: run.verified_at)
        text = f"Edited after its last verification ({_date(last.verified_at)})"
        return PageVerification(BadgeState.STALE, text, last)
    state, text = _one_environment(grid.columns[0]) if len(grid.columns) == 1 else _many(grid)
    return PageVerification(state, text, current[0], tuple(current[1:]), grid)


def _one_environment(column: Column) -> tuple[BadgeState, str]:
    where = f"{column.label} · {_date(column.verified_at)}"
    total = len(column.results)
    failing = column.failing
    if failing:
        verb = "fails" if len(failing) == 1 else "fail"
        return BadgeState.FAILING, f"{len(failing)} of {total} checks {verb} on {where}"
    statuses = [result.status for result in column.results.values()]
    if Status.HOLDS not in statuses:
        return BadgeState.NOT_VERIFIED, f"Not verified: no check ran on {where}"
    left_out = [
        f"{statuses.count(status)} {status.words}"
        for status in (Status.SKIPPED, Status.NOT_APPLICABLE)
        if status in statuses
    ]
    aside = f" ({', '.join(left_out)})" if left_out else ""
    return BadgeState.VERIFIED, f"Verified on {where}{aside}"


def _many(grid: PageGrid) -> tuple[BadgeState, str]:
    date = _date(max(column.verified_at for column in grid.columns))
    failing = [column for column in grid.columns if column.failing]
    if failing:
        return BadgeState.FAILING, f"Fails on {grid.where(failing)} · {date}"
    holding = [column for column in grid.columns if column.holds]
    if not holding:
        return BadgeState.NOT_VERIFIED, f"Not verified: no check ran · {date}"
    return BadgeState.VERIFIED, f"Holds on {grid.where(holding, whole=True)} · {date}"


def _date(when: dt.datetime) -> str:
    return when.date().isoformat()
