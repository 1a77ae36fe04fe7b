"""A cheap way to tell that a knowledge folder changed: the loader's own scan
(``kb.files``: stats every page file, opens none, never raises, whatever
the folder holds) and the versions of the verification record, the matrix
file and the settings file. The app and the MCP server load the folder again
when it changes.

``folder_fingerprint`` is valid in one process (Python's hash);
``lasting_fingerprint`` names the same state in every process, and the code
that loads it too: what a process keeps on disk about the folder for the
next one is keyed by it (the search index's manifest, ``search.disk.Loaded``,
read by ``live.kept_search``; the last check, ``commands.checked``)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import heuristica
from heuristica import MATRIX_FILE, RECORD_FILE, SETTINGS_FILE
from heuristica.kb.files import Scan, scan_folder

__all__ = ["code_version", "folder_fingerprint", "lasting_fingerprint", "other_versions"]

_READERS = (
    "pydantic",
    "pydantic-core",
    "PyYAML",
    "rapidfuzz",
    "markdown-it-py",
    "networkx",
    "tantivy",
)
"""The libraries whose versions may change what a page is read as, what is
found wrong with it, or what its search index holds."""


def folder_fingerprint(
    root: Path, scan: Scan | None = None, others: Sequence[str] | None = None
) -> str:
    """Changes whenever a page file below ``root``, its verification record,
    its matrix file or its settings file is added, removed, renamed or edited.
    ``scan`` is a scan of ``root`` just made, if there is one, ``others``
    ``other_versions(root)`` just taken. Valid in this process only."""
    scan = scan if scan is not None else scan_folder(root)
    others = others if others is not None else other_versions(root)
    return "-".join([scan.fingerprint, *others])


def other_versions(root: Path) -> tuple[str, ...]:
    """The versions of ``root``'s verification record, matrix and settings files."""
    return tuple(_version(root / name) for name in (RECORD_FILE, MATRIX_FILE, SETTINGS_FILE))


def lasting_fingerprint(scan: Scan, others: Sequence[str]) -> str:
    """What ``folder_fingerprint`` names, with the code that loads it, the
    same in every process: a digest of the scan's listing (each file's path
    and version, what was not read and why), ``others`` and ``code_version``."""
    digest = hashlib.blake2b(code_version().encode(), digest_size=16)
    digest.update("\0".join(others).encode())
    digest.update(repr((scan.files, scan.problems)).encode())
    return digest.hexdigest()


@cache
def code_version() -> str:
    """A digest of this package's source files (the loader, the checks, the
    demos a page may name, the search index), the versions of the libraries
    in ``_READERS`` and Python's (about 10 ms: 170 files)."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=16)
    for name in _READERS:
        digest.update(f"{name}=={_installed(name)}".encode())
    package = Path(heuristica.__file__).parent
    for source in sorted(package.rglob("*.py")):
        digest.update(f"{source.relative_to(package)}\0".encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def _installed(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _version(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "none"
    return f"{found.st_mtime_ns}.{found.st_ctime_ns}.{found.st_size}.{found.st_ino}"
