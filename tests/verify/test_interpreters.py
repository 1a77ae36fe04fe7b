"""Finding the interpreter a matrix names: by path, under pyenv, or anywhere
on PATH, each candidate asked its version."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import pytest

from heuristica.checks.interpreters import InterpreterNotFound, find_interpreter

HERE = platform.python_version()
MINOR = ".".join(HERE.split(".")[:2])


def fake_python(folder: Path, name: str, says: str) -> Path:
    """An executable that answers any question with ``says``, like a Python of that version."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho {says}\n")
    path.chmod(0o755)
    return path


def real_python(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).symlink_to(sys.executable)
    return folder / name


def test_every_python_on_path_is_asked_not_only_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fake_python(tmp_path / "a", f"python{MINOR}", f"{MINOR}.999")
    second = real_python(tmp_path / "b", f"python{MINOR}")
    monkeypatch.setenv("PATH", os.pathsep.join([str(first.parent), str(second.parent)]))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))

    found = find_interpreter(HERE)

    assert (found.path, found.version) == (str(second), HERE)


def test_a_minor_version_takes_the_newest_that_answers_under_pyenv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    versions = tmp_path / "pyenv" / "versions"
    real_python(versions / HERE / "bin", "python")
    fake_python(versions / f"{MINOR}.999" / "bin", "python", "not a version")  # does not answer
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    found = find_interpreter(MINOR)

    assert found.version == HERE
    assert found.path == str(versions / HERE / "bin" / "python")


def test_a_version_installed_from_source_without_pyenv_link_is_found_as_python3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `./configure --prefix=$PYENV_ROOT/versions/X && make install` makes bin/python3 only.
    versions = tmp_path / "pyenv" / "versions"
    real_python(versions / HERE / "bin", "python3")
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    found = find_interpreter(HERE)

    assert found.path == str(versions / HERE / "bin" / "python3")


def test_a_python_of_another_version_at_the_given_path_is_not_taken(tmp_path: Path) -> None:
    impostor = fake_python(tmp_path, "python", "3.10.1")

    with pytest.raises(InterpreterNotFound, match=f"no Python 3.12 found at {impostor}"):
        find_interpreter("3.12", str(impostor))
