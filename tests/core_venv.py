"""A virtual environment with heuristica's core install only: the wheel
installed with ``--no-deps`` into a venv that does not see the system's
site-packages, and the core's dependencies (pyproject.toml's
``dependencies`` and what they require) linked in from ours by a .pth file,
so no download is needed and nothing of the extras is importable."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

from tests.installed import REPO, run

__all__ = ["core_distributions", "make_core_venv"]


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def core_distributions() -> set[str]:
    """The core's dependencies and everything they require here, by canonical name."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [Requirement(text) for text in project["dependencies"]]
    found: set[str] = set()
    while wanted:
        requirement = wanted.pop()
        name = _name(requirement.name)
        if name in found or (requirement.marker and not requirement.marker.evaluate()):
            continue
        found.add(name)
        for text in metadata.distribution(name).requires or []:
            required = Requirement(text)
            if not required.marker or required.marker.evaluate({"extra": ""}):
                wanted.append(required)
    return found


def _top_level_entries(name: str) -> set[Path]:
    """The files and folders a distribution puts directly in site-packages."""
    distribution = metadata.distribution(name)
    entries = set()
    for file in distribution.files or []:
        top = file.parts[0]
        if top not in ("..", "__pycache__") and not top.endswith(".pth"):
            entries.add(Path(str(distribution.locate_file(top))))
    return entries


def make_core_venv(home: Path, wheel: Path) -> Path:
    """``home`` with the core install of ``wheel``; returns ``home``."""
    made = run([sys.executable, "-m", "venv", "--without-pip", str(home)], cwd=home.parent)
    assert made.returncode == 0, made.stderr
    linked = home / "core-packages"
    linked.mkdir()
    for name in core_distributions():
        for entry in _top_level_entries(name):
            if not (linked / entry.name).exists():
                (linked / entry.name).symlink_to(entry)
    python = home / "bin" / "python"
    purelib = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=home.parent,
    ).stdout.strip()
    (Path(purelib) / "core.pth").write_text(f"{linked}\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps"]
    installed = run([*pip, "--no-index", str(wheel)], cwd=home.parent)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return home
