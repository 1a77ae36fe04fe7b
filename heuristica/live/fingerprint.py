"""A cheap way to tell that a knowledge folder changed: the loader's own scan
(``kb.files``: stats every page file, opens none, never raises, whatever
the folder holds) and the versions of the verification record, the matrix
file and the settings file. The app and the MCP server load the folder again
when it changes.

``folder_fingerprint`` is valid in one process (Python's hash);
``lasting_fingerprint`` names the same state in every process, and the code
that loads and indexes it too: the search index kept on disk records it
(``search.disk.Loaded``), so that a later process can tell that the index is
still the folder's as it is now (``live.kept_search``)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from heuristica import __version__, demos
from heuristica.checks.matrix_file import MATRIX_FILE
from heuristica.checks.record_file import RECORD_FILE
from heuristica.kb.files import Scan, scan_folder
from heuristica.kb.settings import SETTINGS_FILE
from heuristica.search.disk import VERSION as SEARCH_VERSION

__all__ = ["folder_fingerprint", "lasting_fingerprint", "other_versions"]

_LOADING_CODE = ("kb", "search", "live")
"""The wings whose code decides which pages a load gives and what their index holds."""


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
    and version, what was not read and why), ``others`` and the code."""
    digest = hashlib.blake2b(_code_version().encode(), digest_size=16)
    digest.update("\0".join(others).encode())
    digest.update(repr((scan.files, scan.problems)).encode())
    return digest.hexdigest()


@cache
def _code_version() -> str:
    """Changes with the loader, the checks across pages, the search index,
    the demos a page may name, or the libraries ``search.disk.VERSION`` names."""
    digest = hashlib.blake2b(f"{__version__} {SEARCH_VERSION}".encode(), digest_size=16)
    digest.update(" ".join(demos.available()).encode())
    package = Path(__file__).resolve().parent.parent
    for wing in _LOADING_CODE:
        for source in sorted((package / wing).glob("*.py")):
            digest.update(source.name.encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()


def _version(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "none"
    return f"{found.st_mtime_ns}.{found.st_ctime_ns}.{found.st_size}.{found.st_ino}"
