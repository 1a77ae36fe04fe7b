"""``verify --matrix``: every check of a knowledge base in every cell of its
matrix (``matrix.toml``), several cells at once.

Per cell: find the interpreter, ask it what it is, work out which checks
apply there (its Python, platform and the cell's package versions) and so
which packages they need, get the cell's environment (``cell_env``: built
once, then reused), and verify there. A cell that cannot be built says why
and the others go on.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from heuristica.checks.cell_env import BuildError, BuiltEnvironment, cell_environment
from heuristica.checks.environment import Environment, ProbeError, read_environment
from heuristica.checks.interpreters import InterpreterNotFound, find_interpreter
from heuristica.checks.local_code import Repositories
from heuristica.checks.matrix_file import Cell, Matrix, Pin
from heuristica.checks.run import Status, not_run
from heuristica.checks.verify import Verification, top_modules, verify
from heuristica.kb.model import Check, Page

__all__ = ["CellRun", "MatrixRun", "needed_pins", "run_cell", "run_matrix"]


@dataclass(frozen=True)
class CellRun:
    """One cell: built and verified, or why not."""

    cell: Cell
    interpreter: str = ""
    """The interpreter the cell's environment was made from ("" if none was found)."""
    built: BuiltEnvironment | None = None
    verification: Verification | None = None
    reason: str = ""
    """Why the cell could not be built ("" when it was)."""
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.verification is not None and self.verification.passed


@dataclass(frozen=True)
class MatrixRun:
    matrix: Matrix
    cells: list[CellRun]

    @property
    def passed(self) -> bool:
        """Every cell was built and nothing applicable failed or erred in any."""
        return all(run.passed for run in self.cells)

    def never_run(self) -> list[tuple[str, str]]:
        """(page, check) of each check that ran in no cell (skipped or not
        applicable in all of them), in the order of the pages."""
        ran: dict[tuple[str, str], bool] = {}
        for cell in self.cells:
            for result in cell.verification.results if cell.verification else ():
                key = (result.page, result.name)
                idle = result.status in (Status.SKIPPED, Status.NOT_APPLICABLE)
                ran[key] = ran.get(key, False) or not idle
        return [key for key, did in ran.items() if not did]


def run_matrix(
    pages: Sequence[Page],
    matrix: Matrix,
    cells: Sequence[Cell] | None = None,
    jobs: int | None = None,
    cache: Path | None = None,
    repositories: Repositories | None = None,
) -> MatrixRun:
    """Run ``cells`` (default: all of the matrix), ``jobs`` cells at once (default:
    one per core); each cell runs its checks ``jobs // cells at once`` at a time."""
    chosen = list(matrix.cells() if cells is None else cells)
    workers = max(1, jobs or os.cpu_count() or 1)
    at_once = max(1, min(workers, len(chosen)))
    check_jobs = max(1, workers // at_once)
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="cell") as pool:
        runs = list(
            pool.map(lambda c: run_cell(pages, matrix, c, check_jobs, cache, repositories), chosen)
        )
    return MatrixRun(matrix, runs)


def run_cell(
    pages: Sequence[Page],
    matrix: Matrix,
    cell: Cell,
    jobs: int = 1,
    cache: Path | None = None,
    repositories: Repositories | None = None,
) -> CellRun:
    """Build ``cell``'s environment (or reuse it) and verify ``pages`` there."""
    started = time.monotonic()
    declared = cell.interpreter
    try:
        found = find_interpreter(declared.version, declared.path)
        base = read_environment(found.path, [], top_modules(pages))
        requirements = [str(pin) for pin in needed_pins(pages, matrix, cell, base)]
        built = cell_environment(found.path, found.version, requirements, cache)
        verification = verify(pages, built.python, jobs, repositories)
    except (InterpreterNotFound, ProbeError, BuildError) as error:
        where = f"{matrix.file}:{declared.line}: " if isinstance(error, InterpreterNotFound) else ""
        return CellRun(cell, reason=f"{where}{error}", seconds=time.monotonic() - started)
    return CellRun(cell, found.path, built, verification, "", time.monotonic() - started)


def needed_pins(pages: Sequence[Page], matrix: Matrix, cell: Cell, base: Environment) -> list[Pin]:
    """The packages ``cell`` installs: the cell's versions under test, and each
    package that a check applying there names (at the matrix's version), or
    that an implementation page's Code Reference imports."""
    pinned = {pin.key: pin for pin in cell.pins}
    for check in (check for page in pages for check in page.checks):
        pinned |= {pin.key: pin for pin in _pins_if_applies(check, matrix, cell, base)}
    for module, info in base.modules.items():
        third_party = info.distribution is not None or not info.installed
        pin = matrix.pin(cell, info.distribution or module, base.python) if third_party else None
        if pin is not None:
            pinned[pin.key] = pin
    return sorted(pinned.values(), key=lambda pin: pin.key)


def _pins_if_applies(check: Check, matrix: Matrix, cell: Cell, base: Environment) -> list[Pin]:
    """The pins ``check`` needs in ``cell``; none when it would be skipped (a
    package the cell does not install) or not applicable there."""
    pins = [matrix.pin(cell, scope.name, base.python) for scope in check.scopes]
    if any(pin is None for pin in pins):
        return []
    versions: dict[str, str | None] = {
        scope.name: pin.version for scope, pin in zip(check.scopes, pins, strict=True) if pin
    }
    installed = Environment(
        base.implementation, base.python, base.platform, base.machine, "", versions
    )
    verdict = not_run(check, installed)
    if verdict is not None and verdict.status is Status.NOT_APPLICABLE:
        return []
    return [pin for pin in pins if pin is not None]
