"""Results into the verification record: a plain ``verify --record`` run, the
cells of ``verify --matrix --record``, and records from CI jobs merged. Per
page, one run per matrix cell and one per environment of plain runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from heuristica.checks.environment import Environment
from heuristica.checks.record_file import readable_record, save_record
from heuristica.checks.recorded import (
    PageRun,
    Record,
    RecordedCell,
    RecordedCheck,
    RecordedEnvironment,
    page_hash,
)
from heuristica.checks.run import CheckResult
from heuristica.kb.model import Page

if TYPE_CHECKING:
    from heuristica.checks.matrix import CellRun
    from heuristica.checks.verify import Verification

__all__ = ["merge_records", "write_matrix_record", "write_record"]

ENVIRONMENTS_KEPT = 8
"""Per page, the most recent environments of plain runs kept; older ones drop out."""
SEEN_CHARS = 1500
"""How much of what a check showed is recorded (a traceback can be long)."""


def write_record(path: Path, pages: Iterable[Page], verification: Verification) -> Path:
    """Merge one plain run's results for ``pages`` into the record at ``path``.

    A page's run in the same environment is replaced; other environments'
    and the matrix cells' runs are kept. A record that cannot be read is
    started afresh. Returns ``path``.
    """
    record = readable_record(path)
    now = _now()
    runs = _page_runs(pages, verification, None, now)
    return save_record(path, _with_runs(record, runs, record.cells))


def write_matrix_record(
    path: Path, pages: Iterable[Page], runs: Sequence[CellRun], matrix_cells: Sequence[str]
) -> Path:
    """Merge the cells of a ``verify --matrix`` (or ``--cell``) run into the record.

    Each cell run replaces that cell's entry and its page runs; a cell that
    could not be built keeps its last results, with the reason it could not
    be built now. Cells that are no longer in the matrix (``matrix_cells``, in
    its order) are dropped with their runs. Returns ``path``.
    """
    record = readable_record(path)
    pages = list(pages)
    now = _now()
    cells = dict(record.cells)
    fresh: list[tuple[str, PageRun]] = []
    for run in runs:
        name = run.cell.name
        cells[name] = _recorded_cell(run, cells.get(name), now)
        if run.verification is not None:
            fresh += _page_runs(pages, run.verification, name, now)
    ordered = {name: cells[name] for name in matrix_cells if name in cells}
    return save_record(path, _with_runs(record, fresh, ordered))


def merge_records(path: Path, others: Sequence[Record], matrix_cells: Sequence[str] | None) -> Path:
    """Merge ``others`` (records written by ``--cell`` runs elsewhere, e.g. one
    per CI job) into the record at ``path``: per cell the newest run wins,
    plain runs are merged as ``write_record`` does. ``matrix_cells``: the
    matrix's cells in order (others dropped), None to keep every cell."""
    record = readable_record(path)
    cells = dict(record.cells)
    fresh: list[tuple[str, PageRun]] = []
    for other in others:
        newer = {
            name: cell
            for name, cell in other.cells.items()
            if name not in cells or cell.verified_at >= cells[name].verified_at
        }
        cells |= newer
        fresh += [
            (page_id, run)
            for page_id, runs in other.pages.items()
            for run in runs
            if run.cell is None or run.cell in newer
        ]
    names = list(cells) if matrix_cells is None else [n for n in matrix_cells if n in cells]
    fresh.sort(key=lambda pair: pair[1].verified_at)
    merged = _with_runs(record, fresh, {name: cells[name] for name in names})
    return save_record(path, merged)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _with_runs(
    record: Record, fresh: list[tuple[str, PageRun]], cells: dict[str, RecordedCell]
) -> Record:
    """``record`` with each of ``fresh`` (page id, run) in place of the run it
    replaces: the same cell's, or for a plain run the same environment's."""
    pages = {page_id: list(runs) for page_id, runs in record.pages.items()}
    for page_id, run in fresh:
        kept = [old for old in pages.get(page_id, []) if not _same_place(old, run)]
        pages[page_id] = [run, *kept]
    order = {name: index for index, name in enumerate(cells)}
    tidy = {}
    for page_id, runs in sorted(pages.items()):
        in_cells = sorted((r for r in runs if r.cell in order), key=lambda r: order[str(r.cell)])
        plain = sorted(
            (r for r in runs if r.cell is None), key=lambda r: r.verified_at, reverse=True
        )
        if in_cells or plain:
            tidy[page_id] = [*in_cells, *plain[:ENVIRONMENTS_KEPT]]
    return Record(cells=cells, pages=tidy)


def _same_place(old: PageRun, new: PageRun) -> bool:
    if new.cell is not None:
        return old.cell == new.cell
    return old.cell is None and old.environment == new.environment


def _recorded_cell(run: CellRun, before: RecordedCell | None, now: dt.datetime) -> RecordedCell:
    versions = {pin.name: pin.version for pin in run.cell.pins}
    declared = run.cell.interpreter.version
    if run.verification is None:
        if before is not None:
            return before.model_copy(update={"reason": run.reason})
        return RecordedCell(python=declared, versions=versions, verified_at=now, reason=run.reason)
    return RecordedCell(
        python=declared,
        versions=versions,
        verified_at=now,
        environment=_recorded_environment(run.verification.environment, None),
        installed=list(run.built.requirements) if run.built else [],
        counts=run.verification.counts(),
    )


def _recorded_environment(
    environment: Environment, named: Iterable[str] | None
) -> RecordedEnvironment:
    """``environment`` as recorded: with the packages ``named`` (None: every one
    the interpreter reported installed)."""
    packages = (
        {name: version for name, version in environment.packages.items() if version}
        if named is None
        else {name: environment.packages.get(name) for name in named}
    )
    return RecordedEnvironment(
        implementation=environment.implementation,
        python=environment.python,
        platform=environment.platform,
        machine=environment.machine,
        packages=dict(sorted(packages.items())),
    )


def _page_runs(
    pages: Iterable[Page], verification: Verification, cell: str | None, now: dt.datetime
) -> list[tuple[str, PageRun]]:
    results: dict[str, list[CheckResult]] = {}
    for result in verification.results:
        results.setdefault(result.page, []).append(result)
    return [
        (page.id, _page_run(page, results[page.id], verification.environment, cell, now))
        for page in pages
        if page.id in results
    ]


def _page_run(
    page: Page,
    results: list[CheckResult],
    environment: Environment,
    cell: str | None,
    now: dt.datetime,
) -> PageRun:
    named = sorted({name for result in results for name in result.packages})
    return PageRun(
        page_hash=page_hash(page),
        verified_at=now,
        environment=_recorded_environment(environment, named),
        checks={
            result.name: RecordedCheck(
                status=result.status,
                reason=result.reason,
                expected=result.expected[:SEEN_CHARS],
                seen=result.seen[:SEEN_CHARS],
                seconds=round(result.seconds, 3),
            )
            for result in results
        },
        cell=cell,
    )
