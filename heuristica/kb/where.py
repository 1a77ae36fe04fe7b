"""Where the user is: which knowledge base a command run here means, and the
commands the product prints, written so that they run where the user is
(the installed ``heuristica`` command, the real folder, shell-quoted).
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from heuristica.kb.relations import PageType

__all__ = ["COMMAND", "DOCS", "command", "doc_pointer", "find_knowledge", "folder_argument"]

COMMAND = "heuristica"
"""The installed command; ``python -m graph`` is the same in a checkout."""
DOCS = Path(__file__).resolve().parent.parent / "docs"
"""The documentation, shipped in the package (``heuristica docs NAME`` prints one)."""
KNOWLEDGE = "knowledge"
_MARKS = {*(page_type.value for page_type in PageType), "tours"}
_FILES = ("matrix.toml", "verification.json", "repositories.toml", "heuristica.toml")


def command(*args: str | Path) -> str:
    """``heuristica ARGS``, each argument quoted for a POSIX shell where it needs it."""
    return shlex.join([COMMAND, *(str(arg) for arg in args)])


def doc_pointer(name: str, section: str = "") -> str:
    """How to read a shipped document from anywhere heuristica is installed."""
    where = f"'{section}' in " if section else ""
    return f"{where}`{command('docs', name)}`"


def folder_argument(root: Path, here: Path | None = None) -> str:
    """``root`` as a command run in ``here`` (default: the working folder) should
    name it: relative when it is inside ``here`` or at most two folders up, else
    absolute."""
    absolute = root.resolve()
    relative = os.path.relpath(absolute, (here or Path.cwd()).resolve())
    return relative if relative.split(os.sep).count(os.pardir) <= 2 else str(absolute)


def is_knowledge_base(folder: Path) -> bool:
    """A folder with a page-type or tours folder, or a file heuristica keeps beside pages."""
    return any((folder / name).is_dir() for name in _MARKS) or any(
        (folder / name).is_file() for name in _FILES
    )


def find_knowledge(start: Path) -> Path | None:
    """The knowledge base a command run in ``start`` means, walking up as git
    does: the first folder that is one, or that holds one named ``knowledge``."""
    for folder in (start.resolve(), *start.resolve().parents):
        if is_knowledge_base(folder):
            return folder
        if (folder / KNOWLEDGE).is_dir():
            return folder / KNOWLEDGE
    return None
