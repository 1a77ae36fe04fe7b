"""Virtual environments that tests make, seeing the packages of the
environment the tests run in: the system's in CI, a developer's virtualenv
on their machine. ``python -m venv --system-site-packages`` alone sees the
base interpreter's packages, which in a developer's virtualenv are not ours,
so a ``.pth`` file adds this interpreter's own site-packages."""

from __future__ import annotations

import site
import subprocess
import sys
from pathlib import Path

__all__ = ["make_venv", "site_packages"]


def make_venv(folder: Path, *, sees_ours: bool, with_pip: bool = False) -> Path:
    """A new virtual environment at ``folder``; its ``python``. ``sees_ours``:
    the packages of the running interpreter are importable in it (after its own)."""
    command = [sys.executable, "-m", "venv", str(folder)]
    if not with_pip:
        command.insert(3, "--without-pip")
    subprocess.run(command, check=True, capture_output=True)
    python = folder / "bin" / "python"
    if sees_ours:
        ours = [*site.getsitepackages(), site.getusersitepackages()]
        lines = "".join(f"{path}\n" for path in dict.fromkeys(ours) if Path(path).is_dir())
        (site_packages(python) / "_heuristica_tests_see_ours.pth").write_text(lines, "utf-8")
    return python


def site_packages(python: Path) -> Path:
    """The folder ``python`` installs packages into."""
    found = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    )
    return Path(found.stdout.strip())
