"""Find the interpreter a matrix names by its version: the path it gives, else
under pyenv (``$PYENV_ROOT/versions``), else on PATH (every ``python3.12``,
``python3``, ``python`` there). Each candidate is asked its version; the newest
one that matches is taken ("3.12" matches any 3.12.x, "3.12.1" only itself)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

__all__ = ["Found", "InterpreterNotFound", "find_interpreter"]

ASK_SECONDS = 30.0
_PLAIN_VERSION = re.compile(r"^[0-9]+\.[0-9]+\.[0-9]+$")


class InterpreterNotFound(Exception):
    """No interpreter of that version: the message says where it looked."""


@dataclass(frozen=True)
class Found:
    path: str
    version: str


def find_interpreter(version: str, path: str | None = None) -> Found:
    """The interpreter of ``version`` (at ``path`` when given). InterpreterNotFound
    saying where it looked when there is none."""
    if path is not None:
        candidates = [_command(path)]
        looked = [path]
    else:
        pyenv = _pyenv_candidates(version)
        names = [f"python{'.'.join(version.split('.')[:2])}", "python3", "python"]
        candidates = [*pyenv, *(found for name in names for found in _on_path(name))]
        looked = [f"{_pyenv_root()}/versions/{version}*", f"on PATH as {', '.join(names)}"]
    answers = [_ask(candidate) for candidate in dict.fromkeys(filter(None, candidates))]
    matching = [found for found in answers if found and _version_matches(found.version, version)]
    if not matching:
        given = f"at {path}" if path else f"({'; '.join(looked)})"
        raise InterpreterNotFound(f"no Python {version} found {given}")
    return max(matching, key=lambda found: Version(found.version))


def _command(path: str) -> str | None:
    expanded = str(Path(path).expanduser())
    return shutil.which(expanded) or shutil.which(path)


def _on_path(name: str) -> list[str]:
    """Every executable ``name`` on PATH, not only the first: a CI runner may
    have two Pythons of one minor version there, the second the one wanted."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    found = [os.path.join(folder, name) for folder in folders if folder]
    return [path for path in found if os.path.isfile(path) and os.access(path, os.X_OK)]


def _pyenv_root() -> str:
    return os.environ.get("PYENV_ROOT", "").strip() or os.path.expanduser("~/.pyenv")


def _pyenv_candidates(version: str) -> list[str]:
    versions = Path(_pyenv_root()) / "versions"
    try:
        names = [entry.name for entry in versions.iterdir()]
    except OSError:
        return []
    chosen = [n for n in names if _PLAIN_VERSION.match(n) and _version_matches(n, version)]
    chosen.sort(key=Version, reverse=True)
    # pyenv links bin/python; a plain `make install` into that folder makes only python3.
    bins = [versions / name / "bin" for name in chosen]
    return [str(b / exe) for b in bins for exe in ("python", "python3") if (b / exe).exists()]


def _version_matches(actual: str, wanted: str) -> bool:
    return actual == wanted or actual.startswith(f"{wanted}.")


def _ask(candidate: str) -> Found | None:
    """What version ``candidate`` is, or None when it does not answer like a Python."""
    try:
        answer = subprocess.run(
            [candidate, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=ASK_SECONDS,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    version = answer.stdout.strip()
    try:
        Version(version)
    except InvalidVersion:
        return None
    return Found(candidate, version) if answer.returncode == 0 else None
