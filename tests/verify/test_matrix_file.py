"""The matrix file: what it declares, and every mistake in it reported with
its file and line (by ``verify --matrix`` and by ``check``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heuristica.checks.matrix_file import MatrixError, read_matrix
from heuristica.commands.cli import main
from tests.verify.matrix_kb import matrix_base

GOOD = """format = 1
python = ["3.11", { version = "3.13", path = "/opt/python3.13/bin/python3" }]

[versions]
polars = ["1.41.2", "2.1.0"]

[packages]
psutil = "7.2.2"
torch = { version = "2.13.0", python = "<3.12" }
"""


def test_the_matrix_is_every_interpreter_by_every_version_under_test(tmp_path: Path) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(GOOD)

    matrix = read_matrix(path)

    assert [cell.name for cell in matrix.cells()] == [
        "py3.11-polars1.41.2",
        "py3.11-polars2.1.0",
        "py3.13-polars1.41.2",
        "py3.13-polars2.1.0",
    ]
    assert matrix.interpreters[1].path == "/opt/python3.13/bin/python3"
    first = matrix.cells()[0]
    assert str(matrix.pin(first, "torch", "3.11.7")) == "torch==2.13.0"
    assert matrix.pin(first, "torch", "3.13.0") is None  # only where its python range says
    assert str(matrix.pin(first, "Polars", "3.11.7")) == "polars==1.41.2"


INCLUDED = (
    GOOD
    + """
[[include]]
python = "3.10"
polars = "1.15.0"

[[include]]
python = "3.11"
polars = "2.1.0"
"""
)


def test_an_included_cell_joins_the_grid_once(tmp_path: Path) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(INCLUDED)

    names = [cell.name for cell in read_matrix(path).cells()]

    assert names[4:] == ["py3.10-polars1.15.0"]  # py3.11-polars2.1.0 is in the grid already
    assert len(names) == 5


@pytest.mark.parametrize(
    ("by", "line", "message"),
    [
        ('numpy = "2.4.6"', 11, "'numpy' in [[include]] is not under [versions]"),
        ("", 11, "[[include]] needs a version of polars, as every cell"),
        ('polars = "1.x"', 13, "polars version '1.x' is not an exact version"),
    ],
)
def test_a_mistake_in_an_included_cell_is_named_at_its_table(
    tmp_path: Path, by: str, line: int, message: str
) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(INCLUDED.replace('polars = "1.15.0"', by, 1))

    with pytest.raises(MatrixError) as raised:
        read_matrix(path)

    assert any(p.line == line and message in p.message for p in raised.value.problems), [
        str(p) for p in raised.value.problems
    ]


def test_an_included_cell_needs_its_interpreter(tmp_path: Path) -> None:
    path = tmp_path / "matrix.toml"
    path.write_text(INCLUDED.replace('python = "3.10"\n', "", 1))

    with pytest.raises(MatrixError) as raised:
        read_matrix(path)

    (problem,) = raised.value.problems
    assert (problem.line, problem.message) == (
        11,
        "[[include]] needs 'python', the interpreter of its cell",
    )


@pytest.mark.parametrize(
    ("replace", "by", "line", "message"),
    [
        ("format = 1", "format = 1\npythn = []", 2, "unknown key 'pythn'; the keys here are"),
        ('"3.11"', '"3.eleven"', 2, "'python' entry '3.eleven' is not a Python version"),
        ('"1.41.2"', '"1.41.x"', 5, "polars version '1.41.x' is not an exact version"),
        ('psutil = "7.2.2"', 'psutil = ">=7"', 8, "psutil version '>=7' is not an exact version"),
        ('python = "<3.12"', 'pyhton = "<3.12"', 9, "unknown key 'pyhton' in 'packages.torch'"),
        ('python = "<3.12"', 'python = "3.12+"', 9, "'packages.torch.python' '3.12+'"),
        ("[packages]", "[packages]\npolars = '2.1.0'", 8, "'polars' is under [versions] already"),
        ("format = 1", "format = 7", 1, "'format' is 7; this heuristica reads format 1"),
        # tomllib's own position: the array left open runs into the next table
        ('["1.41.2", "2.1.0"]', "[", 7, "the matrix is not valid TOML: Invalid value"),
        ('python = ["3.11", ', 'python = "3.11"  # ', 2, "'python' must be a list of versions"),
    ],
)
def test_a_mistake_in_the_matrix_is_named_with_file_and_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    replace: str,
    by: str,
    line: int,
    message: str,
) -> None:
    assert replace in GOOD
    matrix_base(tmp_path, GOOD.replace(replace, by, 1))

    assert main(["verify", str(tmp_path), "--matrix"]) == 2

    error = capsys.readouterr().err
    assert f"{tmp_path / 'matrix.toml'}:{line}:" in error
    assert message in error
    assert main(["check", str(tmp_path)]) == 1  # check reports it too, as an error
    assert f"matrix.toml:{line}:" in capsys.readouterr().out


def test_a_missing_matrix_file_is_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    matrix_base(tmp_path)
    (tmp_path / "matrix.toml").unlink()

    assert main(["verify", str(tmp_path), "--matrix"]) == 2
    error = capsys.readouterr().err
    assert f"{tmp_path / 'matrix.toml'}: error: cannot read the matrix: no such file" in error


def test_an_interpreter_that_is_not_there_is_named_at_its_line(tmp_path: Path) -> None:
    from heuristica.checks.matrix import run_cell

    matrix_base(tmp_path, 'python = ["3.11",\n  "3.99"]\n')
    matrix = read_matrix(tmp_path / "matrix.toml")

    run = run_cell([], matrix, matrix.cells()[1])

    assert run.verification is None
    assert run.reason.startswith(f"{tmp_path / 'matrix.toml'}:2: no Python 3.99 found (")
