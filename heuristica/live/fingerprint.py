"""A cheap way to tell that a knowledge folder changed: the loader's own scan
(``kb.files``: stats every page file, opens none, never raises, whatever
the folder holds) and the verification record's version. The app and the MCP
server load the folder again when it changes."""

from __future__ import annotations

import os
from pathlib import Path

from heuristica.checks.record import RECORD_FILE
from heuristica.kb.files import Scan, scan_folder

__all__ = ["folder_fingerprint"]


def folder_fingerprint(root: Path, scan: Scan | None = None) -> str:
    """Changes whenever a page file below ``root``, or its verification record,
    is added, removed, renamed or edited. ``scan`` is a scan of ``root`` just
    made, if there is one. Valid in this process only."""
    scan = scan if scan is not None else scan_folder(root)
    try:
        record = os.stat(root / RECORD_FILE)
    except OSError:
        return f"{scan.fingerprint}-no-record"
    return f"{scan.fingerprint}-{record.st_mtime_ns}-{record.st_size}-{record.st_ino}"
