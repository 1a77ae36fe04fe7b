"""What a matrix file (``checks.matrix_file``) declares: the interpreters, the
package versions under test and the cells they make, one interpreter with one
version of each package per cell."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

__all__ = ["Cell", "Interpreter", "Matrix", "Pin"]


@dataclass(frozen=True)
class Interpreter:
    """An interpreter the matrix names: a version ("3.12" or "3.12.1"), and
    where it is when the matrix says so; ``line`` in the matrix file."""

    version: str
    path: str | None
    line: int


@dataclass(frozen=True)
class Pin:
    """A distribution at one exact version; ``python``: only on these interpreters."""

    name: str
    version: str
    python: SpecifierSet | None
    line: int

    @property
    def key(self) -> str:
        return canonicalize_name(self.name)

    def fits(self, python_version: str) -> bool:
        return self.python is None or self.python.contains(python_version, prereleases=True)

    def __str__(self) -> str:
        return f"{self.name}=={self.version}"


@dataclass(frozen=True)
class Cell:
    """One interpreter with one version of each package under test."""

    interpreter: Interpreter
    pins: tuple[Pin, ...]

    @property
    def name(self) -> str:
        """``py3.12.1-polars1.41.2``: a job name, a file name and a CLI argument."""
        return "-".join(
            [f"py{self.interpreter.version}", *(f"{p.key}{p.version}" for p in self.pins)]
        )


@dataclass(frozen=True)
class Matrix:
    file: Path
    interpreters: tuple[Interpreter, ...]
    versions: tuple[tuple[Pin, ...], ...]
    """Per package under test, its versions (one cell each)."""
    packages: dict[str, Pin]
    """Canonical name -> the version to install where a check needs it."""
    included: tuple[Cell, ...] = ()
    """Cells outside the grid: a version only some checks are about, or an
    interpreter one version of the packages is enough for."""

    def cells(self) -> list[Cell]:
        """Every interpreter × every combination of versions, then the included cells
        (one that is in the grid already is not repeated)."""
        combinations = itertools.product(*self.versions)
        grid = [
            Cell(interpreter, pins)
            for interpreter, pins in itertools.product(self.interpreters, list(combinations))
        ]
        named = {cell.name for cell in grid}
        return grid + [cell for cell in self.included if cell.name not in named]

    def pin(self, cell: Cell, name: str, python_version: str) -> Pin | None:
        """The version of ``name`` that ``cell`` installs, or None when it installs none."""
        key = canonicalize_name(name)
        for pin in cell.pins:
            if pin.key == key:
                return pin
        extra = self.packages.get(key)
        return extra if extra is not None and extra.fits(python_version) else None
