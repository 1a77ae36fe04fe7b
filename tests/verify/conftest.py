"""Second interpreters for ``verify --python``: real virtual environments,
made in seconds (no pip), whose packages differ from ours in a known way."""

from __future__ import annotations

import site
from pathlib import Path

import pytest

from tests.test_panel import draw, host  # noqa: F401 - the panel's host app, for AppTests here
from tests.venvs import make_venv, site_packages

FAKE_DISTRIBUTION = "heuristica-fixture-pkg"
"""Installed in no interpreter but these venvs, at a version each venv chooses."""


def fake_files(version: str) -> dict[str, str]:
    """The files of the fake distribution at ``version``: its module and metadata."""
    info = f"heuristica_fixture_pkg-{version}.dist-info"
    return {
        "fixture_pkg/__init__.py": f"GENERATION = {version.split('.')[0]}\n",
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {FAKE_DISTRIBUTION}\nVersion: {version}\n"
        ),
        f"{info}/RECORD": "fixture_pkg/__init__.py,,\n",
    }


def install_fake(python: Path, version: str) -> None:
    """A real (tiny) installed distribution: a module and its dist-info metadata."""
    target = site_packages(python)
    for name, text in fake_files(version).items():
        (target / name).parent.mkdir(exist_ok=True)
        (target / name).write_text(text)


@pytest.fixture(scope="session")
def venvs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two interpreters sharing our packages, one with the fake package 1.0, one with 2.0."""
    made = {}
    for version in ("1.0", "2.0"):
        python = make_venv(tmp_path_factory.mktemp(f"venv{version}"), sees_ours=True)
        install_fake(python, version)
        made[version] = python
    return made


@pytest.fixture(scope="session")
def lean_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An interpreter with polars and psutil (what the demo engine needs) and
    without pydantic or streamlit: our own packages reach it by a .pth file that
    points at a folder linking only those."""
    python = make_venv(tmp_path_factory.mktemp("lean"), sees_ours=False)
    ours = Path(site.getsitepackages()[0])
    chosen = tmp_path_factory.mktemp("lean-packages")
    for entry in ours.iterdir():
        if entry.name.lower().startswith(("polars", "_polars", "psutil")):
            (chosen / entry.name).symlink_to(entry)
    (site_packages(python) / "lean.pth").write_text(f"{chosen}\n")
    return python
