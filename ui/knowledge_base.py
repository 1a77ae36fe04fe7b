"""The knowledge base the app shows: loaded once per server process, shared by
every browser session, and loaded again when a YAML file changes.

``HEURISTICA_KNOWLEDGE=PATH`` points the app at another knowledge base; the
default is the repository's ``knowledge/`` folder.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from heuristica import demos
from heuristica.graph.checks.record import RECORD_FILE, verification_problems
from heuristica.graph.knowledge import KnowledgeGraph
from heuristica.graph.loader import LoadResult, load_knowledge

__all__ = ["ENV_VAR", "KnowledgeBase", "current", "knowledge_root"]

ENV_VAR = "HEURISTICA_KNOWLEDGE"
DEFAULT_ROOT = Path(__file__).resolve().parent.parent / "knowledge"
_RESCAN_SECONDS = 1.0
"""How often at most the folder is scanned for changes (a scan stats every file)."""


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    result: LoadResult
    graph: KnowledgeGraph
    fingerprint: str


def knowledge_root() -> Path:
    """The folder named by HEURISTICA_KNOWLEDGE, else the shipped knowledge/."""
    configured = os.environ.get(ENV_VAR, "").strip()
    return Path(configured).expanduser().resolve() if configured else DEFAULT_ROOT


def _fingerprint(root: Path) -> str:
    """Changes whenever a page file is added, removed, renamed or edited."""
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


_last_scan: dict[Path, tuple[float, str]] = {}


def _recent_fingerprint(root: Path) -> str:
    now = time.monotonic()
    seen = _last_scan.get(root)
    if seen is None or now - seen[0] > _RESCAN_SECONDS:
        seen = (now, _fingerprint(root))
        _last_scan[root] = seen
    return seen[1]


@st.cache_resource(max_entries=2, show_spinner="Loading the knowledge base…")
def _load(root: Path, fingerprint: str) -> KnowledgeBase:
    result = load_knowledge(root, demos=demos.available())
    result.problems = sorted([*result.problems, *verification_problems(result)])
    return KnowledgeBase(root, result, KnowledgeGraph(result.pages), fingerprint)


def current() -> KnowledgeBase:
    """The knowledge base as it is on disk now (at most a second old)."""
    root = knowledge_root()
    return _load(root, _recent_fingerprint(root))
