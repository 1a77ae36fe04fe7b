"""What every command raises for bad usage, and the one check every command
that names a folder makes first (a module that imports nothing heavy: every
command, however light, can use it)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["UsageError", "folder"]


class UsageError(Exception):
    """Bad usage: reported on stderr, exit code 2."""


def folder(path: Path) -> Path:
    """``path`` if it is a folder, else a usage error that says what it is."""
    if not path.is_dir():
        raise UsageError(f"{path}: {'not a folder' if path.exists() else 'no such folder'}")
    return path
