"""The MCP server's first answer, while the search index kept on disk is the
folder's as it is now: a real server process and a real client, the server
telling which modules it had imported when it answered. It answers from the
index alone, before the page models, the loader, networkx, the Markdown
parser or the verification record are imported (the load that its start
began imports them after that answer)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from mcp import StdioServerParameters

from heuristica import EXAMPLE_KNOWLEDGE
from tests.agent import connected, text

REPO = Path(__file__).resolve().parent.parent
H = "heuristic/polars-use-spawn-not-fork"

SERVER = """
import json, sys
from heuristica.commands import mcp

mcp.KEPT_WAIT_SECONDS = 600.0  # the load waits for the first answer, however slow the start
search_pages = mcp.search_pages

def recorded(*args, **kwargs):
    found = search_pages(*args, **kwargs)
    if not recorded.done:
        recorded.done = True
        with open(sys.argv[1], "w", encoding="utf-8") as out:
            json.dump(sorted(sys.modules), out)
    return found

recorded.done = False
mcp.search_pages = recorded
from heuristica.commands.cli import main
sys.exit(main(["mcp", sys.argv[2]]))
"""

NOT_BEFORE_THE_FIRST_ANSWER = (
    "heuristica.kb.model",
    "heuristica.kb.loader",
    "heuristica.kb.knowledge",
    "heuristica.kb.markdown",
    "heuristica.kb.page_markdown",
    "heuristica.checks.record",
    "heuristica.live.reload",
    "heuristica.live.whole_layout",
    "networkx",
    "yaml",
    "markdown_it",
)


def test_the_first_answer_imports_only_what_a_kept_search_needs(tmp_path: Path) -> None:
    root, cache = tmp_path / "knowledge", tmp_path / "cache"
    shutil.copytree(EXAMPLE_KNOWLEDGE, root)
    env = {**os.environ, "HEURISTICA_CACHE": str(cache)}
    loaded = subprocess.run(  # a search that loads, and keeps the index for the server
        [sys.executable, "-m", "graph", "search", "spawn fork", str(root), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    imported = tmp_path / "imported.json"
    server = StdioServerParameters(
        command=sys.executable, args=["-c", SERVER, str(imported), str(root)], cwd=REPO, env=env
    )
    with connected(server) as agent:
        found = agent.call("search", query="spawn fork").structured_content
        before = set(json.loads(imported.read_text(encoding="utf-8")))
        page = text(agent.call("get_page", id=H))  # then a tool that needs the load
    assert "heuristica.live.kept_search" in before
    assert before.isdisjoint(NOT_BEFORE_THE_FIRST_ANSWER), before & set(NOT_BEFORE_THE_FIRST_ANSWER)
    assert found is not None
    assert [hit["id"] for hit in found["hits"]] == [hit["id"] for hit in json.loads(loaded.stdout)]
    assert page.startswith("# ")
