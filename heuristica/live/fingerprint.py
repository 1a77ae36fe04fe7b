"""A cheap way to tell that a knowledge folder changed: the loader's own scan
(``kb.files``: stats every page file, opens none, never raises, whatever
the folder holds) and the versions of the verification record, the matrix
file and the settings file. The app and the MCP server load the folder again
when it changes; what a process keeps on disk about a folder for the next
one is keyed by ``lasting_fingerprint``."""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import sys
from functools import cache
from pathlib import Path

import heuristica
from heuristica import MATRIX_FILE, RECORD_FILE, SETTINGS_FILE
from heuristica.kb.files import Scan, scan_folder

__all__ = ["code_version", "folder_fingerprint", "lasting_fingerprint"]

_READERS = ("pydantic", "pydantic-core", "PyYAML", "rapidfuzz", "markdown-it-py", "networkx")
"""The libraries whose versions may change what a page is read as or what is found wrong."""


def folder_fingerprint(root: Path, scan: Scan | None = None) -> str:
    """Changes whenever a page file below ``root``, its verification record,
    its matrix file or its settings file is added, removed, renamed or edited.
    ``scan`` is a scan of ``root`` just made, if there is one. Valid in this
    process only."""
    scan = scan if scan is not None else scan_folder(root)
    return "-".join([scan.fingerprint, *_others(root)])


def lasting_fingerprint(root: Path, scan: Scan | None = None) -> str:
    """What ``folder_fingerprint`` says, the same in every process, and
    changed too by another version of this code, of the libraries it reads
    pages with, or of Python (``code_version``)."""
    scan = scan if scan is not None else scan_folder(root)
    listing = repr((scan.files, scan.problems, _others(root), code_version()))
    return hashlib.blake2b(listing.encode(), digest_size=16).hexdigest()


@cache
def code_version() -> str:
    """A digest of this package's source files, the versions of the libraries
    in ``_READERS`` and the interpreter's version (7 ms: 160 files)."""
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


def _others(root: Path) -> list[str]:
    return [_version(root / name) for name in (RECORD_FILE, MATRIX_FILE, SETTINGS_FILE)]


def _version(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "none"
    return f"{found.st_mtime_ns}.{found.st_size}.{found.st_ino}"
