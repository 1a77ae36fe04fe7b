"""What every command raises for bad usage."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """Bad usage: reported on stderr, exit code 2."""
