"""The knowledge folder a command names, loaded as the app and the MCP server
load it: the parse results and the search index kept in the user's cache
folder between runs, so a second run reads only what changed."""

from __future__ import annotations

from pathlib import Path

from heuristica.commands.progress import progress_bar
from heuristica.commands.usage import folder
from heuristica.kb.files import Scan
from heuristica.kb.parsecache import cache_path
from heuristica.live.knowledge_base import KnowledgeBase, LiveKnowledgeBase

__all__ = ["knowledge_base"]


def knowledge_base(path: Path, scan: Scan | None = None) -> KnowledgeBase:
    """The folder ``path`` loaded as the app and the MCP server load it: from
    the parse results kept in the user's cache folder, parsing only the files
    that changed since (and saving the results back), its search index kept
    there too (``scan``: a listing of it just made, if there is one). On a
    terminal, a first load that takes a while shows its progress."""
    root = folder(path)
    live = LiveKnowledgeBase(
        root, cache_file=cache_path(root), search_folder=cache_path(root, "search", "")
    )
    with progress_bar("Reading the pages") as bar:
        kb = live.current(scan, progress=bar)
    live.save_cache()
    return kb
