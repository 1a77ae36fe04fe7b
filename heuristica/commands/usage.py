"""What every command raises for bad usage, and the settings files a command
reads whose mistakes are bad usage."""

from __future__ import annotations

from heuristica.checks.local_code import Repositories, RepositoriesError, read_repositories
from heuristica.kb.loader import LoadResult

__all__ = ["UsageError", "repositories_of"]


class UsageError(Exception):
    """Bad usage: reported on stderr, exit code 2."""


def repositories_of(result: LoadResult) -> Repositories:
    """The local checkouts the knowledge base (and this machine) name; a usage
    error that says where when its file cannot be read."""
    try:
        return read_repositories(result.root)
    except RepositoriesError as error:
        raise UsageError(str(error)) from None
