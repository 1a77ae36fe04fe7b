"""Where what is kept about a knowledge folder lives in the user's cache
folder (its parse results, search index, layouts, last check), and how a file
there is written: whole or not at all. Imports nothing heavy, so a command
can find what it kept before it loads any of the code that made it."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

__all__ = ["CACHE_ENV_VAR", "cache_folder", "cache_path", "user_cache_folder", "write_whole"]

CACHE_ENV_VAR = "HEURISTICA_CACHE"


def user_cache_folder() -> Path:
    """Heuristica's per-user cache: ``$HEURISTICA_CACHE``, else
    ``$XDG_CACHE_HOME/heuristica``, else ``~/.cache/heuristica``."""
    configured = os.environ.get(CACHE_ENV_VAR, "").strip()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
    return Path(configured) if configured else Path(base) / "heuristica"


def cache_path(root: Path, kind: str = "parsed", suffix: str = ".json") -> Path | None:
    """Where the parse cache of the knowledge folder ``root`` is kept (or what
    else of it ``kind`` names, e.g. ``cache_path(root, "search", "")``, the
    folder of its search index); None if that would be inside the folder itself."""
    place = _cache_place(root)
    return None if place is None else place[0] / f"{kind}-{place[1]}{suffix}"


def cache_folder(root: Path) -> Path | None:
    """The folder of what else is kept about the knowledge folder ``root``
    (its whole graph's layouts), beside its parse cache and of this knowledge
    folder alone; None if it would be inside ``root``."""
    place = _cache_place(root)
    return None if place is None else place[0] / place[1]


def _cache_place(root: Path) -> tuple[Path, str] | None:
    """The user cache folder and the name of ``root`` in it; None if the
    cache folder is inside ``root``."""
    folder = user_cache_folder()
    real_root = os.path.realpath(root)
    name = hashlib.blake2b(real_root.encode(), digest_size=12).hexdigest()
    real_folder = Path(os.path.realpath(folder))
    inside = os.path.commonpath([real_root, str(real_folder / name)]) == real_root
    return None if inside else (real_folder, name)


def write_whole(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all: a reader
    sees the old file or the new one (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode() if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
