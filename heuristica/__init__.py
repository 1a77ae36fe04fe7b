"""Heuristica: keep, explore, prove and teach a team's engineering knowledge.

The one name this project installs, and where all of its code lives, in
wings from the ground up: ``processes`` (the process runner), ``kb`` (the
knowledge), ``checks`` and ``demos``, ``search``, ``draw``, ``live`` (the live
knowledge base), ``tours``, ``commands`` (the ``heuristica`` command, the MCP
server), ``ui`` and ``pages`` (Streamlit), ``app.py`` and ``shell.py``. A wing
imports only from the wings below it (tests/test_house.py); docs/architecture.md
shows the house. The checkout's top-level ``app.py`` and ``pages/`` are links
into this folder, ``graph/`` is ``python -m graph``.

This module is the ground under every wing: names and paths they share.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "EXAMPLE_KNOWLEDGE",
    "IMPORT_ROOT",
    "KNOWLEDGE_ENV",
    "MATRIX_FILE",
    "RECORD_FILE",
    "SETTINGS_FILE",
    "__version__",
    "child_env",
]

__version__ = "0.1.0"

EXAMPLE_KNOWLEDGE = Path(__file__).parent / "knowledge"
"""The example knowledge base that ships with the package (in a checkout, a
link to the top-level ``knowledge/``)."""

KNOWLEDGE_ENV = "HEURISTICA_KNOWLEDGE"
"""The environment variable that names the knowledge folder the app shows."""

RECORD_FILE = "verification.json"
"""The verification record, in the knowledge folder beside the pages
(``checks.record_file``). JSON, not YAML: the page loader skips it."""
MATRIX_FILE = "matrix.toml"
"""The verification matrix, in the knowledge folder (``checks.matrix_file``)."""
SETTINGS_FILE = "heuristica.toml"
"""The knowledge base's settings, in its folder (``kb.settings``)."""

IMPORT_ROOT = Path(__file__).parent.parent
"""The folder that holds the ``heuristica`` package: the checkout or site-packages."""


def child_env() -> dict[str, str]:
    """This process's environment, with ``IMPORT_ROOT`` first on ``PYTHONPATH``, so a
    ``python -m heuristica.…`` child finds this package from any working folder."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(IMPORT_ROOT), env.get("PYTHONPATH", "")) if part
    )
    return env
