"""The matrix a knowledge base is proven on: ``matrix.toml`` beside its pages.

TOML, not YAML: the page loader reads every ``*.yaml`` file as a page, and a
hand-written settings file wants comments, which JSON has not. ``tomllib``
is in the standard library. Its shape (docs/verification.md#the-matrix)::

    format = 1
    python = ["3.11.7", "3.12", { version = "3.13", path = "/opt/py313/bin/python" }]

    [versions]            # one cell per interpreter and per version (per combination)
    polars = ["1.17.1", "2.1.0"]

    [packages]            # installed in a cell only where a check that applies names them
    psutil = "7.2.2"
    torch = { version = "2.13.0", python = "<3.12" }

    [[include]]           # one more cell, outside the grid (as GitHub Actions' include)
    python = "3.10.13"
    polars = "1.41.2"

``read_matrix`` returns a ``Matrix`` or raises ``MatrixError`` with one
Problem (file, line, column, message) per mistake found. tomllib gives no
positions, so a mistake is placed at the line of its key, or of the quoted
value, found in the text.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from heuristica import MATRIX_FILE
from heuristica.checks.matrix_cells import Cell, Interpreter, Matrix, Pin
from heuristica.kb.problems import Problem, Severity

__all__ = [
    "MATRIX_FILE",
    "Cell",
    "Interpreter",
    "Matrix",
    "MatrixError",
    "Pin",
    "matrix_problems",
    "read_matrix",
]

FORMAT = 1
PYTHON_VERSION = re.compile(r"^[0-9]+\.[0-9]+(\.[0-9]+)?$")
NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")
TOP_KEYS = ("format", "python", "versions", "packages", "include")
PACKAGE_KEYS = ("version", "python")
INTERPRETER_KEYS = ("version", "path")


class MatrixError(Exception):
    """The matrix file cannot be used; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(problem) for problem in problems))
        self.problems = problems


def read_matrix(path: Path) -> Matrix:
    """The matrix in ``path``. MatrixError when it is missing, not TOML, or wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = "no such file" if isinstance(error, FileNotFoundError) else str(error)
        raise MatrixError([_problem(str(path), 0, f"cannot read the matrix: {reason}")]) from None
    return _Reader(str(path), text).matrix()


def matrix_problems(root: Path) -> list[Problem]:
    """What is wrong with ``root``'s matrix file (nothing when there is none),
    named relative to ``root`` like the loader's Problems."""
    path = root / MATRIX_FILE
    if not path.exists():
        return []
    try:
        read_matrix(path)
    except MatrixError as error:
        return [_renamed(problem, MATRIX_FILE) for problem in error.problems]
    return []


def _renamed(problem: Problem, file: str) -> Problem:
    return Problem(file, problem.line, problem.col, problem.severity, problem.code, problem.message)


def _problem(file: str, line: int, message: str, col: int = 0) -> Problem:
    return Problem(file, line, col or (1 if line else 0), Severity.ERROR, "bad-matrix", message)


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


