"""heuristica as a team installs it: a wheel built from this repository's
files, installed into a fresh virtual environment, and commands run from a
folder outside the repository with the repository nowhere on the import path.

The virtual environment sees the packages of the environment the tests run in
for the third-party dependencies (no downloads; ``tests.venvs``); ``pip install
--no-index`` then proves that the pinned set satisfies what the wheel declares,
and every heuristica file that runs is the wheel's copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from heuristica.kb.loader import load_knowledge
from tests.kb import page, write
from tests.venvs import make_venv

__all__ = [
    "REPO",
    "SPAWN",
    "TEAM_PAGES",
    "build_wheel",
    "heuristica",
    "install",
    "outside_env",
    "run",
    "team",
]

REPO = Path(__file__).resolve().parent.parent
SPAWN = "heuristic/polars-use-spawn-not-fork"
TEAM_PAGES = len(load_knowledge(REPO / "knowledge").pages) + 1
"""A team's folder (``team``): the shipped pages and one of its own."""


def heuristica(venv: Path) -> str:
    """The installed ``heuristica`` command."""
    return str(venv / "bin" / "heuristica")


def outside_env() -> dict[str, str]:
    """This environment without PYTHONPATH or HEURISTICA_KNOWLEDGE."""
    dropped = {"PYTHONPATH", "HEURISTICA_KNOWLEDGE"}
    return {k: v for k, v in os.environ.items() if k not in dropped}


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, **kwargs: Any
) -> subprocess.CompletedProcess[str]:
    """``args`` run from ``cwd`` with only what is installed importable (in
    ``env``, else this environment, without PYTHONPATH)."""
    return subprocess.run(
        args, cwd=cwd, env=env or outside_env(), capture_output=True, text=True, **kwargs
    )


def _copy_of_the_repository(target: Path) -> Path:
    """The files git would hand to ``pip install git+URL`` (tracked, or new and not
    ignored), links kept as links."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source, copy = REPO / name, target / name
        if not source.is_symlink() and not source.exists():
            continue  # deleted in the working tree, not yet committed
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy, follow_symlinks=False)
    return target


def build_wheel(work: Path) -> Path:
    """``pip wheel`` of a copy of the repository, as ``pip install git+URL`` builds it."""
    source = _copy_of_the_repository(work / "source")
    built = run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(work / "dist"), str(source)],
        cwd=work,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("heuristica-*.whl")
    return wheel


def install(wheel: Path, home: Path) -> Path:
    """A fresh venv at ``home`` with ``wheel`` installed; returns ``home``."""
    python = make_venv(home, sees_ours=True, with_pip=True)
    pip = [str(python), "-m", "pip", "install", "--no-index", str(wheel)]
    installed = run(pip, cwd=home.parent)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return home


def team(folder: Path) -> Path:
    """A team's repository at ``folder``: a copy of the shipped knowledge base,
    plus one page of its own."""
    shutil.copytree(REPO / "knowledge", folder / "knowledge")
    ours = page("principle/ours", ("uses_heuristic", SPAWN), title="Ours")
    write(folder / "knowledge", "principle/ours.yaml", ours)
    return folder
