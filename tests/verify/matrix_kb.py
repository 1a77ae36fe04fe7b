"""A knowledge base with a matrix of tiny cells, for ``verify --matrix``: real
environments built by uv from real (tiny) wheels made here, offline (uv is
pointed at the wheels' folder only, with its own cache in the test's folder).

The package under test is ``heuristica-fixture-pkg`` (module ``fixture_pkg``),
whose ``GENERATION`` is its major version. The page's claim changed at 2.0,
so it has one check per range; a third check is meant to fail at 1.x."""

from __future__ import annotations

import platform
import zipfile
from pathlib import Path

import pytest

from tests.kb import page, write
from tests.verify.conftest import FAKE_DISTRIBUTION, fake_files

H = "heuristic/generations"
PYTHON = platform.python_version()
GENERATION = "import fixture_pkg\nprint(f'generation={fixture_pkg.GENERATION}')\n"
CHECKS = [
    {
        "name": "first-generation",
        "claim": "Before 2.0, fixture_pkg is in its first generation.",
        "packages": [f"{FAKE_DISTRIBUTION}<2"],
        "expect": {"output": "generation=1"},
        "code": GENERATION,
    },
    {
        "name": "second-generation",
        "claim": "From 2.0 on, it is in its second.",
        "packages": [f"{FAKE_DISTRIBUTION}>=2"],
        "expect": {"output": "generation=2"},
        "code": GENERATION,
    },
    {
        "name": "always-second",
        "claim": "It is in its second generation, whatever the version.",
        "packages": [FAKE_DISTRIBUTION],
        "expect": {"output": "generation=2"},
        "code": GENERATION,
    },
]
MATRIX = f"""# two cells: this interpreter with each version of the fixture package
format = 1
python = ["{PYTHON}"]

[versions]
{FAKE_DISTRIBUTION} = ["1.0", "2.0"]
"""
CELLS = [f"py{PYTHON}-{FAKE_DISTRIBUTION}1.0", f"py{PYTHON}-{FAKE_DISTRIBUTION}2.0"]


def tiny_wheel(folder: Path, version: str) -> Path:
    """A real wheel of the fixture package at ``version`` (a module and its metadata)."""
    path = folder / f"heuristica_fixture_pkg-{version}-py3-none-any.whl"
    info = f"heuristica_fixture_pkg-{version}.dist-info"
    files = fake_files(version)
    files[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    files[f"{info}/RECORD"] = "".join(f"{file},,\n" for file in [*files, f"{info}/RECORD"])
    with zipfile.ZipFile(path, "w") as wheel:
        for file, text in files.items():
            wheel.writestr(file, text)
    return path


def offline_uv(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> None:
    """uv installs only from a folder of tiny wheels, with caches of its own."""
    wheels = tmp / "wheels"
    wheels.mkdir()
    for version in ("1.0", "2.0"):
        tiny_wheel(wheels, version)
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    monkeypatch.setenv("UV_NO_INDEX", "1")
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp / "uv-cache"))
    monkeypatch.setenv("HEURISTICA_CACHE", str(tmp / "heuristica-cache"))


def matrix_base(root: Path, matrix: str = MATRIX) -> Path:
    write(root, "h.yaml", page(H, checks=CHECKS))
    (root / "matrix.toml").write_text(matrix, encoding="utf-8")
    return root


def recorded_matrix(root: Path, tmp: Path) -> Path:
    """``matrix_base`` verified on its matrix for real and recorded."""
    from heuristica.commands.cli import main

    with pytest.MonkeyPatch.context() as monkeypatch:
        offline_uv(monkeypatch, tmp)
        matrix_base(root)
        assert main(["verify", str(root), "--matrix", "--record"]) == 1  # always-second, at 1.0
    return root
