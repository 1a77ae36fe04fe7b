"""One virtual environment per matrix cell, built with uv and kept between runs.

Why uv: measured here on CPython 3.12 with polars, numpy and psutil, a venv +
pip build took 15 s and the same again the next time (pip reinstalls from
its cache), uv took 2.1 s cold and 0.7 s warm (it links files from its
cache). uv comes with heuristica[matrix] (its PyPI wheel carries the binary).

An environment lives in the per-user cache folder (``HEURISTICA_CACHE``, else
``$XDG_CACHE_HOME/heuristica``, else ``~/.cache/heuristica``) under
``envs/<key>``, the key a hash of the interpreter (path and version) and the
exact package set: the same cell with the same needs reuses it; any change
builds another. It is used only when its marker file (written last) names
that set and its Python still starts; otherwise it is built again. A lock
file per key lets two runs share the cache.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from heuristica.extras import install_line
from heuristica.kb.parsecache import user_cache_folder

__all__ = ["BuildError", "BuiltEnvironment", "cache_folder", "cell_environment", "uv_command"]

MARKER = "heuristica-env.json"
BUILD_SECONDS = 1800.0
SHOWN_LINES = 8
"""How many of uv's last lines a build failure quotes."""


class BuildError(Exception):
    """The environment could not be built; the message says why (uv's own words)."""


@dataclass(frozen=True)
class BuiltEnvironment:
    python: str
    """The environment's interpreter."""
    requirements: tuple[str, ...]
    reused: bool
    seconds: float


def cache_folder() -> Path:
    """Where the cells' environments are kept."""
    return user_cache_folder() / "envs"


def uv_command() -> str:
    """The uv binary installed with heuristica, else one on PATH. BuildError when neither."""
    try:
        from uv import find_uv_bin
    except ImportError:
        found = shutil.which("uv")
    else:
        found = find_uv_bin()
    if not found:
        raise BuildError(
            f"verify --matrix needs uv, which is not installed: {install_line('matrix')} "
            "(or put uv on PATH)"
        )
    return found


def cell_environment(
    interpreter: str, version: str, requirements: Sequence[str], cache: Path | None = None
) -> BuiltEnvironment:
    """An environment of ``interpreter`` (of ``version``) with exactly
    ``requirements`` (``name==version``) installed: reused from ``cache`` when it
    is there and sound, else built. BuildError with uv's reason when it cannot be."""
    wanted = tuple(sorted(requirements))
    folder = (cache or cache_folder()) / _key(interpreter, version, wanted)
    folder.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with _locked(folder.with_name(f"{folder.name}.lock")):
        python = folder / "bin" / "python"
        if _sound(folder, python, wanted):
            return BuiltEnvironment(str(python), wanted, True, time.monotonic() - started)
        shutil.rmtree(folder, ignore_errors=True)
        uv = uv_command()
        _run([uv, "venv", "--quiet", "--python", interpreter, str(folder)], "make the environment")
        if wanted:
            _run([uv, "pip", "install", "--quiet", "--python", str(python), *wanted], "install")
        marker = {"interpreter": interpreter, "version": version, "requirements": list(wanted)}
        (folder / MARKER).write_text(json.dumps(marker, indent=2), encoding="utf-8")
    return BuiltEnvironment(str(python), wanted, False, time.monotonic() - started)


def _key(interpreter: str, version: str, requirements: tuple[str, ...]) -> str:
    identity = json.dumps([os.path.realpath(interpreter), version, requirements])
    return f"py{version}-{hashlib.blake2b(identity.encode(), digest_size=8).hexdigest()}"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sound(folder: Path, python: Path, wanted: tuple[str, ...]) -> bool:
    """Built for ``wanted``, and its interpreter still starts."""
    try:
        marker = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(marker, dict) or tuple(marker.get("requirements", ())) != wanted:
        return False
    try:
        started = subprocess.run(
            [str(python), "-c", "pass"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return started.returncode == 0


def _run(command: list[str], doing: str) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=BUILD_SECONDS, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise BuildError(f"uv could not {doing} within {BUILD_SECONDS:g} s") from None
    except OSError as error:
        raise BuildError(f"uv could not {doing}: {error}") from None
    if done.returncode != 0:
        said = [line.rstrip() for line in done.stderr.splitlines() if line.strip()]
        detail = "\n".join(said[-SHOWN_LINES:]) or f"exit status {done.returncode}"
        raise BuildError(f"uv could not {doing}:\n{detail}")
