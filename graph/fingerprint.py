"""A cheap way to tell that a knowledge folder changed: stat every page file
and the verification record, read none. The app and the MCP server load the
folder again when it changes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from heuristica.graph.checks.record import RECORD_FILE

__all__ = ["folder_fingerprint"]


def folder_fingerprint(root: Path) -> str:
    """Changes whenever a page file below ``root``, or its verification record,
    is added, removed, renamed or edited."""
    digest = hashlib.blake2b(digest_size=16)
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            elif entry.name.endswith((".yaml", ".yml")) or entry.name == RECORD_FILE:
                stat = entry.stat()
                digest.update(f"{entry.path}\0{stat.st_mtime_ns}\0{stat.st_size}\n".encode())
    return digest.hexdigest()
