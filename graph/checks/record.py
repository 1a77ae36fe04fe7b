"""The verification record: results of ``verify --record`` (and of
``verify --matrix --record``), committed beside the pages
(``knowledge/verification.json``), and what it says about a page now: the
warnings for ``check`` and Problems (the badge and grid: ``grid``).

Per page, one run per matrix cell, and one per environment of a plain
``verify --record`` (interpreter, platform, the versions of the packages that
page's checks name): a team that verifies on several versions keeps each
one's results. Each run carries a hash of the page as loaded, so an edit
after the run shows as "edited after its last verification" until someone
verifies again. The shape: ``recorded``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from heuristica.graph.checks.environment import Environment
from heuristica.graph.checks.grid import (
    BadgeState,
    Column,
    PageVerification,
    page_verification,
)
from heuristica.graph.checks.matrix_file import matrix_problems
from heuristica.graph.checks.recorded import (
    PageRun,
    Record,
    RecordedCell,
    RecordedCheck,
    RecordedEnvironment,
    has_checks,
    page_hash,
)
from heuristica.graph.checks.run import CheckResult, Status
from heuristica.graph.checks.signature import reference_unparsable
from heuristica.graph.loader import LoadResult
from heuristica.graph.model import CODE_REFERENCE_CHECK, Implementation, Page
from heuristica.graph.problems import Problem, Severity
from heuristica.graph.where import command

if TYPE_CHECKING:
    from heuristica.graph.checks.matrix import CellRun
    from heuristica.graph.verify import Verification

__all__ = [
    "RECORD_FILE",
    "BadgeState",
    "PageRun",
    "PageVerification",
    "Record",
    "RecordError",
    "RecordedCheck",
    "VerificationMemo",
    "has_checks",
    "merge_records",
    "page_hash",
    "page_verification",
    "read_record",
    "verification_problems",
    "with_verification_problems",
    "write_matrix_record",
    "write_record",
]

RECORD_FILE = "verification.json"
"""In the knowledge base's folder. JSON, not YAML: the page loader skips it."""
ENVIRONMENTS_KEPT = 8
"""Per page, the most recent environments of plain runs kept; older ones drop out."""
SEEN_CHARS = 1500
"""How much of what a check showed is recorded (a traceback can be long)."""


class RecordError(Exception):
    """The record file cannot be read; carries the Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_record(path: Path) -> Record:
    """The record at ``path``; an empty one when there is none. RecordError
    (with file, line and message) when the file is not a record."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Record()
    except (OSError, UnicodeDecodeError) as error:
        raise _record_error(path, 0, 0, f"cannot read the verification record: {error}") from None
    try:
        return Record.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            line, col = _json_position(text)
            message = f"the verification record is not valid JSON: {first['msg']}"
            raise _record_error(path, line, col, message) from None
        where = ".".join(str(part) for part in first["loc"])
        message = f"the verification record is malformed at '{where}': {first['msg']}"
        raise _record_error(path, 0, 0, message) from None


