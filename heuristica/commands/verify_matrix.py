"""``verify --matrix``, ``--cell``, ``--print-github-matrix`` and ``--merge``:
the checks of a knowledge base across the cells of its matrix, on this
machine or one cell per CI job.

Exit codes: 0 every cell was built and nothing applicable fails or errs in
any, 1 otherwise (or a page could not be loaded), 2 bad usage (a matrix file
that is missing or wrong, an unknown cell, options that do not go together).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from packaging.utils import canonicalize_name

from heuristica.checks.local_code import Repositories, RepositoriesError, read_repositories
from heuristica.checks.matrix import CellRun, MatrixRun, run_matrix
from heuristica.checks.matrix_file import MATRIX_FILE, Cell, Matrix, MatrixError, read_matrix
from heuristica.checks.record import (
    RECORD_FILE,
    RecordError,
    merge_records,
    read_record,
    write_matrix_record,
)
from heuristica.checks.run import Status
from heuristica.checks.verify import packages_named
from heuristica.commands.check_lines import printable, result_lines
from heuristica.commands.usage import UsageError
from heuristica.kb.loader import LoadResult
from heuristica.kb.model import Page
from heuristica.kb.problems import did_you_mean

__all__ = ["GITHUB_MAX_JOBS", "github_matrix", "repositories_of", "run_matrix_verify", "run_merge"]

GITHUB_MAX_JOBS = 256
"""GitHub Actions runs at most this many jobs from one matrix."""
SHOWN = (Status.FAILS, Status.ERROR)
"""What the text report details per cell (the rest is counted)."""


def repositories_of(result: LoadResult) -> Repositories:
    """The local checkouts the knowledge base (and this machine) name; a usage
    error that says where when its file cannot be read."""
    try:
        return read_repositories(result.root)
    except RepositoriesError as error:
        raise UsageError(str(error)) from None


def matrix_file(result: LoadResult, given: str | None) -> Path:
    """The matrix file ``--matrix FILE`` names, else the knowledge base's own."""
    return Path(given) if given else result.root / MATRIX_FILE


def load_matrix(path: Path) -> Matrix:
    try:
        return read_matrix(path)
    except MatrixError as error:
        raise UsageError(printable(str(error))) from None


def run_matrix_verify(result: LoadResult, pages: list[Page], args: argparse.Namespace) -> int:
    """``verify --matrix`` / ``--cell`` / ``--print-github-matrix`` as ``args`` say."""
    matrix = load_matrix(matrix_file(result, args.matrix))
    if args.print_github_matrix:
        print(json.dumps(github_matrix(matrix)))
        return 0
    cells = _chosen_cells(matrix, args.cell or [])
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: give 1 or more cells to run at once")
    for problem in result.errors:
        print(printable(str(problem)), file=sys.stderr)
    undeclared = _undeclared(matrix, pages)
    if undeclared:
        print(
            f"note: checks name {', '.join(undeclared)}, which {matrix.file} does not install: "
            "they are skipped in every cell",
            file=sys.stderr,
        )
    started = time.monotonic()
    run = run_matrix(pages, matrix, cells, args.jobs, repositories=repositories_of(result))
    seconds = time.monotonic() - started
    if args.format == "json":
        print(json.dumps(_as_json(run, seconds), indent=2))
    else:
        print(_as_text(run, seconds))
    if args.record:
        names = [cell.name for cell in matrix.cells()]
        path = write_matrix_record(result.root / RECORD_FILE, pages, run.cells, names)
        print(f"recorded {len(run.cells)} cells in {path}", file=sys.stderr)
    return 0 if run.passed and not result.errors else 1


def github_matrix(matrix: Matrix) -> dict[str, list[dict[str, str]]]:
    """The matrix as GitHub Actions' ``strategy.matrix``: one job per cell,
    each with the cell's name (for ``verify --cell``), its Python version (for
    ``actions/setup-python``) and its versions under test."""
    cells = matrix.cells()
    if len(cells) > GITHUB_MAX_JOBS:
        raise UsageError(
            f"{matrix.file}: {len(cells)} cells; GitHub Actions runs at most "
            f"{GITHUB_MAX_JOBS} jobs from one matrix"
        )
    return {
        "include": [
            {
                "cell": cell.name,
                "python": cell.interpreter.version,
                **{pin.name: pin.version for pin in cell.pins},
            }
            for cell in cells
        ]
    }


