"""Which version of the loader and page models a page file's parse comes
from, told without importing them: the parse cache (``kb.parsecache``) and
the search index kept on disk (``search.disk``) each start again when it
changes, and a search answered from that index (``live.kept_search``) must
know it before it loads any of that code."""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
from pathlib import Path

__all__ = ["VERSION"]

_SOURCES = (
    "check_model.py",
    "content_rules.py",
    "field_messages.py",
    "fields.py",
    "files.py",
    "loader.py",
    "model.py",
    "parse_version.py",
    "parsecache.py",
    "problems.py",
    "relations.py",
    "signature.py",
    "tour_model.py",
    "yaml_tree.py",
)


def _version() -> str:
    """Changes when the loader, the page models, pydantic or Python change
    (pydantic's version as its installed metadata says: importing pydantic
    itself costs a tenth of a second)."""
    digest = hashlib.blake2b(digest_size=16)
    for name in _SOURCES:
        digest.update((Path(__file__).parent / name).read_bytes())
    digest.update(f"{importlib.metadata.version('pydantic')} {sys.version}".encode())
    return digest.hexdigest()


VERSION = _version()
"""Changes when what a page file is read as may change (the loader, the page
models, pydantic, Python): others that keep what they made of pages, such as
the search index on disk, start again when it does."""