class _Reader:
    """Validates one matrix file, collecting every mistake with its line."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = text.splitlines()
        self.text = text
        self.problems: list[Problem] = []

    def matrix(self) -> Matrix:
        try:
            data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as error:
            found = _TOML_POSITION.search(str(error))
            line, col = (int(found[1]), int(found[2])) if found else (0, 0)
            message = f"the matrix is not valid TOML: {_TOML_POSITION.sub('', str(error)).strip()}"
            raise MatrixError([_problem(self.file, line, message, col)]) from None
        for key in data:
            if key not in TOP_KEYS:
                self._wrong(self._key_line(None, key), f"unknown key '{key}'", TOP_KEYS)
        self._format(data.get("format", FORMAT))
        interpreters = self._interpreters(data.get("python"))
        versions = self._versions(data.get("versions", {}))
        packages = self._packages(data.get("packages", {}), versions)
        included = self._included(data.get("include", []), versions)
        if self.problems:
            raise MatrixError(self.problems)
        return Matrix(Path(self.file), interpreters, versions, packages, included)

    # where things are --------------------------------------------------------------

    def _key_line(self, table: str | None, key: str) -> int:
        """The line of ``key = …`` in ``[table]`` (None: before any table), or of the
        table's header when the key is not found there; 0 when neither is."""
        start, header = 0, 0
        if table is not None:
            pattern = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
            header = next((n for n, line in enumerate(self.lines, 1) if pattern.match(line)), 0)
            start = header
        key_pattern = re.compile(rf"^\s*(['\"]?){re.escape(key)}\1\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if key_pattern.match(line):
                return number
        return header

    def _value_line(self, from_line: int, value: str) -> int:
        """The first line from ``from_line`` on that quotes ``value``, else ``from_line``."""
        quoted = (f'"{value}"', f"'{value}'")
        for number in range(max(from_line, 1), len(self.lines) + 1):
            if any(q in self.lines[number - 1] for q in quoted):
                return number
        return from_line

    def _add(self, line: int, message: str) -> None:
        self.problems.append(_problem(self.file, line, message))

    def _wrong(self, line: int, what: str, allowed: tuple[str, ...]) -> None:
        self._add(line, f"{what}; the keys here are {', '.join(allowed)}")

    # the parts -----------------------------------------------------------------------

    def _format(self, value: object) -> None:
        if value != FORMAT:
            line = self._key_line(None, "format")
            self._add(line, f"'format' is {value!r}; this heuristica reads format {FORMAT}")

    def _interpreters(self, value: object) -> tuple[Interpreter, ...]:
        line = self._key_line(None, "python")
        example = 'e.g. python = ["3.11", "3.12.1"]'
        if not isinstance(value, list) or not value:
            said = "is missing" if value is None else "must be a list of versions"
            self._add(line, f"'python' {said}: the interpreters to verify on, {example}")
            return ()
        found = []
        for item in value:
            interpreter = self._interpreter(item, line)
            if interpreter is not None:
                found.append(interpreter)
        seen: set[str] = set()
        for interpreter in found:
            if interpreter.version in seen and interpreter.path is None:
                self._add(interpreter.line, f"'python' names {interpreter.version} twice")
            seen.add(interpreter.version)
        return tuple(found)

    def _interpreter(self, item: object, line: int) -> Interpreter | None:
        if isinstance(item, dict):
            for key in item:
                if key not in INTERPRETER_KEYS:
                    where = self._value_line(line, key)
                    self._wrong(where, f"unknown key '{key}' in a 'python' entry", INTERPRETER_KEYS)
            version, path = item.get("version"), item.get("path")
            if path is not None and not (isinstance(path, str) and path.strip()):
                self._add(line, f"'path' must be the path of a Python executable; got {path!r}")
                path = None
        else:
            version, path = item, None
        if not isinstance(version, str) or not PYTHON_VERSION.match(version):
            where = self._value_line(line, version) if isinstance(version, str) else line
            self._add(
                where,
                f"'python' entry {version!r} is not a Python version: give major.minor "
                "(3.12, the newest 3.12.x found) or major.minor.micro (3.12.1)",
            )
            return None
        return Interpreter(version, path, self._value_line(line, version))

    def _versions(self, value: object) -> tuple[tuple[Pin, ...], ...]:
        if not isinstance(value, dict):
            self._add(self._key_line(None, "versions"), "'versions' must be a table: [versions]")
            return ()
        axes = []
        for name, versions in value.items():
            line = self._key_line("versions", name)
            if not self._name(name, line, "versions"):
                continue
            if not isinstance(versions, list) or not versions:
                self._add(
                    line,
                    f"'versions.{name}' must be a list of exact versions, "
                    f'e.g. {name} = ["1.41.2", "2.1.0"]',
                )
                continue
            pins = [self._pin(name, v, None, self._value_line(line, str(v))) for v in versions]
            axes.append(tuple(pin for pin in pins if pin is not None))
        return tuple(axes)

    def _packages(self, value: object, axes: tuple[tuple[Pin, ...], ...]) -> dict[str, Pin]:
        if not isinstance(value, dict):
            self._add(self._key_line(None, "packages"), "'packages' must be a table: [packages]")
            return {}
        under_test = {pins[0].key for pins in axes if pins}
        packages: dict[str, Pin] = {}
        for name, spec in value.items():
            line = self._key_line("packages", name)
            if not self._name(name, line, "packages"):
                continue
            if canonicalize_name(name) in under_test:
                self._add(line, f"'{name}' is under [versions] already; name it in one place")
                continue
            pin = self._package(name, spec, line)
            if pin is not None:
                packages[pin.key] = pin
        return packages

    def _package(self, name: str, spec: object, line: int) -> Pin | None:
        if isinstance(spec, str):
            return self._pin(name, spec, None, line)
        if not isinstance(spec, dict):
            self._add(
                line,
                f"'packages.{name}' must be an exact version or a table, "
                f'e.g. {name} = "1.2.3" or {name} = {{ version = "1.2.3", python = "<3.13" }}',
            )
            return None
        for key in spec:
            if key not in PACKAGE_KEYS:
                self._wrong(line, f"unknown key '{key}' in 'packages.{name}'", PACKAGE_KEYS)
        python = spec.get("python")
        specifier = None
        if python is not None:
            try:
                specifier = SpecifierSet(str(python))
            except InvalidSpecifier:
                self._add(
                    line,
                    f"'packages.{name}.python' {python!r} is not a version range, e.g. \"<3.13\"",
                )
        return self._pin(name, spec.get("version"), specifier, line)

    def _pin(
        self, name: str, version: object, python: SpecifierSet | None, line: int
    ) -> Pin | None:
        try:
            Version(str(version))
        except InvalidVersion:
            valid = False
        else:
            valid = isinstance(version, str)
        if not valid:
            self._add(
                line,
                f"{name} version {version!r} is not an exact version (PEP 440, e.g. 1.41.2): "
                "the record says exactly what was proven",
            )
            return None
        return Pin(name, str(version), python, line)

    def _included(self, value: object, axes: tuple[tuple[Pin, ...], ...]) -> tuple[Cell, ...]:
        """``[[include]]`` tables: each names an interpreter and one version of every
        package under [versions]."""
        headers = [
            n for n, line in enumerate(self.lines, 1) if re.match(r"^\s*\[\[\s*include", line)
        ]
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self._add(self._key_line(None, "include"), "'include' must be tables: [[include]]")
            return ()
        under_test = {pins[0].key: pins[0].name for pins in axes if pins}
        allowed = ("python", *under_test.values())
        cells = []
        for index, item in enumerate(value):
            line = headers[index] if index < len(headers) else 0
            cell = self._included_cell(item, line, under_test, allowed)
            if cell is not None:
                cells.append(cell)
        return tuple(cells)

    def _included_cell(
        self,
        item: dict[str, object],
        line: int,
        under_test: dict[str, str],
        allowed: tuple[str, ...],
    ) -> Cell | None:
        pins: dict[str, Pin] = {}
        for key, version in item.items():
            if key == "python":
                continue
            if canonicalize_name(key) not in under_test:
                self._wrong(line, f"'{key}' in [[include]] is not under [versions]", allowed)
                continue
            pin = self._pin(key, version, None, self._value_line(line, str(version)))
            if pin is not None:
                pins[pin.key] = pin
        given = {canonicalize_name(key) for key in item}
        missing = [name for key, name in under_test.items() if key not in given]
        if missing:
            self._add(line, f"[[include]] needs a version of {', '.join(missing)}, as every cell")
        if "python" not in item:
            self._add(line, "[[include]] needs 'python', the interpreter of its cell")
            return None
        interpreter = self._interpreter(item["python"], line)
        if interpreter is None or len(pins) != len(under_test):
            return None
        return Cell(interpreter, tuple(pins[key] for key in under_test))

    def _name(self, name: str, line: int, table: str) -> bool:
        if NAME.match(name):
            return True
        self._add(line, f"'{table}.{name}' is not a distribution name as pip knows it")
        return False