def run_merge(result: LoadResult, args: argparse.Namespace) -> int:
    """``verify --merge RECORD...``: the cells of several records into the
    knowledge base's own (per cell the newest run wins)."""
    others = []
    for given in args.merge:
        if not Path(given).is_file():
            raise UsageError(f"--merge {given}: no such file")
        try:
            others.append(read_record(Path(given)))
        except RecordError as error:
            raise UsageError(f"--merge {given}: {printable(error.problem.message)}") from None
    path = matrix_file(result, args.matrix)
    names = [cell.name for cell in load_matrix(path).cells()] if path.exists() else None
    written = merge_records(result.root / RECORD_FILE, others, names)
    cells = sum(len(other.cells) for other in others)
    print(f"merged {len(others)} records ({cells} cells) into {written}", file=sys.stderr)
    return 0


def _undeclared(matrix: Matrix, pages: list[Page]) -> list[str]:
    declared = {*matrix.packages, *(pins[0].key for pins in matrix.versions if pins)}
    return [name for name in packages_named(pages) if canonicalize_name(name) not in declared]


def _chosen_cells(matrix: Matrix, names: list[str]) -> list[Cell]:
    cells = {cell.name: cell for cell in matrix.cells()}
    for name in names:
        if name not in cells:
            hint = did_you_mean(name, cells)
            raise UsageError(f"--cell {name}: no such cell in {matrix.file}{hint}")
    return [cells[name] for name in dict.fromkeys(names)] if names else list(cells.values())


def _cell_json(run: CellRun) -> dict[str, object]:
    verification = run.verification
    built = run.built
    return {
        "name": run.cell.name,
        "python": run.cell.interpreter.version,
        "versions": {pin.name: pin.version for pin in run.cell.pins},
        "interpreter": run.interpreter,
        "built": verification is not None,
        "reason": run.reason,
        "installed": list(built.requirements) if built else [],
        "reused": built.reused if built else False,
        "build_seconds": round(built.seconds, 3) if built else 0.0,
        "environment": verification.environment.to_dict() if verification else None,
        "checks": [r.to_dict() for r in verification.results] if verification else [],
        "summary": verification.counts() if verification else {},
        "seconds": round(run.seconds, 3),
    }


def _totals(run: MatrixRun) -> dict[str, int]:
    totals = {status.value: 0 for status in Status}
    for cell in run.cells:
        for status, count in (cell.verification.counts() if cell.verification else {}).items():
            totals[status] += count
    return totals


def _as_json(run: MatrixRun, seconds: float) -> dict[str, object]:
    return {
        "matrix": str(run.matrix.file),
        "cells": [_cell_json(cell) for cell in run.cells],
        "summary": {
            "cells": len(run.cells),
            "built": sum(cell.verification is not None for cell in run.cells),
            "passed": run.passed,
            "never_run": [{"page": page, "check": name} for page, name in run.never_run()],
            **_totals(run),
            "seconds": round(seconds, 3),
        },
    }


def _as_text(run: MatrixRun, seconds: float) -> str:
    lines: list[str] = []
    for cell in run.cells:
        lines += _cell_lines(cell)
    width = max(len(cell.cell.name) for cell in run.cells)
    lines += ["", f"{'cell':<{width}}  holds  fails  error  skipped  n/a  seconds"]
    for cell in run.cells:
        lines.append(_cell_row(cell, width))
    never = run.never_run()
    if never:
        lines += ["", f"{len(never)} checks ran in no cell (skipped or not applicable in all):"]
        lines += [f"  {page}  {name}" for page, name in never]
    built = sum(cell.verification is not None for cell in run.cells)
    totals = _totals(run)
    lines.append(
        f"{len(run.cells)} cells ({built} built): {totals['holds']} hold, {totals['fails']} fail, "
        f"{totals['error']} errors, {totals['skipped']} skipped, "
        f"{totals['not_applicable']} not applicable ({seconds:.1f} s)"
    )
    return "\n".join(printable(line) for line in lines)


def _cell_lines(cell: CellRun) -> list[str]:
    if cell.verification is None or cell.built is None:
        first, *rest = cell.reason.splitlines() or [""]
        return [f"== {cell.cell.name}: NOT BUILT: {first}", *(f"   {line}" for line in rest)]
    environment = cell.verification.environment
    how = "reused" if cell.built.reused else f"built in {cell.built.seconds:.1f} s"
    installed = ", ".join(cell.built.requirements) or "no packages"
    lines = [
        f"== {cell.cell.name}: {environment.implementation} {environment.python} "
        f"({installed}; environment {how})"
    ]
    for result in cell.verification.results:
        if result.status in SHOWN:
            lines += result_lines(result)
    return lines


def _cell_row(cell: CellRun, width: int) -> str:
    if cell.verification is None:
        return f"{cell.cell.name:<{width}}  not built"
    counts = cell.verification.counts()
    return (
        f"{cell.cell.name:<{width}}  {counts['holds']:>5}  {counts['fails']:>5}  "
        f"{counts['error']:>5}  {counts['skipped']:>7}  {counts['not_applicable']:>3}  "
        f"{cell.seconds:>7.1f}"
    )
