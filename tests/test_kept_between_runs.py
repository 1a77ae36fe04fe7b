"""The CLI and the MCP server reuse what an earlier run left in the user's cache
folder (``HEURISTICA_CACHE``): the parse results and the search index. Each
run is a real process; the counts of files parsed, pages indexed and loads
come from the process itself (``COUNTING`` wraps the functions that do that
work)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from heuristica.kb.parsecache import cache_path
from tests.agent import connected, mcp_server
from tests.kb import page, write

REPO = Path(__file__).resolve().parent.parent
H, E, P = "heuristic/use-spawn", "environment/linux", "principle/island"
COUNTING = """
import sys
from heuristica.kb import loader
from heuristica.search.store import Store
from heuristica.live.reload import Reloader
from heuristica.commands.cli import main

parsed, indexed, loads = [], [], []
read, commit, load = loader._read_and_parse, Store._commit, Reloader.load
def reading(found):
    parsed.append(found.relative)
    return read(found)
def indexing(store, removed, added):
    indexed.extend(page.id for _, page, *_ in added)
    return commit(store, removed, added)
def loading(*args, **kwargs):
    loads.append("load")
    return load(*args, **kwargs)
loader._read_and_parse, Store._commit, Reloader.load = reading, indexing, loading
code = main(sys.argv[1:])
print(
    "parsed:" + ",".join(sorted(parsed)),
    "indexed:" + ",".join(sorted(indexed)),
    f"loads:{len(loads)}",
    file=sys.stderr,
)
sys.exit(code)
"""


class Run(NamedTuple):
    """What one process did, and the work it did."""

    done: subprocess.CompletedProcess[str]
    parsed: list[str]
    indexed: list[str]
    loads: int


def run(cache: Path, *args: str) -> Run:
    """``heuristica ARGS`` in a process of its own with HEURISTICA_CACHE=cache:
    what it did, the files it parsed, the pages it indexed, how often it
    loaded the knowledge base."""
    done = subprocess.run(
        [sys.executable, "-c", COUNTING, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "HEURISTICA_CACHE": str(cache)},
    )
    said = done.stderr.splitlines()[-1].split(" ")
    parsed, indexed, loads = (part.split(":", 1)[1] for part in said)
    return Run(
        done, [f for f in parsed.split(",") if f], [p for p in indexed.split(",") if p], int(loads)
    )


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    write(root, "h.yaml", page(H, ("requires_env", E), title="Use spawn, not fork"))
    write(root, "e.yaml", page(E, title="Linux with glibc", overview="Fork is the default."))
    write(root, "i.yaml", page(P, title="An island"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text().replace(old, new))


def search_folder(cache: Path, kb: Path) -> Path:
    os.environ["HEURISTICA_CACHE"], before = str(cache), os.environ["HEURISTICA_CACHE"]
    try:
        folder = cache_path(kb, "search", "")
    finally:
        os.environ["HEURISTICA_CACHE"] = before
    assert folder is not None
    return folder


def test_a_second_check_parses_only_the_edited_file(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, parsed, _, _ = run(cache, "check", str(kb))
    assert first.returncode == 0, first.stderr
    assert parsed == ["e.yaml", "h.yaml", "i.yaml"]
    again, parsed, indexed, _ = run(cache, "check", str(kb))
    assert (again.stdout, parsed, indexed) == (first.stdout, [], [])
    edit(kb / "e.yaml", "Linux with glibc", "Linux with musl")
    write(kb, "broken.yaml", "type: heuristic\nid: [\n")
    after, parsed, _, _ = run(cache, "check", str(kb))
    assert parsed == ["broken.yaml", "e.yaml"]
    assert after.returncode == 1 and "broken.yaml:3:1" in after.stdout


def test_a_second_search_indexes_only_the_edited_page(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first, _, indexed, loads = run(cache, "search", "glibc", str(kb), "--format", "json")
    assert first.returncode == 0, first.stderr
    assert (indexed, loads) == (sorted([E, H, P]), 1)
    assert [hit["id"] for hit in json.loads(first.stdout)] == [E]
    # Warm: answered from the index alone, which stores what a hit shows: no page read.
    again, parsed, indexed, loads = run(cache, "search", "glibc", str(kb), "--format", "json")
    assert (again.stdout, parsed, indexed, loads) == (first.stdout, [], [], 0)
    edit(kb / "i.yaml", "An island", "An island of forks")
    (kb / "h.yaml").unlink()
    after, parsed, indexed, loads = run(cache, "search", "fork", str(kb), "--format", "json")
    assert (parsed, indexed, loads) == (["i.yaml"], [P], 1)
    assert [hit["id"] for hit in json.loads(after.stdout)] == [P, E]


def test_a_damaged_or_old_parse_cache_is_read_again_from_the_files(
    kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    first, _, _, _ = run(cache, "check", str(kb), "--format", "json")
    (saved,) = cache.glob("parsed-*.json")
    whole = saved.read_bytes()
    for damage in (whole[: len(whole) // 2], whole.replace(b'"version": "', b'"version": "0')):
        saved.write_bytes(damage)
        for kept in cache.glob("checked-*.json"):  # what the last check found: not this test's
            kept.unlink()
        done, parsed, _, _ = run(cache, "check", str(kb), "--format", "json")
        assert (done.stdout, parsed) == (first.stdout, ["e.yaml", "h.yaml", "i.yaml"])
        assert json.loads(saved.read_bytes().partition(b"\n")[0])["version"] in whole.decode()


def damage_the_manifest(folder: Path) -> None:
    manifest = folder / "pages.json"
    manifest.write_bytes(manifest.read_bytes()[:-20])


def old_manifest(folder: Path) -> None:
    manifest = folder / "pages.json"
    data = json.loads(manifest.read_bytes())
    manifest.write_text(json.dumps({**data, "version": "an older one"}))


def hand_edited_manifest(folder: Path) -> None:
    """Still JSON, its seal left as it was: one page said to be in another row."""
    manifest = folder / "pages.json"
    data = json.loads(manifest.read_bytes())
    page_id = next(iter(data["pages"]))
    data["pages"][page_id][0] += 1
    manifest.write_text(json.dumps(data))


def truncated_segment(folder: Path) -> None:
    largest = max((folder / "index").iterdir(), key=lambda file: file.stat().st_size)
    largest.write_bytes(largest.read_bytes()[:10])


def lost_file(folder: Path) -> None:
    next(p for p in (folder / "index").iterdir() if p.suffix == ".idx").unlink()


def damaged_meta(folder: Path) -> None:
    (folder / "index" / "meta.json").write_text("{")


@pytest.mark.parametrize(
    "damage",
    [
        damage_the_manifest,
        old_manifest,
        hand_edited_manifest,
        truncated_segment,
        lost_file,
        damaged_meta,
    ],
)
def test_a_damaged_stale_or_old_search_index_is_made_again(
    kb: Path, tmp_path: Path, damage: object
) -> None:
    cache = tmp_path / "cache"
    first, _, _, _ = run(cache, "search", "fork", str(kb), "--format", "json")
    assert callable(damage)
    damage(search_folder(cache, kb))
    done, _, indexed, loads = run(cache, "search", "fork", str(kb), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert (done.stdout, indexed, loads) == (first.stdout, sorted([E, H, P]), 1)
    again, _, indexed, loads = run(cache, "search", "fork", str(kb), "--format", "json")
    assert (again.stdout, indexed, loads) == (first.stdout, [], 0)


def test_a_page_changed_behind_the_index_back_is_indexed_again(kb: Path, tmp_path: Path) -> None:
    """An edit that keeps the file's size and modification time still changes
    its version (the change time and inode go with it)."""
    cache = tmp_path / "cache"
    run(cache, "search", "fork", str(kb))
    island = kb / "i.yaml"
    before = island.stat()
    edit(island, "An island", "A zorblax")
    os.utime(island, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert island.stat().st_size == before.st_size
    done, parsed, indexed, loads = run(cache, "search", "zorblax", str(kb), "--format", "json")
    assert (parsed, indexed, loads) == (["i.yaml"], [P], 1)
    assert [hit["id"] for hit in json.loads(done.stdout)] == [P]


def test_the_mcp_server_keeps_its_index_for_the_next_start(kb: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    server = mcp_server(kb)
    server.env = {"HEURISTICA_CACHE": str(cache)}
    with connected(server) as agent:
        hits = agent.call("search", query="glibc").structured_content
    assert hits is not None and [hit["id"] for hit in hits["hits"]] == [E]
    assert list(cache.glob("parsed-*.json"))  # saved as it left, however short the session
    manifest = search_folder(cache, kb) / "pages.json"
    rows = json.loads(manifest.read_bytes())["rows"]
    assert rows == 3
    edit(kb / "i.yaml", "An island", "A zorblax")
    with connected(server) as agent:
        hits = agent.call("search", query="zorblax").structured_content
    assert hits is not None and [hit["id"] for hit in hits["hits"]] == [P]
    assert json.loads(manifest.read_bytes())["rows"] == rows + 1  # one page indexed again
    with connected(server) as agent:  # nothing changed: answered before any load
        again = agent.call("search", query="zorblax").structured_content
    assert again == hits
