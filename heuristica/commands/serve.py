"""``heuristica serve``: the explorer on a knowledge folder, started from any
working folder.

Streamlit runs the installed ``app.py`` (never one found in the working
folder) with this project's Streamlit settings. Streamlit reads a
``.streamlit/config.toml`` only from the working folder, so the settings the
package ships (``streamlit.toml``, the repository's ``.streamlit/config.toml``)
are passed as command-line options; options the user adds come after and win.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import heuristica
from heuristica import KNOWLEDGE_ENV, child_env

__all__ = ["exec_streamlit", "streamlit_command"]

PACKAGE = Path(heuristica.__file__).parent
APP = PACKAGE / "app.py"
SETTINGS = PACKAGE / "streamlit.toml"


def _option_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def settings_options(settings: Path = SETTINGS) -> list[str]:
    """Each ``[section] key = value`` of a Streamlit config file as ``--section.key=value``."""
    with settings.open("rb") as file:
        sections = tomllib.load(file)
    return [
        f"--{section}.{key}={_option_value(value)}"
        for section, options in sections.items()
        for key, value in options.items()
    ]


def streamlit_command(
    knowledge: Path, port: int | None, options: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment that run the explorer on ``knowledge``."""
    argv = [sys.executable, "-m", "streamlit", "run", str(APP), *settings_options()]
    if port is not None:
        argv.append(f"--server.port={port}")
    argv += options
    return argv, child_env() | {KNOWLEDGE_ENV: str(knowledge)}


def exec_streamlit(knowledge: Path, port: int | None, options: Sequence[str]) -> NoReturn:
    """Become the Streamlit server (this process is replaced, so signals reach it)."""
    argv, env = streamlit_command(knowledge, port, options)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(argv[0], argv, env)