def _json_position(text: str) -> tuple[int, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return error.lineno, error.colno
    return 0, 0


def _record_error(path: Path, line: int, col: int, message: str) -> RecordError:
    problem = Problem(str(path), line, col, Severity.WARNING, "bad-verification-record", message)
    return RecordError(problem)


def write_record(path: Path, pages: Iterable[Page], verification: Verification) -> Path:
    """Merge one plain run's results for ``pages`` into the record at ``path``.

    A page's run in the same environment is replaced; other environments'
    and the matrix cells' runs are kept. A record that cannot be read is
    started afresh. Returns ``path``.
    """
    record = _readable(path)
    now = _now()
    runs = _page_runs(pages, verification, None, now)
    return _save(path, _with_runs(record, runs, record.cells))


def write_matrix_record(
    path: Path, pages: Iterable[Page], runs: Sequence[CellRun], matrix_cells: Sequence[str]
) -> Path:
    """Merge the cells of a ``verify --matrix`` (or ``--cell``) run into the record.

    Each cell run replaces that cell's entry and its page runs; a cell that
    could not be built keeps its last results, with the reason it could not
    be built now. Cells that are no longer in the matrix (``matrix_cells``, in
    its order) are dropped with their runs. Returns ``path``.
    """
    record = _readable(path)
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
    return _save(path, _with_runs(record, fresh, ordered))


def merge_records(path: Path, others: Sequence[Record], matrix_cells: Sequence[str] | None) -> Path:
    """Merge ``others`` (records written by ``--cell`` runs elsewhere, e.g. one
    per CI job) into the record at ``path``: per cell the newest run wins,
    plain runs are merged as ``write_record`` does. ``matrix_cells``: the
    matrix's cells in order (others dropped), None to keep every cell."""
    record = _readable(path)
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
    return _save(path, merged)


def _readable(path: Path) -> Record:
    try:
        return read_record(path)
    except RecordError:
        return Record()


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


def _save(path: Path, record: Record) -> Path:
    text = json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


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


def with_verification_problems(
    result: LoadResult, memo: VerificationMemo | None = None
) -> LoadResult:
    """``result`` with the warnings of ``verification_problems`` among its problems,
    sorted: what ``check``, the app and the MCP server all report."""
    result.problems = sorted([*result.problems, *verification_problems(result, memo)])
    return result


class VerificationMemo:
    """Each page's verification warnings from the last time, kept for loading
    the same folder again: a page that is the same object (so the same version
    of the same file) and a record file that did not change give the same
    warnings, without parsing its Code Reference or hashing it again."""

    def __init__(self) -> None:
        self.record_version: tuple[int, ...] | None = None
        self.record: Record | RecordError = Record()
        self.pages: dict[str, tuple[Page, str, list[Problem]]] = {}


def _record_version(path: Path) -> tuple[int, ...] | None:
    """What identifies one version of the record file ((0,) when there is
    none); None when it cannot be told (then it is read every time)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return (0,)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino, status.st_dev)


def verification_problems(
    result: LoadResult, memo: VerificationMemo | None = None
) -> list[Problem]:
    """Warnings for the loaded pages whose verification fails or is stale, for
    Code References that cannot be checked, and for a record that cannot be read.
    ``memo`` (kept between loads of the same folder) spares the work for the
    pages that did not change."""
    memo = memo if memo is not None else VerificationMemo()
    path = result.root / RECORD_FILE
    version = _record_version(path)
    if version is None or version != memo.record_version:
        memo.pages.clear()
        try:
            memo.record = read_record(path)
        except RecordError as error:
            memo.record = error
        memo.record_version = version
    record = memo.record
    problems: list[Problem] = []
    kept: dict[str, tuple[Page, str, list[Problem]]] = {}
    for page_id, page in result.pages.items():
        file = result.files.get(page_id, "")
        seen = memo.pages.get(page_id)
        if seen is not None and seen[0] is page and seen[1] == file:
            found = seen[2]
        else:
            found = _page_problems(result, page_id, page, file, record)
        kept[page_id] = (page, file, found)
        problems += found
    memo.pages = kept
    if isinstance(record, RecordError):
        # named like the loader's Problems: relative to the knowledge folder
        problems.append(replace(record.problem, file=RECORD_FILE))
    return problems + matrix_problems(result.root)


def _page_problems(
    result: LoadResult, page_id: str, page: Page, file: str, record: Record | RecordError
) -> list[Problem]:
    """One page's verification warnings (``file``: the page's, "" if unknown)."""
    root = result.root
    problems = _unparsable_reference(result, page_id, page, file)
    if isinstance(record, RecordError):
        return problems
    state = page_verification(page, record)
    if state is None or state.run is None:
        return problems
    file = file or RECORD_FILE
    if state.state is BadgeState.STALE:
        message = (
            f"page '{page_id}' was edited after its last verification "
            f"({state.run.verified_at.date().isoformat()}): "
            f"run '{command('verify', root, '--record', '--page', page_id)}'"
        )
        problems.append(Problem(file, 0, 0, Severity.WARNING, "stale-verification", message))
        return problems
    grid = state.grid
    if grid is None:
        return problems
    # A cell outside a check's declared range ran it as not applicable: it never fails there.
    for name in grid.checks:
        failing = [column for column in grid.columns if name in column.failing]
        if failing:
            problems.append(_failing_check(root / file, file, name, failing))
    return problems


def _failing_check(path: Path, file: str, name: str, columns: list[Column]) -> Problem:
    first = columns[0].results[name]
    verb = "fails" if first.status is Status.FAILS else "errs"
    where = "; ".join(
        f"{column.label} ({column.verified_at.date().isoformat()}"
        + (f", cell {', '.join(column.cells[name])})" if column.cells.get(name) else ")")
        for column in columns
    )
    line = _check_line(path, name)
    message = f"check '{name}' {verb} inside its declared range on {where}: {first.reason}"
    return Problem(file, line, 1 if line else 0, Severity.WARNING, "failing-check", message)


def _unparsable_reference(result: LoadResult, page_id: str, page: Page, file: str) -> list[Problem]:
    if not isinstance(page, Implementation):
        return []
    if result.unverifiable is not None:  # found when the page was parsed
        found = result.unverifiable.get(page_id)
    else:
        found = reference_unparsable(page.code_reference)
    if not found:
        return []
    field, why = found
    line = _line_of(result.root / file, re.compile(rf"^\s*{field}\s*:"))
    message = f"'code_reference.{field}' cannot be checked: {why}"
    return [Problem(file, line, 1 if line else 0, Severity.WARNING, "unverifiable", message)]


def _check_line(file: Path, name: str) -> int:
    """The line of ``- name: <name>`` in the page's file, or 0 (the Code Reference check:
    the ``code_reference:`` line)."""
    pattern = (
        re.compile(r"^\s*code_reference\s*:")
        if name == CODE_REFERENCE_CHECK
        else re.compile(rf"^\s*-?\s*name\s*:\s*['\"]?{re.escape(name)}['\"]?\s*$")
    )
    return _line_of(file, pattern)


def _line_of(file: Path, pattern: re.Pattern[str]) -> int:
    """The first line of ``file`` that ``pattern`` matches, or 0."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 0)
