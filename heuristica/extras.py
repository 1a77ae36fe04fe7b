"""The parts of heuristica that are extras of its install, and the words that
say which to install when one is missing.

``pip install heuristica`` gives the command line (check, new, init, export,
search, path, verify, docs). The rest is optional (pyproject.toml's
``[project.optional-dependencies]``): ``app`` (the explorer and tours, with
redis-py for sharing them across servers), ``demo`` (the live spawn-vs-fork
demo), ``mcp``, ``matrix`` (``verify --matrix``) and ``all``.
"""

from __future__ import annotations

import importlib.util

__all__ = ["MissingExtra", "install_line", "missing", "require"]


class MissingExtra(Exception):
    """A command or screen needs an extra that is not installed: says which."""


def install_line(extra: str) -> str:
    return f"pip install 'heuristica[{extra}]'"


def missing(module: str) -> bool:
    """True when ``module`` cannot be imported here (checked without importing it)."""
    try:
        return importlib.util.find_spec(module) is None
    except (ImportError, ValueError):
        return True


def require(module: str, extra: str, what: str) -> None:
    """MissingExtra, naming the extra, unless ``module`` can be imported."""
    if missing(module):
        raise MissingExtra(
            f"{what} needs the '{extra}' extra ({module} is not installed): {install_line(extra)}"
        )
