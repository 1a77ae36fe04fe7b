"""A cheap way to tell that a knowledge folder changed: the loader's own scan
(``kb.files``: stats every page file, opens none, never raises, whatever
the folder holds) and the versions of the verification record, the matrix
file and the settings file. The app and the MCP server load the folder again
when it changes."""

from __future__ import annotations

import os
from pathlib import Path

from heuristica.checks.matrix_file import MATRIX_FILE
from heuristica.checks.record import RECORD_FILE
from heuristica.kb.files import Scan, scan_folder
from heuristica.kb.settings import SETTINGS_FILE

__all__ = ["folder_fingerprint"]


def folder_fingerprint(root: Path, scan: Scan | None = None) -> str:
    """Changes whenever a page file below ``root``, its verification record,
    its matrix file or its settings file is added, removed, renamed or edited.
    ``scan`` is a scan of ``root`` just made, if there is one. Valid in this
    process only."""
    scan = scan if scan is not None else scan_folder(root)
    versions = [_version(root / name) for name in (RECORD_FILE, MATRIX_FILE, SETTINGS_FILE)]
    return "-".join([scan.fingerprint, *versions])


def _version(path: Path) -> str:
    try:
        found = os.stat(path)
    except OSError:
        return "none"
    return f"{found.st_mtime_ns}.{found.st_size}.{found.st_ino}"
